import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError } from '../../src/errors.js';
import { readDatastoreFile, uploadDatastoreFile } from '../../src/vim25/datastore-files.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { startConnectProxy, type ConnectProxy } from '../helpers/http-connect-proxy.js';
import { startSocksProxy, type SocksProxy } from '../helpers/socks5-proxy.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

describe('vim25 sessions through proxies (ESX simulator)', () => {
  let sim: Simulator;
  let http: ConnectProxy;
  let socks: SocksProxy;
  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
    http = await startConnectProxy();
    socks = await startSocksProxy();
  });
  after(async () => {
    await http?.close();
    await socks?.close();
    await sim?.stop();
  });

  it('carries TLS, login, SOAP calls and a file transfer through an HTTP CONNECT proxy', async () => {
    const c = await connectTo(sim, { proxy: `http://127.0.0.1:${http.port}` });
    try {
      assert.equal((await c.inventory.listVms([VirtualMachineProps.name])).length, sim.vms);
      const f = { datastore: 'LocalDS_0', path: 'via-http-proxy.txt', dcPath: 'ha-datacenter' };
      await uploadDatastoreFile(c, f, Buffer.from('through the proxy'));
      assert.equal((await readDatastoreFile(c, f)).toString(), 'through the proxy');
      assert.ok(http.stats.tunnels >= 1);
      assert.ok(http.stats.targets.every((t) => t === `127.0.0.1:${sim.port}`));
    } finally {
      await c.close();
    }
  });

  it('carries a session through a SOCKS5 proxy', async () => {
    const c = await connectTo(sim, { proxy: `socks5://127.0.0.1:${socks.port}` });
    try {
      assert.equal((await c.inventory.hostContext()).hostSystem.value, 'ha-host');
      assert.ok(socks.stats.connections >= 1);
      assert.ok(socks.stats.requests.some((r) => r.includes(`127.0.0.1:${sim.port}`)));
    } finally {
      await c.close();
    }
  });

  it('reports a refusing proxy as a connection error', async () => {
    http.refuseWith = '403 Forbidden';
    try {
      await assert.rejects(connectTo(sim, { proxy: `http://127.0.0.1:${http.port}`, retries: 0 }), ConnectionError);
    } finally {
      http.refuseWith = undefined;
    }
  });
});

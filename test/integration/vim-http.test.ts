import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TlsError } from '../../src/errors.js';
import { VimClient } from '../../src/vim25/client.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';

describe('vim25 over plain HTTP (transport=http; simulator without TLS)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ model: 'esx', tls: false, quiet: true });
  });
  after(() => sim?.stop());

  it('connects, lists and logs out over http://', async () => {
    assert.match(sim.url, /^http:/);
    const c = await VimClient.connect({ url: sim.url, username: 'user', password: 'pass' });
    assert.equal((await c.inventory.listVms([VirtualMachineProps.name])).length, sim.vms);
    await c.close();
  });

  it('suggests transport=http when https:// meets a plain HTTP server', async () => {
    const err = await VimClient.connect({ url: `https://127.0.0.1:${sim.port}`, username: 'user', password: 'pass', retries: 0 }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof TlsError, String(err));
    assert.match(err.message, /transport=http/);
  });
});

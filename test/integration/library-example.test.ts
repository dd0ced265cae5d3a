// The README's driver example, run as written (against the simulator instead of a real host).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDomain } from '../../src/index.js';
import { Connection, destroyDomain, getDomainInfo, listDomains, readDomainXml, startDomain } from '../../src/driver/index.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { simulatorUri, writeAuthConf } from './cli-support.js';

describe('README library example (esxvirt/driver)', () => {
  let sim: Simulator;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
    env = { ...process.env, LIBVIRT_AUTH_FILE: writeAuthConf() };
  });
  after(async () => {
    await sim?.stop();
  });

  it('lists, inspects, starts and dumps a domain', async () => {
    const conn = await Connection.open(simulatorUri(sim), { env });
    try {
      await destroyDomain(conn, 'ha-host_VM0');
      const lines: string[] = [];
      for (const d of await listDomains(conn, { all: true })) lines.push(`${d.id} ${d.name} ${d.state}`);
      assert.ok(lines.includes('-1 ha-host_VM0 shut off'), lines.join('\n'));
      const info = await getDomainInfo(conn, 'ha-host_VM0');
      if (info.state === 'shut off') await startDomain(conn, 'ha-host_VM0');
      assert.equal((await getDomainInfo(conn, 'ha-host_VM0')).state, 'running');
      const { def } = await readDomainXml(conn, 'ha-host_VM0');
      assert.match(formatDomain(def), /^<domain type='vmware'[^>]*>\n {2}<name>ha-host_VM0<\/name>/);
    } finally {
      await conn.close();
    }
  });
});

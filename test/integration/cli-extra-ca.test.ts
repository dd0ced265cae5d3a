// bin/esxvirt hands NODE_EXTRA_CA_CERTS over to the CLI (node would parse it at every start):
// a CA given that way must still be trusted, and only that way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { runCli, writeAuthConf } from './cli-support.js';

describe('extra CA certificates through NODE_EXTRA_CA_CERTS (bin/esxvirt)', () => {
  let sim: Simulator;
  let authFile: string;

  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
    authFile = writeAuthConf();
  });
  after(async () => {
    await sim?.stop();
  });

  it('trusts the simulator certificate named by NODE_EXTRA_CA_CERTS, with no pin and no no_verify', async () => {
    const uri = `esx://127.0.0.1:${sim.port}/`;
    const trusted = await runCli(['-c', uri, 'list', '--all', '--name'], { authFile, env: { NODE_EXTRA_CA_CERTS: sim.certPath } });
    assert.equal(trusted.status, 0, trusted.stderr);
    assert.match(trusted.stdout, /ha-host_VM0/);
    const refused = await runCli(['-c', uri, 'list', '--all'], { authFile, env: { NODE_EXTRA_CA_CERTS: '' } });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^error: .*certificate.*no_verify=1/);
  });
});

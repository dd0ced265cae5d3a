/**
 * Networks and interfaces on the STOCK simulator (../shared/vcsim), which updates only the network system's
 * networkInfo and reports physical NICs only in the host's config.network: esxvirt shows both correctly, matches
 * virsh 9.0 byte for byte where virsh works there (net-list, net-info, net-uuid, net-dumpxml of vSwitch0), and a
 * net-define interrupted by dropped connections, 503s or expired sessions, then repeated, ends with the whole
 * network, never a switch without its port groups.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../src/driver/connect/connection.js';
import { readNetworkState } from '../../src/driver/network/index.js';
import { startStockSimulator, sharedVcsimDir, type StockSimulator } from '../harness/stock-vcsim.js';
import { external } from '../support/external.js';
import { runCli } from './cli-support.js';

const stock = external('../shared/vcsim (the stock simulator)', () => sharedVcsimDir(), 'clone the shared folder beside the checkout');
const virsh = external(
  'virsh 9.0 (libvirt-clients)',
  () => (spawnSync('virsh', ['--version']).status === 0 ? 'virsh' : undefined),
  'apt-get install libvirt-clients',
);

const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-netstock-'));
const netXml = (name: string, pgs: string[]): string => {
  const p = join(tmp, `${name}.xml`);
  writeFileSync(
    p,
    `<network><name>${name}</name>${pgs.map((g, i) => `<portgroup name='${g}'><vlan><tag id='${10 + i}'/></vlan></portgroup>`).join('')}</network>`,
  );
  return p;
};

describe('networks on the stock simulator', stock.options, () => {
  let sim: StockSimulator;
  const cli = (...args: string[]) => runCli(['-c', sim.uri, ...args], { authFile: sim.authFile });
  before(async () => {
    sim = await startStockSimulator({ model: 'esx' });
  });
  after(() => sim?.stop());

  for (const args of [
    ['net-list', '--all'],
    ['net-list', '--name'],
    ['net-info', 'vSwitch0'],
    ['net-uuid', 'vSwitch0'],
    ['net-dumpxml', 'vSwitch0'],
  ]) {
    it(`${args.join(' ')}: the same bytes as virsh 9.0`, virsh.options, async () => {
      const ours = await cli(...args);
      const theirs = spawnSync(virsh.value(), ['-c', sim.uri, ...args], {
        env: { ...process.env, LIBVIRT_AUTH_FILE: sim.authFile, LIBVIRT_LOG_OUTPUTS: '4:stderr' },
        encoding: 'utf8',
      });
      assert.equal(theirs.status, 0, theirs.stderr);
      assert.equal(ours.stdout, theirs.stdout);
    });
  }

  it('interfaces: the NICs of config.network, found by name and MAC (virsh lists none here)', async () => {
    assert.equal(
      (await cli('iface-list')).stdout,
      ' Name     State    MAC Address\n--------------------------------------\n vmnic0   active   00:0c:29:81:d8:a0\n vmnic1   active   00:0c:29:81:d8:aa\n\n',
    );
    assert.equal((await cli('iface-name', '00:0c:29:81:d8:aa')).stdout, 'vmnic1\n\n');
  });

  it('a defined network shows its port groups though the server keeps them only in networkInfo', async () => {
    const r = await cli('net-define', netXml('vSwitchS', ['s-a', 's-b']));
    assert.equal(r.status, 0, r.stderr);
    const xml = (await cli('net-dumpxml', 'vSwitchS')).stdout;
    assert.match(xml, /<portgroup name='s-a'>\n {4}<vlan>\n {6}<tag id='10'\/>/);
    assert.match(xml, /<portgroup name='s-b'>\n {4}<vlan>\n {6}<tag id='11'\/>/);
    // the stock server lacks UpdatePortGroup: one clear line
    const mod = await cli('net-update', 'vSwitchS', 'modify', 'portgroup', "<portgroup name='s-a'/>");
    assert.match(mod.stderr, /^error: .*the server does not implement UpdatePortGroup: port group 's-a' cannot be modified there.*\n$/);
    assert.equal((await cli('net-undefine', 'vSwitchS')).status, 0);
    assert.doesNotMatch((await cli('net-list')).stdout, /vSwitchS/);
  });
});

for (const [fault, flag] of [
  ['a dropped connection every 4th call', { faultDrop: 4 }],
  ['a 503 every 4th call', { fault503: 4 }],
  ['an expired session every 3rd call', { faultExpire: 3 }],
] as const) {
  describe(`net-define on the stock simulator with ${fault}`, stock.options, () => {
    let sim: StockSimulator;
    before(async () => {
      sim = await startStockSimulator({ model: 'esx', ...flag });
    });
    after(() => sim?.stop());

    it('repeated until it succeeds, it ends with the whole network; never a switch without its port groups', async () => {
      const pgs = ['f-1', 'f-2', 'f-3', 'f-4'];
      const file = netXml('vSwitchF', pgs);
      let ok = false;
      const errors: string[] = [];
      for (let i = 0; i < 8 && !ok; i++) {
        const r = await runCli(['-c', sim.uri, 'net-define', file], { authFile: sim.authFile });
        ok = r.status === 0;
        if (!ok) errors.push(r.stderr.trim());
        for (const e of errors) assert.match(e, /^error: [^\n]+$/);
      }
      assert.ok(ok, errors.join(' | '));
      // read with a clean server view (the faults also hit this connection; reads are retried)
      const conn = await Connection.open(sim.uri, { env: { ...process.env, LIBVIRT_AUTH_FILE: sim.authFile } });
      try {
        const state = await readNetworkState(conn);
        const sw = state.host.switches.find((s) => s.name === 'vSwitchF');
        assert.ok(sw);
        assert.deepEqual(sw.portgroups.map((p) => p.name).sort(), pgs);
        assert.deepEqual(
          sw.portgroups.map((p) => p.vlanId).sort((a, b) => a - b),
          [10, 11, 12, 13],
        );
        assert.equal(state.host.portgroups.filter((p) => pgs.includes(p.name)).length, 4, 'no port group twice');
      } finally {
        await conn.close();
      }
    });
  });
}

/**
 * Distributed switches on the vCenter model (extended simulator): DVS0 is a network beside the host's vSwitch0, a
 * distributed port group with a VLAN is added, modified and removed through net-update, ensurePortGroup on a
 * distributed switch from 10 concurrent callers makes one port group, and a bridge name both kinds have is refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePortGroup, listVmNetworks, readNetworkState } from '../../src/driver/network/index.js';
import { DistributedSwitchHandle } from '../../src/vim25/index.js';
import { startTarget, type CliTarget } from './cli-domain-support.js';

describe('distributed switches on the vCenter model', () => {
  let t: CliTarget;
  before(async () => {
    t = await startTarget('vpx');
  });
  after(() => t?.stop());

  it('net-list shows the host switch and the distributed switch; net-dumpxml lists its port groups', async () => {
    const list = await t.cli('net-list');
    assert.match(list.stdout, /^ Name +State +Autostart +Persistent\n-+\n vSwitch0 +active +yes +yes\n DVS0 +active +yes +yes\n\n$/);
    const xml = (await t.cli('net-dumpxml', 'DVS0')).stdout;
    assert.match(xml, /^<network>\n {2}<name>DVS0<\/name>\n {2}<uuid>[0-9a-f-]{36}<\/uuid>\n {2}<forward mode='bridge'\/>\n/);
    assert.match(xml, /<portgroup name='DC0_DVPG0'>\n {2}<\/portgroup>/);
    const json = JSON.parse((await t.cli('--json', 'net-info', 'DVS0')).stdout) as { kind: string };
    assert.equal(json.kind, 'distributed');
    assert.match((await t.cli('net-undefine', 'DVS0')).stderr, /is a distributed switch: esxvirt does not remove those/);
  });

  it('net-update adds, modifies and deletes a distributed port group with a VLAN (id and trunk)', async () => {
    assert.equal(
      (await t.cli('net-update', 'DVS0', 'add', 'portgroup', "<portgroup name='dv-42'><vlan><tag id='42'/></vlan></portgroup>")).status,
      0,
    );
    assert.match(
      (await t.cli('net-dumpxml', 'DVS0')).stdout,
      /<portgroup name='dv-42'>\n {4}<vlan>\n {6}<tag id='42'\/>\n {4}<\/vlan>\n {2}<\/portgroup>/,
    );
    const mod = await t.cli(
      'net-update',
      'DVS0',
      'modify',
      'portgroup',
      "<portgroup name='dv-42'><vlan trunk='yes'><tag id='100'/><tag id='101'/></vlan></portgroup>",
    );
    assert.equal(mod.status, 0, mod.stderr);
    assert.match(
      (await t.cli('net-dumpxml', 'DVS0')).stdout,
      /<portgroup name='dv-42'>\n {4}<vlan trunk='yes'>\n {6}<tag id='100'\/>\n {6}<tag id='101'\/>\n {4}<\/vlan>/,
    );
    assert.equal((await t.cli('net-update', 'DVS0', 'delete', 'portgroup', "<portgroup name='dv-42'/>")).status, 0);
    assert.doesNotMatch((await t.cli('net-dumpxml', 'DVS0')).stdout, /dv-42/);
  });

  it('ensurePortGroup on a distributed switch from 10 concurrent callers makes one port group', async () => {
    const conns = await Promise.all(Array.from({ length: 10 }, () => t.open()));
    try {
      const rs = await Promise.all(conns.map((c) => ensurePortGroup(c, { name: 'br-int', vlan: 200, vswitch: 'DVS0' })));
      assert.ok(rs.every((r) => r.kind === 'distributed' && r.network === 'DVS0'));
      const state = await readNetworkState(conns[0]!);
      assert.equal(state.distributed.flatMap((d) => d.portgroups).filter((p) => p.name === 'br-int').length, 1);
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });

  it('define refuses a bridge name that names two networks', async () => {
    // vcsim refuses duplicate network names in a folder except for names starting 'NSX-' (as NSX creates them)
    const conn = await t.open();
    try {
      const state = await readNetworkState(conn);
      const dvs = state.distributed.find((d) => d.name === 'DVS0')!;
      for (let i = 0; i < 2; i++)
        await (
          await new DistributedSwitchHandle(conn.client, dvs.ref).addPortgroups({ spec: [{ name: 'NSX-dup', type: 'earlyBinding' }] })
        ).wait();
      assert.equal((await listVmNetworks(conn)).filter((n) => n.name === 'NSX-dup').length, 2);
    } finally {
      await conn.close();
    }
    const dir = mkdtempSync(join(tmpdir(), 'esxvirt-netvpx-'));
    const dom = join(dir, 'dom.xml');
    writeFileSync(
      dom,
      `<domain type='vmware'><name>ambig</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os><devices>
<disk type='file' device='disk'><source file='[LocalDS_0] ambig/ambig.vmdk'/><target dev='sda' bus='scsi'/></disk>
<interface type='bridge'><source bridge='NSX-dup'/></interface></devices></domain>`,
    );
    const r = await t.cli('define', dom);
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /network name 'NSX-dup' is ambiguous: it names distributed port group dvportgroup-\d+, distributed port group dvportgroup-\d+/,
    );
  });
});

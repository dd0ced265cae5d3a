/**
 * Networks and interfaces on our extended simulator (ESX model): every network and interface command through
 * bin/esxvirt in virsh's layouts, a vSwitch defined with uplink, MTU and VLAN port groups and kept in step in both
 * of vSphere's reports, port groups added/modified/removed with net-update, ensurePortGroup from 10 concurrent
 * callers, refusal to undefine a network in use, and a domain's bridge name checked at define.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePortGroup, listNetworks, readNetworkState } from '../../src/driver/network/index.js';
import { HostSystemProps, prop, retrieveOne } from '../../src/vim25/index.js';
import { startTarget, type CliTarget } from './cli-domain-support.js';

const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-net-'));
const file = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const NET = file(
  'net.xml',
  `<network>
  <name>vSwitch1</name>
  <forward mode='bridge'><interface dev='vmnic1'/></forward>
  <mtu size='9000'/>
  <portgroup name='br-int'/>
  <portgroup name='vlan-42'><vlan><tag id='42'/></vlan></portgroup>
</network>
`,
);

describe('networks and interfaces on the ESX model (extended simulator)', () => {
  let t: CliTarget;
  before(async () => {
    t = await startTarget('esx');
  });
  after(() => t?.stop());

  it('net-list, net-info, net-uuid, net-name, net-dumpxml show vSwitch0 as libvirt does', async () => {
    const list = await t.cli('net-list', '--all');
    assert.equal(
      list.stdout,
      ' Name       State    Autostart   Persistent\n---------------------------------------------\n vSwitch0   active   yes         yes\n\n',
    );
    const info = await t.cli('net-info', 'vSwitch0');
    assert.equal(
      info.stdout,
      'Name:           vSwitch0\nUUID:           2f467347-8b4e-8655-e7d6-c4c3fb968009\nActive:         yes\nPersistent:     yes\nAutostart:      yes\n\n',
    );
    assert.equal((await t.cli('net-uuid', 'vSwitch0')).stdout, '2f467347-8b4e-8655-e7d6-c4c3fb968009\n\n');
    assert.equal((await t.cli('net-name', '2f467347-8b4e-8655-e7d6-c4c3fb968009')).stdout, 'vSwitch0\n\n');
    const xml = await t.cli('net-dumpxml', 'vSwitch0');
    assert.equal(
      xml.stdout,
      "<network>\n  <name>vSwitch0</name>\n  <uuid>2f467347-8b4e-8655-e7d6-c4c3fb968009</uuid>\n  <forward dev='vmnic0' mode='bridge'>\n    <interface dev='vmnic0'/>\n  </forward>\n  <portgroup name='VM Network'>\n  </portgroup>\n</network>\n\n",
    );
    const missing = await t.cli('net-info', 'nope');
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /^error: .*no network with name or UUID 'nope'.*\n$/);
  });

  it('iface-list, iface-dumpxml, iface-mac, iface-name: physical NICs looked up by name and by MAC', async () => {
    const list = await t.cli('iface-list', '--all');
    assert.equal(
      list.stdout,
      ' Name     State    MAC Address\n--------------------------------------\n vmnic0   active   00:0c:29:81:d8:a0\n vmnic1   active   00:0c:29:81:d8:aa\n\n',
    );
    assert.equal((await t.cli('iface-list', '--inactive')).stdout, ' Name   State   MAC Address\n-----------------------------\n\n');
    assert.equal((await t.cli('iface-mac', 'vmnic1')).stdout, '00:0c:29:81:d8:aa\n\n');
    assert.equal((await t.cli('iface-name', '00:0C:29:81:D8:AA')).stdout, 'vmnic1\n\n');
    const byMac = await t.cli('iface-dumpxml', '00:0c:29:81:d8:a0');
    assert.match(
      byMac.stdout,
      /^<interface type='ethernet' name='vmnic0'>\n {2}<start mode='onboot'\/>\n {2}<mac address='00:0c:29:81:d8:a0'\/>\n {2}<link speed='10000' state='up'\/>\n/,
    );
    const none = await t.cli('iface-mac', 'vmnic9');
    assert.match(none.stderr, /no interface with name or MAC address 'vmnic9'/);
  });

  it('net-define creates the switch with uplink, MTU and VLAN port groups, in both of vSphere reports', async () => {
    const r = await t.cli('net-define', NET);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `Network vSwitch1 defined from ${NET}\n\n`);
    const xml = (await t.cli('net-dumpxml', 'vSwitch1')).stdout;
    assert.equal(
      xml,
      "<network>\n  <name>vSwitch1</name>\n  <uuid>d61ea8ec-4be0-8a69-4aa3-6201c1eec772</uuid>\n  <forward dev='vmnic1' mode='bridge'>\n    <interface dev='vmnic1'/>\n  </forward>\n  <mtu size='9000'/>\n  <portgroup name='br-int'>\n  </portgroup>\n  <portgroup name='vlan-42'>\n    <vlan>\n      <tag id='42'/>\n    </vlan>\n  </portgroup>\n</network>\n\n",
    );
    const conn = await t.open();
    try {
      // the host's config.network agrees with the network system (the harness keeps them in step, as ESX does)
      const host = await retrieveOne(conn.client, conn.host.hostSystem, [HostSystemProps.configNetwork]);
      const cfg = prop(host, HostSystemProps.configNetwork);
      const sw = cfg?.vswitch?.find((s) => s.name === 'vSwitch1');
      assert.equal(sw?.key, 'key-vim.host.VirtualSwitch-vSwitch1');
      assert.deepEqual(sw?.pnic, ['key-vim.host.PhysicalNic-vmnic1']);
      assert.equal(sw?.spec.mtu, 9000);
      assert.equal(cfg?.portgroup?.find((p) => p.spec.name === 'vlan-42')?.spec.vlanId, 42);
      assert.equal((await readNetworkState(conn)).host.source, 'networkInfo');
    } finally {
      await conn.close();
    }
    // the same definition again completes nothing and succeeds; a different one is refused
    assert.equal((await t.cli('net-define', NET)).status, 0);
    const other = file('other.xml', "<network><name>vSwitch1</name><portgroup name='x'/></network>");
    const refused = await t.cli('net-define', other);
    assert.match(refused.stderr, /network 'vSwitch1' already exists and it has port group 'br-int'/);
    const busyNic = file('busy.xml', "<network><name>vSwitch2</name><forward mode='bridge'><interface dev='vmnic1'/></forward></network>");
    assert.match((await t.cli('net-define', busyNic)).stderr, /ResourceInUse/);
    assert.match(
      (await t.cli('net-define', file('nat.xml', "<network><name>n</name><forward mode='nat'/></network>"))).stderr,
      /Unsupported forward mode 'nat'/,
    );
  });

  it('net-update adds, modifies and deletes port groups (VLAN, security policy)', async () => {
    const add = await t.cli(
      'net-update',
      'vSwitch1',
      'add',
      'portgroup',
      "<portgroup name='vlan-7'><vlan><tag id='7'/></vlan></portgroup>",
    );
    assert.equal(add.stdout, 'Updated network vSwitch1 live state\n\n', add.stderr);
    const mod = await t.cli(
      'net-update',
      'vSwitch1',
      'modify',
      'portgroup',
      "<portgroup name='vlan-7'><vlan><tag id='8'/></vlan><esx:security xmlns:esx='urn:esxvirt:network:1' allowPromiscuous='yes'/></portgroup>",
      '--config',
    );
    assert.equal(mod.stdout, 'Updated network vSwitch1 persistent config\n\n', mod.stderr);
    assert.match(
      (await t.cli('net-dumpxml', 'vSwitch1')).stdout,
      /<portgroup name='vlan-7'>\n {4}<vlan>\n {6}<tag id='8'\/>\n {4}<\/vlan>\n {4}<esx:security xmlns:esx='urn:esxvirt:network:1' allowPromiscuous='yes'\/>\n {2}<\/portgroup>/,
    );
    assert.match(
      (await t.cli('net-update', 'vSwitch1', 'add', 'portgroup', "<portgroup name='vlan-7'/>")).stderr,
      /already exists on vSwitch1/,
    );
    assert.match(
      (
        await t.cli(
          'net-update',
          'vSwitch1',
          'add',
          'portgroup',
          "<portgroup name='t'><vlan trunk='yes'><tag id='1'/><tag id='2'/></vlan></portgroup>",
        )
      ).stderr,
      /trunks of chosen VLANs need a distributed switch/,
    );
    assert.match((await t.cli('net-update', 'vSwitch1', 'add', 'ip', "<ip address='1.2.3.4'/>")).stderr, /only 'portgroup'/);
    const del = await t.cli('net-update', 'vSwitch1', 'delete', 'portgroup', "<portgroup name='vlan-7'/>");
    assert.equal(del.status, 0, del.stderr);
    assert.doesNotMatch((await t.cli('net-dumpxml', 'vSwitch1')).stdout, /vlan-7/);
  });

  it('ensurePortGroup from 10 concurrent callers: all succeed, one port group results; a conflicting VLAN is refused', async () => {
    const conns = await Promise.all(Array.from({ length: 10 }, () => t.open()));
    try {
      const results = await Promise.all(conns.map((c) => ensurePortGroup(c, { name: 'br100', vlan: 100, uplink: 'vmnic1' })));
      assert.ok(results.every((r) => r.network === 'vSwitch1' && r.vlan === 100));
      assert.ok(results.filter((r) => r.created).length >= 1);
      const state = await readNetworkState(conns[0]!);
      assert.equal(state.host.portgroups.filter((p) => p.name === 'br100').length, 1);
      assert.deepEqual(await ensurePortGroup(conns[0]!, { name: 'br100', vlan: 100, vswitch: 'vSwitch1' }), {
        name: 'br100',
        network: 'vSwitch1',
        kind: 'standard',
        vlan: 100,
        created: false,
      });
      await assert.rejects(
        ensurePortGroup(conns[0]!, { name: 'br100', vlan: 101, vswitch: 'vSwitch1' }),
        /already exists on vSwitch1 with VLAN 100/,
      );
      await assert.rejects(ensurePortGroup(conns[0]!, { name: 'x', vlan: 1, uplink: 'vmnic7' }), /no virtual switch has uplink 'vmnic7'/);
      assert.deepEqual(
        (await listNetworks(conns[0]!)).map((n) => n.name),
        ['vSwitch0', 'vSwitch1'],
      );
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });

  it('define refuses an unknown bridge name; net-undefine refuses a network in use, naming the VMs', async () => {
    const dom = file(
      'dom.xml',
      `<domain type='vmware'><name>netdom</name><memory unit='MiB'>64</memory><os><type arch='x86_64'>hvm</type></os><devices>
<disk type='file' device='disk'><source file='[LocalDS_0] netdom/netdom.vmdk'/><target dev='sda' bus='scsi'/></disk>
<interface type='bridge'><source bridge='no-such-net'/></interface></devices></domain>`,
    );
    const r = await t.cli('define', dom);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /no network named 'no-such-net': expecting one of 'VM Network', 'br-int', 'vlan-42', 'br100'/);
    const busy = await t.cli('net-undefine', 'vSwitch0');
    assert.notEqual(busy.status, 0);
    assert.match(busy.stderr, /cannot undefine network 'vSwitch0': port group 'VM Network' is used by vm-\d+, vm-\d+/);
    const ok = await t.cli('net-undefine', 'vSwitch1');
    assert.equal(ok.stdout, 'Network vSwitch1 has been undefined\n\n', ok.stderr);
    const conn = await t.open();
    try {
      const state = await readNetworkState(conn);
      assert.deepEqual(
        state.host.switches.map((s) => s.name),
        ['vSwitch0'],
      );
      assert.ok(!state.host.portgroups.some((p) => ['br-int', 'vlan-42', 'br100'].includes(p.name)));
    } finally {
      await conn.close();
    }
  });

  it('net-autostart, net-start, net-destroy answer as libvirt does for ESX', async () => {
    assert.equal((await t.cli('net-autostart', 'vSwitch0')).stdout, 'Network vSwitch0 marked as autostarted\n\n');
    assert.match((await t.cli('net-autostart', 'vSwitch0', '--disable')).stderr, /Cannot deactivate network autostart/);
    const start = await t.cli('net-start', 'vSwitch0');
    assert.notEqual(start.status, 0);
    assert.match(start.stderr, /^error: .*Failed to start network vSwitch0: .*virNetworkCreate.*\n$/);
    assert.match((await t.cli('net-destroy', 'vSwitch0')).stderr, /Failed to destroy network vSwitch0: .*virNetworkDestroy/);
  });
});

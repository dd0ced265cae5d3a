/**
 * Device commands through bin/esxvirt against our simulator (ESX and vCenter models), on stopped and running VMs:
 * disks created and attached, NICs, controllers, CD-ROM media, link state, the listings, and every refusal (ESX's
 * hot-plug rules, --live on a stopped domain, unknown networks, missing or existing files) leaving the VM as it was.
 * Run `npm run build` first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTarget, type CliTarget } from './cli-domain-support.js';

const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-devices-'));
const file = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI device commands (${model}://)`, () => {
    let t: CliTarget;
    let vm: string;
    let dir: string;

    before(async () => {
      t = await startTarget(model);
      vm = t.vms[0] as string;
      const xml = (await t.cli('dumpxml', vm)).stdout;
      dir = /<source file='(\[[^\]]+\] [^/']+)\//.exec(xml)?.[1] ?? '';
      assert.ok(dir !== '', xml);
    });
    after(async () => {
      await t?.stop();
    });

    async function ok(...args: string[]): Promise<string> {
      const r = await t.cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '', args.join(' '));
      return r.stdout;
    }
    async function state(want: 'running' | 'shut off'): Promise<void> {
      const cur = (await t.cli('domstate', vm)).stdout.trim();
      if (cur !== want) await ok(want === 'running' ? 'start' : 'destroy', vm);
    }
    const targets = async (): Promise<string[]> =>
      (JSON.parse(await ok('--json', 'domblklist', vm)) as { disks: { target: string }[] }).disks.map((d) => d.target);
    const macs = async (): Promise<string[]> =>
      (JSON.parse(await ok('--json', 'domiflist', vm)) as { interfaces: { mac: string }[] }).interfaces.map((n) => n.mac);

    it('a stopped domain: a new thin disk in its folder, listed, sized, detached (its file kept), attached again', async () => {
      await state('shut off');
      assert.equal(await ok('attach-disk', vm, 'data.vmdk', 'sdb', '--size', '10M'), 'Disk attached successfully\n\n');
      assert.deepEqual(await targets(), ['sda', 'sdb']);
      const a = `${dir}/disk1.vmdk`;
      const b = `${dir}/data.vmdk`;
      const w = Math.max(a.length, b.length);
      assert.equal(await ok('domblklist', vm), ` Target   Source\n${'-'.repeat(9 + w + 3)}\n sda      ${a}\n sdb      ${b}\n\n`);
      const info = JSON.parse(await ok('--json', 'domblkinfo', vm, 'sdb')) as { disks: { capacity: number; source: string }[] };
      assert.equal(info.disks[0]?.capacity, 10 * 1024 * 1024);
      assert.equal(info.disks[0]?.source, `${dir}/data.vmdk`);
      assert.equal(await ok('domblkinfo', vm, 'sdb'), `Capacity:       10485760\nAllocation:     0\nPhysical:       0\n\n`);
      assert.equal(await ok('detach-disk', vm, 'sdb'), 'Disk detached successfully\n\n');
      assert.deepEqual(await targets(), ['sda']);
      // the file stayed: attaching it as it is works, creating it again is refused by the server
      assert.deepEqual(await t.cli('attach-disk', vm, 'data.vmdk', 'sdc', '--size', '1M'), {
        status: 1,
        stdout: '\n',
        stderr: `error: cannot attach disk 'sdc' on domain '${vm}': FileAlreadyExists: Cannot complete the operation because the file or folder ${dir}/data.vmdk already exists\n`,
      });
      await ok('attach-disk', vm, `${dir}/data.vmdk`, 'sdc');
      assert.deepEqual(await targets(), ['sda', 'sdc']);
      await ok('detach-disk', vm, `${dir}/data.vmdk`);
      assert.deepEqual(await targets(), ['sda']);
    });

    it('a file that does not exist is refused by the server in one line; the VM is unchanged', async () => {
      const r = await t.cli('attach-disk', vm, 'missing.vmdk', 'sdb');
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `error: cannot attach disk 'sdb' on domain '${vm}': FileNotFound: File ${dir}/missing.vmdk was not found\n`);
      assert.deepEqual(await targets(), ['sda']);
    });

    it('an IDE disk and a SCSI controller go on while stopped; a running domain refuses them with one line', async () => {
      await state('shut off');
      await ok('attach-disk', vm, 'ide.vmdk', 'hdb', '--size', '1M');
      const ctl = file('ctl.xml', "<controller type='scsi' index='1' model='vmpvscsi'/>");
      assert.equal(await ok('attach-device', vm, ctl), 'Device attached successfully\n\n');
      await state('running');
      const before = await targets();
      assert.deepEqual(await t.cli('attach-disk', vm, 'ide2.vmdk', 'hdd', '--size', '1M'), {
        status: 1,
        stdout: '\n',
        stderr: `error: Requested operation is not valid: cannot attach disk 'hdd' on running domain '${vm}': adding a disk on the IDE bus needs the domain shut off\n`,
      });
      const detach = await t.cli('detach-device', vm, ctl);
      assert.equal(detach.status, 1);
      assert.match(
        detach.stderr,
        /^error: Requested operation is not valid: cannot detach scsi controller 1 on running domain '[^']+': removing '[^']+' needs the domain shut off\n$/,
      );
      const serial = file('serial.xml', "<serial type='file'><source path='[LocalDS_0] s.log'/><target port='0'/></serial>");
      assert.match((await t.cli('attach-device', vm, serial)).stderr, /adding a serial port needs the domain shut off\n$/);
      assert.deepEqual(await targets(), before);
      await state('shut off');
      await ok('detach-device', vm, ctl);
      await ok('detach-disk', vm, 'hdb');
    });

    it('a running domain: SCSI disks and NICs hot-plug, from options and from XML', async () => {
      await state('running');
      assert.equal(await ok('attach-disk', vm, 'hot.vmdk', 'sdb', '--size', '2M', '--live'), 'Disk attached successfully\n\n');
      const disk = file(
        'disk.xml',
        `<disk type='file' device='disk'><source file='${dir}/hot.vmdk'/><target dev='sdb' bus='scsi'/></disk>`,
      );
      assert.equal(await ok('detach-device', vm, disk, '--persistent'), 'Device detached successfully\n\n');
      assert.equal(await ok('attach-device', vm, disk, '--current'), 'Device attached successfully\n\n');
      assert.deepEqual(await targets(), ['sda', 'sdb']);
      await ok('detach-disk', vm, 'sdb');
      const nics = await macs();
      assert.equal(
        await ok('attach-interface', vm, 'bridge', 'VM Network', '--model', 'vmxnet3', '--mac', '00:50:56:3f:00:01'),
        'Interface attached successfully\n\n',
      );
      assert.deepEqual((await macs()).sort(), [...nics, '00:50:56:3f:00:01'].sort());
      const line = (await ok('domiflist', vm)).split('\n').find((l) => l.includes('00:50:56:3f:00:01'));
      assert.equal(line?.replace(/ +/g, ' ').trim(), '- bridge VM Network vmxnet3 00:50:56:3f:00:01');
      assert.equal(await ok('detach-interface', vm, 'bridge', '--mac', '00:50:56:3F:00:01'), 'Interface detached successfully\n\n');
      assert.deepEqual(await macs(), nics);
    });

    it('interfaces: an unknown network, a second NIC without --mac, a bad type: one line each', async () => {
      const unknown = await t.cli('attach-interface', vm, 'bridge', 'nonet');
      assert.deepEqual({ ...unknown, stderr: '' }, { status: 1, stdout: '\n', stderr: '' });
      // on vCenter the distributed port groups are networks too (vcsim 0.24.2 does not mark its uplink port group)
      if (model === 'esx') assert.equal(unknown.stderr, "error: no network named 'nonet': expecting one of 'VM Network'\n");
      else assert.match(unknown.stderr, /^error: no network named 'nonet': expecting one of 'VM Network', .*'DC0_DVPG0'/);
      const before = await macs();
      const bridges = (JSON.parse(await ok('--json', 'domiflist', vm)) as { interfaces: { type: string }[] }).interfaces.filter(
        (n) => n.type === 'bridge',
      ).length;
      await ok('attach-interface', vm, 'bridge', 'VM Network');
      await ok('attach-interface', vm, 'bridge', 'VM Network');
      assert.equal(
        (await t.cli('detach-interface', vm, 'bridge')).stderr,
        `error: Domain has ${bridges + 2} interfaces. Please specify which one to detach using --mac\n`,
      );
      for (const m of (await macs()).filter((x) => !before.includes(x))) await ok('detach-interface', vm, 'bridge', '--mac', m);
      assert.deepEqual(await macs(), before);
      assert.equal((await t.cli('attach-interface', vm, 'direct', 'eth0')).status, 2);
    });

    if (model === 'vpx')
      it('interfaces: a distributed port group named as a bridge joins its switch (vds), listed and detached', async () => {
        const before = await macs();
        await ok('attach-interface', vm, 'bridge', 'DC0_DVPG0', '--mac', '00:50:56:3f:00:07');
        const xml = (await t.cli('dumpxml', vm)).stdout; // (vcsim's VM has a CD-ROM in its disk's slot: a warning)
        const nic = /<interface type='vds'>\s*<mac address='00:50:56:3f:00:07'[^]*?<\/interface>/.exec(xml)?.[0] ?? '';
        assert.match(nic, /<source switchid='[0-9a-f-]{36}' portgroupid='dvportgroup-\d+'/, xml);
        const line = (await ok('domiflist', vm)).split('\n').find((l) => l.includes('00:50:56:3f:00:07'));
        assert.match(line?.replace(/ +/g, ' ').trim() ?? '', /^- vds dvportgroup-\d+ e1000 00:50:56:3f:00:07$/);
        await ok('detach-interface', vm, 'vds', '--mac', '00:50:56:3f:00:07');
        assert.deepEqual(await macs(), before);
      });

    it('CD-ROM media: attached while stopped, then ejected, inserted and updated on the running domain', async () => {
      await state('shut off');
      await ok('attach-disk', vm, '[LocalDS_0] iso/a.iso', 'hdc', '--type', 'cdrom');
      await state('running');
      const src = async (): Promise<string | undefined> =>
        (JSON.parse(await ok('--json', 'domblklist', vm)) as { disks: { target: string; source: string }[] }).disks.find(
          (d) => d.target === 'hdc',
        )?.source;
      assert.equal(await src(), '[LocalDS_0] iso/a.iso');
      assert.equal(await ok('change-media', vm, 'hdc', '--eject'), 'Successfully ejected media.\n\n');
      assert.equal(await src(), '-');
      assert.equal(await ok('change-media', vm, 'hdc', '[LocalDS_0] iso/b.iso', '--insert'), 'Successfully inserted media.\n\n');
      assert.equal(await src(), '[LocalDS_0] iso/b.iso');
      assert.match(
        (await t.cli('change-media', vm, 'hdc', '[LocalDS_0] iso/c.iso', '--insert')).stderr,
        /already has media; eject it first or use --update/,
      );
      assert.equal(
        await ok('change-media', vm, '[LocalDS_0] iso/b.iso', '[LocalDS_0] iso/c.iso', '--update'),
        'Successfully updated media.\n\n',
      );
      const cd = file(
        'cd.xml',
        "<disk type='file' device='cdrom'><source file='[LocalDS_0] iso/d.iso'/><target dev='hdc' bus='ide'/></disk>",
      );
      assert.equal(await ok('update-device', vm, cd), 'Device updated successfully\n\n');
      assert.equal(await src(), '[LocalDS_0] iso/d.iso');
      assert.equal((await t.cli('change-media', vm, 'hdc', '--eject', '--insert')).status, 2);
      await state('shut off');
      await ok('detach-disk', vm, 'hdc');
    });

    it('link state: domif-setlink down and up, read back by domif-getlink (MAC or ethernetN)', async () => {
      await state('running');
      const mac = (await macs())[0] as string;
      assert.equal((await macs()).length, 1);
      assert.equal(await ok('domif-getlink', vm, mac), `${mac} up\n`);
      assert.equal(await ok('domif-setlink', vm, mac, 'down'), 'Device updated successfully\n\n');
      assert.equal(await ok('domif-getlink', vm, 'ethernet0'), 'ethernet0 down\n');
      await ok('domif-setlink', vm, 'ethernet0', 'up');
      assert.equal(await ok('domif-getlink', vm, mac), `${mac} up\n`);
      assert.deepEqual(await t.cli('domif-getlink', vm, '00:11:22:33:44:55'), {
        status: 1,
        stdout: '\n',
        stderr: 'error: Interface (mac: 00:11:22:33:44:55) not found.\n',
      });
    });

    it('--live on a stopped domain is refused as libvirt refuses it; --current and --live together are a usage error', async () => {
      await state('shut off');
      assert.deepEqual(await t.cli('attach-disk', vm, 'x.vmdk', 'sdb', '--size', '1M', '--live'), {
        status: 1,
        stdout: '\n',
        stderr: 'error: Requested operation is not valid: domain is not running\n',
      });
      assert.equal((await t.cli('attach-disk', vm, 'x.vmdk', 'sdb', '--live', '--current')).status, 2);
      assert.deepEqual(await targets(), ['sda']);
    });

    it('--print-xml shows the device without touching the domain', async () => {
      assert.equal(
        await ok('attach-disk', vm, '[LocalDS_0] a.vmdk', 'sdq', '--print-xml'),
        "<disk type='file' device='disk'>\n  <source file='[LocalDS_0] a.vmdk'/>\n  <target dev='sdq' bus='scsi'/>\n</disk>\n\n",
      );
      assert.equal(
        await ok('attach-interface', vm, 'bridge', 'VM Network', '--mac', '00:50:56:00:00:09', '--print-xml'),
        "<interface type='bridge'>\n  <mac address='00:50:56:00:00:09'/>\n  <source bridge='VM Network'/>\n</interface>\n\n",
      );
      assert.deepEqual(await targets(), ['sda']);
    });
  });
}

/**
 * Formats a DomainDef as libvirt does (libvirt 9.0's element order and defaults), so that
 * output is byte-identical to `virsh domxml-from-native` where possible.
 */
import { XmlWriter, type Attrs } from '../xml/xml-writer.js';
import { hasVmwareData, VMWARE_NS, type ChrDef, type DiskDef, type DomainDef, type InterfaceDef } from './domain-def.js';

/** Formats a cpuset as libvirt does: ascending, ranges of 3+ as a-b ("0,3-5"). */
export function formatCpuset(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The domain as libvirt XML text (ends with a newline). */
export function formatDomain(def: DomainDef): string {
  const w = new XmlWriter();
  w.open('domain', [
    ['type', def.type],
    ['xmlns:vmware', hasVmwareData(def) ? VMWARE_NS : undefined],
  ]);
  if (def.name !== undefined) w.text('name', def.name);
  w.text('uuid', def.uuid ?? '00000000-0000-0000-0000-000000000000');
  if (def.genid !== undefined) w.text('genid', def.genid);
  if (def.title !== undefined) w.text('title', def.title);
  if (def.description !== undefined) w.text('description', def.description);
  w.text('memory', def.memoryKiB, [['unit', 'KiB']]);
  w.text('currentMemory', def.currentMemoryKiB ?? def.memoryKiB, [['unit', 'KiB']]);
  if (def.minGuaranteeKiB) {
    w.open('memtune')
      .text('min_guarantee', def.minGuaranteeKiB, [['unit', 'KiB']])
      .close('memtune');
  }
  w.text('vcpu', def.vcpus, [
    ['placement', 'static'],
    ['cpuset', def.cpuset?.length ? formatCpuset(def.cpuset) : undefined],
    ['current', def.vcpusCurrent !== undefined && def.vcpusCurrent !== def.vcpus ? def.vcpusCurrent : undefined],
  ]);
  if (def.cpuShares !== undefined) w.open('cputune').text('shares', def.cpuShares).close('cputune');
  w.open('os', [['firmware', def.os.firmware]]);
  w.text('type', def.os.type, [['arch', def.os.arch]]);
  if (def.os.smbiosMode) w.empty('smbios', [['mode', def.os.smbiosMode]]);
  w.close('os');
  if (def.topology) {
    const t = def.topology;
    w.open('cpu')
      .empty('topology', [
        ['sockets', t.sockets],
        ['dies', t.dies],
        ['cores', t.cores],
        ['threads', t.threads],
      ])
      .close('cpu');
  }
  w.empty('clock', [['offset', 'utc']]);
  w.text('on_poweroff', 'destroy');
  w.text('on_reboot', 'restart');
  w.text('on_crash', 'destroy');
  formatDevices(w, def);
  if (def.datacenterPath !== undefined) w.text('vmware:datacenterpath', def.datacenterPath);
  if (def.guestOs !== undefined) w.text('vmware:guestos', def.guestOs);
  if (def.pciBridges !== undefined) w.text('vmware:pcibridges', def.pciBridges);
  if (def.vmxEntries !== undefined) {
    if (def.vmxEntries.length === 0) w.empty('vmware:vmx');
    else {
      w.open('vmware:vmx');
      for (const e of def.vmxEntries)
        w.empty('vmware:entry', [
          ['name', e.name],
          ['value', e.value],
        ]);
      w.close('vmware:vmx');
    }
  }
  w.close('domain');
  return w.toString();
}

function formatDevices(w: XmlWriter, def: DomainDef): void {
  const d = def;
  const any =
    d.disks.length +
    d.controllers.length +
    d.filesystems.length +
    d.interfaces.length +
    d.serials.length +
    d.parallels.length +
    d.consoles.length +
    d.graphics.length +
    d.videos.length +
    (d.memballoon ? 1 : 0);
  if (any === 0) {
    w.empty('devices');
    return;
  }
  w.open('devices');
  for (const disk of d.disks) formatDisk(w, disk);
  for (const c of d.controllers)
    w.empty('controller', [
      ['type', c.type],
      ['index', c.index],
      ['model', c.model],
    ]);
  for (const fs of d.filesystems) {
    w.open('filesystem', [
      ['type', 'mount'],
      ['accessmode', 'passthrough'],
    ]);
    w.empty('source', [['dir', fs.sourceDir]]);
    w.empty('target', [['dir', fs.targetDir]]);
    if (fs.readonly) w.empty('readonly');
    w.close('filesystem');
  }
  for (const net of d.interfaces) formatInterface(w, net);
  for (const s of d.serials) formatChr(w, 'serial', s, [['port', s.port]]);
  for (const p of d.parallels) formatChr(w, 'parallel', p, [['port', p.port]]);
  for (const c of d.consoles)
    formatChr(w, 'console', c, [
      ['type', 'serial'],
      ['port', c.port],
    ]);
  for (const g of d.graphics) {
    const attrs: Attrs = [
      ['type', g.type],
      ['port', g.port],
      ['autoport', g.autoport ? 'yes' : 'no'],
      ['listen', g.listen],
      ['keymap', g.keymap],
      ['passwd', g.passwd],
    ];
    // libvirt 9.0 always writes the listen element of a VNC display, with an address when it has one
    w.open('graphics', attrs)
      .empty('listen', [
        ['type', 'address'],
        ['address', g.listen],
      ])
      .close('graphics');
  }
  for (const v of d.videos) {
    w.open('video')
      .empty('model', [
        ['type', v.model],
        ['vram', v.vramKiB],
        ['heads', v.heads],
        ['primary', v.primary ? 'yes' : undefined],
      ])
      .close('video');
  }
  if (d.memballoon) w.empty('memballoon', [['model', d.memballoon]]);
  w.close('devices');
}

function formatDisk(w: XmlWriter, disk: DiskDef): void {
  w.open('disk', [
    ['type', disk.type],
    ['device', disk.device],
  ]);
  if (disk.driverName !== undefined || disk.cache !== undefined)
    w.empty('driver', [
      ['name', disk.driverName],
      ['cache', disk.cache],
    ]);
  if (disk.src !== undefined || disk.startupPolicy !== undefined) {
    w.empty('source', [
      [disk.type === 'file' ? 'file' : 'dev', disk.src],
      ['startupPolicy', disk.startupPolicy],
    ]);
  }
  w.empty('target', [
    ['dev', disk.targetDev],
    ['bus', disk.bus],
  ]);
  if (disk.readonly) w.empty('readonly');
  if (disk.transient) w.empty('transient');
  const a = disk.address;
  if (a)
    w.empty('address', [
      ['type', 'drive'],
      ['controller', a.controller],
      ['bus', a.bus],
      ['target', a.target],
      ['unit', a.unit],
    ]);
  w.close('disk');
}

function formatInterface(w: XmlWriter, net: InterfaceDef): void {
  w.open('interface', [['type', net.type]]);
  if (net.mac)
    w.empty('mac', [
      ['address', net.mac],
      ['type', net.macType],
      ['check', net.macCheck === undefined ? undefined : net.macCheck ? 'yes' : 'no'],
    ]);
  if (net.type === 'bridge' && net.bridge !== undefined) w.empty('source', [['bridge', net.bridge]]);
  if (net.type === 'network' && net.bridge !== undefined) w.empty('source', [['network', net.bridge]]);
  if (net.type === 'vds' && net.vds) {
    const v = net.vds;
    w.empty('source', [
      ['switchid', v.switchId],
      ['portid', v.portId],
      ['portgroupid', v.portgroupId],
      ['connectionid', v.connectionId],
    ]);
  }
  if (net.targetDev !== undefined) w.empty('target', [['dev', net.targetDev]]);
  if (net.model !== undefined) w.empty('model', [['type', net.model]]);
  w.close('interface');
}

function formatChr(w: XmlWriter, name: string, c: ChrDef, target: Attrs): void {
  w.open(name, [['type', c.type]]);
  if (c.type === 'tcp') {
    w.empty('source', [
      ['mode', c.mode],
      ['host', c.host],
      ['service', c.service],
    ]);
    w.empty('protocol', [['type', c.protocol ?? 'raw']]);
  } else if (c.path !== undefined) {
    w.empty('source', [['path', c.path]]);
  }
  w.empty('target', target);
  w.close(name);
}

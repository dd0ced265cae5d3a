/**
 * A domain built from a VM's configuration as the vSphere API reports it (config.hardware and friends), for
 * dumpxml when the VMX file cannot be read or converted (vcsim's empty VMX files, vVol/vSAN objects, a /folder
 * service that refuses). The mapping follows the VMX one (src/vmx/vmx-to-domain.ts) so both give the same XML
 * for the same VM where the API tells enough:
 *   config.name → name (%XX decoded), config.uuid → uuid, annotation → description
 *   hardware.memoryMB → memory; memoryAllocation.limit → currentMemory; .reservation → min_guarantee
 *   hardware.numCPU → vcpu; numCoresPerSocket (> 1) → topology; cpuAllocation.shares → cputune/shares
 *   guestId (*64*) → arch x86_64 else i686; firmware efi → os/@firmware
 *   VirtualDisk/VirtualCdrom/VirtualFloppy → disks (address from the controller's bus number and the unit)
 *   SCSI controllers → <controller model>; Ethernet cards → interfaces; serial/parallel ports; video card
 */
import type { ChrDef, ControllerDef, DiskBus, DiskDef, DomainDef, DriveAddress, InterfaceDef } from '../conf/domain/domain-def.js';
import { newDomain } from '../conf/domain/domain-def.js';
import { diskName } from '../conf/domain/disk-names.js';
import { normalizeUuid } from '../conf/units.js';
import { parseVmwareUuid } from '../vmx/vmx-values.js';
import type { OptionValue, ResourceAllocationInfo, VirtualDevice, VirtualHardware } from '../vim25/generated/types.js';
import { domainNameOf } from '../escape.js';
import { isA, modelOf, NIC_TYPES, SCSI_TYPES } from './wire-types.js';
import { targetIndex } from './device-slots.js';
import { vncOfExtraConfig } from './extra-config.js';

/** The configuration properties the mapping reads (VmConfigProps). */
export interface VmConfigView {
  name: string;
  uuid?: string;
  annotation?: string;
  guestId?: string;
  firmware?: string;
  hardware?: VirtualHardware;
  cpuAllocation?: ResourceAllocationInfo;
  memoryAllocation?: ResourceAllocationInfo;
  /** config.extraConfig: RemoteDisplay.vnc.* become <graphics>; applySpec keeps the rest for the vmware namespace. */
  extraConfig?: OptionValue[];
}

/** Options of configToDomain. */
export interface ConfigToDomainOptions {
  datacenterPath?: string;
  /** Devices that have no domain XML form are reported here and left out. */
  warn?(message: string): void;
}

type AnyDevice = VirtualDevice & Record<string, unknown>;

interface Controller {
  bus: DiskBus | 'nvme' | 'other';
  busNumber: number;
  model?: string;
}

const SHARES_PER_VCPU: Record<string, number> = { low: 500, normal: 1000, high: 2000 };
const BUS_ORDER: Record<DiskBus, number> = { scsi: 0, ide: 1, sata: 2, fdc: 3 };

function str(o: unknown, key: string): string | undefined {
  const v = (o as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** Builds the domain; never throws for odd devices (they are reported through `warn` and left out). */
export function configToDomain(cfg: VmConfigView, opts: ConfigToDomainOptions = {}): DomainDef {
  const def = newDomain(domainNameOf(cfg.name));
  if (cfg.uuid) {
    try {
      def.uuid = normalizeUuid(cfg.uuid);
    } catch {
      opts.warn?.(`config.uuid '${cfg.uuid}' is not a UUID`);
    }
  }
  if (cfg.annotation) def.description = cfg.annotation;
  const hw = cfg.hardware;
  const memMB = hw?.memoryMB ?? 32;
  def.memoryKiB = memMB * 1024;
  const limit = cfg.memoryAllocation?.limit;
  // -1 is "unlimited"; a limit below the memory size is the balloon target, as sched.mem.max in the VMX
  if (limit !== undefined && limit >= 0 && limit < memMB) def.currentMemoryKiB = limit * 1024;
  const reservation = cfg.memoryAllocation?.reservation;
  if (reservation !== undefined && reservation > 0) def.minGuaranteeKiB = Math.min(reservation, memMB) * 1024;

  def.vcpus = Math.max(1, hw?.numCPU ?? 1);
  const cores = hw?.numCoresPerSocket;
  if (cores !== undefined && cores > 1 && def.vcpus % cores === 0)
    def.topology = { sockets: def.vcpus / cores, dies: 1, cores, threads: 1 };
  const shares = cfg.cpuAllocation?.shares;
  if (shares) {
    const per = SHARES_PER_VCPU[shares.level];
    def.cpuShares = per !== undefined ? per * def.vcpus : shares.shares;
  }
  def.os.arch = cfg.guestId !== undefined && /64/.test(cfg.guestId) ? 'x86_64' : 'i686';
  if (cfg.firmware?.toLowerCase() === 'efi') def.os.firmware = 'efi';

  const devices = [...(hw?.device ?? [])].sort((a, b) => a.key - b.key) as AnyDevice[];
  addDisks(def, devices, opts);
  for (const d of devices) {
    if (isA(d, 'VirtualEthernetCard')) def.interfaces.push(interfaceOf(d, opts));
  }
  addChrDevices(def, devices, opts);
  const vnc = vncOfExtraConfig(cfg.extraConfig);
  if (vnc !== undefined) def.graphics.push(vnc);
  for (const d of devices) {
    if (!isA(d, 'VirtualMachineVideoCard')) continue;
    const vram = typeof d.videoRamSizeInKB === 'number' ? d.videoRamSizeInKB : 4096;
    const heads = typeof d.numDisplays === 'number' && d.numDisplays > 1 ? d.numDisplays : undefined;
    def.videos.push({ model: 'vmvga', vramKiB: vram, primary: true, ...(heads !== undefined ? { heads } : {}) });
  }
  if (opts.datacenterPath !== undefined) def.datacenterPath = opts.datacenterPath;
  return def;
}

function controllersOf(devices: AnyDevice[]): Map<number, Controller> {
  const map = new Map<number, Controller>();
  for (const d of devices) {
    const busNumber = typeof d.busNumber === 'number' ? d.busNumber : 0;
    if (isA(d, 'VirtualSCSIController')) {
      map.set(d.key, { bus: 'scsi', busNumber, model: modelOf(SCSI_TYPES, d) });
    } else if (isA(d, 'VirtualIDEController')) map.set(d.key, { bus: 'ide', busNumber });
    else if (isA(d, 'VirtualSATAController')) map.set(d.key, { bus: 'sata', busNumber });
    else if (isA(d, 'VirtualNVMEController')) map.set(d.key, { bus: 'nvme', busNumber });
    else if (isA(d, 'VirtualController')) map.set(d.key, { bus: 'other', busNumber });
  }
  return map;
}

function addDisks(def: DomainDef, devices: AnyDevice[], opts: ConfigToDomainOptions): void {
  const controllers = controllersOf(devices);
  let floppies = 0;
  const taken = new Set<string>();
  const kindOf = (d: AnyDevice): 'disk' | 'cdrom' | 'floppy' | undefined =>
    isA(d, 'VirtualDisk') ? 'disk' : isA(d, 'VirtualCdrom') ? 'cdrom' : isA(d, 'VirtualFloppy') ? 'floppy' : undefined;
  // Hard disks first: should two devices claim one slot, the disk is the one kept.
  const rank = { disk: 0, cdrom: 1, floppy: 2 };
  const drives = devices.filter((d) => kindOf(d) !== undefined).sort((a, b) => rank[kindOf(a) ?? 'disk'] - rank[kindOf(b) ?? 'disk']);
  for (const d of drives) {
    const kind = kindOf(d);
    if (kind === undefined) continue;
    const label = d.deviceInfo?.label ?? `device ${d.key}`;
    const backing = d.backing;
    if (isA(backing, 'VirtualDeviceRemoteDeviceBackingInfo')) continue; // a client's device: not part of the VM's own config
    let disk: DiskDef;
    if (kind === 'floppy') {
      const unit = d.unitNumber ?? floppies;
      floppies++;
      if (unit > 1) {
        opts.warn?.(`${label}: floppy unit ${unit} has no domain XML form`);
        continue;
      }
      disk = {
        type: 'file',
        device: 'floppy',
        targetDev: diskName('fd', unit),
        bus: 'fdc',
        readonly: false,
        transient: false,
        address: { controller: 0, bus: 0, target: 0, unit },
      };
    } else {
      const ctl = d.controllerKey !== undefined ? controllers.get(d.controllerKey) : undefined;
      if (ctl === undefined || ctl.bus === 'nvme' || ctl.bus === 'other' || d.unitNumber === undefined) {
        opts.warn?.(`${label}: ${ctl?.bus === 'nvme' ? 'NVMe disks have' : 'its controller has'} no domain XML form`);
        continue;
      }
      const controller = ctl.bus === 'ide' ? 0 : ctl.busNumber;
      const busNo = ctl.bus === 'ide' ? ctl.busNumber : 0;
      const unit = d.unitNumber;
      disk = {
        type: 'file',
        device: kind,
        targetDev: diskName(ctl.bus === 'ide' ? 'hd' : 'sd', targetIndex(ctl.bus, { controller, bus: busNo, target: 0, unit })),
        bus: ctl.bus,
        readonly: kind === 'cdrom',
        transient: false,
        address: { controller, bus: busNo, target: 0, unit },
      };
    }
    if (!fillSource(disk, backing, kind)) {
      opts.warn?.(`${label}: backing ${backing?._type ?? '(none)'} has no domain XML form`);
      continue;
    }
    const a = disk.address as DriveAddress;
    const slot = `${disk.bus}:${a.controller}:${a.bus}:${a.unit}`;
    // Two devices in one slot would give two disks one target name (vcsim does this with its CD-ROMs).
    if (taken.has(slot)) {
      opts.warn?.(`${label}: ${disk.bus} slot ${a.controller}:${a.bus}:${a.unit} is taken by another device`);
      continue;
    }
    taken.add(slot);
    def.disks.push(disk);
  }
  def.disks.sort((a, b) => {
    const x = a.address;
    const y = b.address;
    if (!x || !y) return 0;
    return BUS_ORDER[a.bus] - BUS_ORDER[b.bus] || x.controller - y.controller || x.bus - y.bus || x.unit - y.unit;
  });
  // As the VMX reader: SCSI controllers up to the last one in use (with models), then fdc, ide, sata.
  const scsiModels = new Map<number, string | undefined>();
  for (const c of controllers.values()) if (c.bus === 'scsi') scsiModels.set(c.busNumber, c.model);
  for (const bus of ['scsi', 'fdc', 'ide', 'sata'] as const) {
    let max = -1;
    for (const disk of def.disks) if (disk.bus === bus && disk.address) max = Math.max(max, disk.address.controller);
    for (let i = 0; i <= max; i++) {
      const c: ControllerDef = { type: bus, index: i };
      const model = bus === 'scsi' ? scsiModels.get(i) : undefined;
      if (model !== undefined) c.model = model;
      def.controllers.push(c);
    }
  }
}

/** Sets the disk's type and source from its backing; false when the backing has no domain XML form. */
function fillSource(disk: DiskDef, backing: unknown, kind: 'disk' | 'cdrom' | 'floppy'): boolean {
  if (backing === undefined) return kind !== 'disk';
  const fileName = str(backing, 'fileName');
  if (isA(backing, 'VirtualDeviceFileBackingInfo')) {
    if (fileName !== undefined && fileName !== '') disk.src = fileName;
    if (kind === 'disk') {
      if (disk.src === undefined) return false;
      if ((backing as { writeThrough?: boolean }).writeThrough === true) disk.cache = 'writethrough';
      if (str(backing, 'diskMode') === 'independent_nonpersistent') disk.transient = true;
    }
    return true;
  }
  if (kind !== 'disk' && isA(backing, 'VirtualDeviceDeviceBackingInfo')) {
    disk.type = 'block';
    // A pass-through CD-ROM is a generic SCSI/ATAPI device to the guest: libvirt's 'lun'.
    if (isA(backing, 'VirtualCdromPassthroughBackingInfo')) disk.device = 'lun';
    const name = str(backing, 'deviceName');
    if ((backing as { useAutoDetect?: boolean }).useAutoDetect === true) disk.startupPolicy = 'optional';
    else if (name !== undefined && name !== '') disk.src = name;
    return true;
  }
  return false;
}

function interfaceOf(d: AnyDevice, opts: ConfigToDomainOptions): InterfaceDef {
  const net: InterfaceDef = { type: 'bridge' };
  const mac = str(d, 'macAddress');
  if (mac) {
    net.mac = mac.toLowerCase();
    // 'manual' is a MAC the user set (VMX addressType static); 'generated' and vCenter's 'assigned' are not
    net.macType = str(d, 'addressType')?.toLowerCase() === 'manual' ? 'static' : 'generated';
  }
  const model = modelOf(NIC_TYPES, d);
  if (model !== undefined) net.model = model;
  const b = d.backing;
  if (isA(b, 'VirtualEthernetCardDistributedVirtualPortBackingInfo')) {
    const port = (b as { port?: { switchUuid: string; portgroupKey?: string; portKey?: string; connectionCookie?: number } }).port;
    if (port) {
      let switchId = port.switchUuid;
      try {
        switchId = parseVmwareUuid(port.switchUuid, 'switchUuid');
      } catch {
        // keep what the server sent
      }
      net.type = 'vds';
      net.vds = { switchId };
      if (port.portKey !== undefined && /^\d+$/.test(port.portKey)) net.vds.portId = Number(port.portKey);
      if (port.portgroupKey !== undefined) net.vds.portgroupId = port.portgroupKey;
      if (port.connectionCookie !== undefined) net.vds.connectionId = port.connectionCookie;
      return net;
    }
  }
  const name = isA(b, 'VirtualDeviceDeviceBackingInfo') ? str(b, 'deviceName') : undefined;
  if (name !== undefined && name !== '') net.bridge = name;
  else {
    if (b !== undefined)
      opts.warn?.(`${d.deviceInfo?.label ?? `device ${d.key}`}: network backing ${b._type ?? ''} has no domain XML form`);
    net.type = 'null';
  }
  return net;
}

const URI_SCHEMES: Record<string, ChrDef['protocol']> = {
  tcp: 'raw',
  telnet: 'telnet',
  telnets: 'telnets',
  ssl: 'tls',
  'tcp+ssl': 'tls',
  'telnet+ssl': 'tls',
  tls: 'tls',
  'tcp+tls': 'tls',
};

function chrOf(d: AnyDevice, port: number): ChrDef | undefined {
  const b = d.backing;
  if (isA(b, 'VirtualDeviceFileBackingInfo')) return { type: 'file', path: str(b, 'fileName') ?? '', port };
  if (isA(b, 'VirtualDeviceDeviceBackingInfo')) return { type: 'dev', path: str(b, 'deviceName') ?? '', port };
  if (isA(b, 'VirtualDevicePipeBackingInfo')) return { type: 'pipe', path: str(b, 'pipeName') ?? '', port };
  if (isA(b, 'VirtualDeviceURIBackingInfo')) {
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]+\]|[^:/?#]*)(?::(\d+))?\/?$/.exec(str(b, 'serviceURI') ?? '');
    const protocol = m ? URI_SCHEMES[(m[1] as string).toLowerCase()] : undefined;
    if (!m || !protocol || m[3] === undefined) return undefined;
    const chr: ChrDef = { type: 'tcp', mode: str(b, 'direction') === 'client' ? 'connect' : 'bind', service: m[3], protocol, port };
    const host = (m[2] as string).replace(/^\[(.*)\]$/, '$1');
    if (host !== '') chr.host = host;
    return chr;
  }
  return undefined;
}

function addChrDevices(def: DomainDef, devices: AnyDevice[], opts: ConfigToDomainOptions): void {
  const kinds: [string, ChrDef[], number][] = [
    ['VirtualSerialPort', def.serials, 4],
    ['VirtualParallelPort', def.parallels, 3],
  ];
  for (const [type, list, max] of kinds) {
    let n = 0;
    for (const d of devices) {
      if (!isA(d, type)) continue;
      const port = d.unitNumber !== undefined && d.unitNumber < max ? d.unitNumber : n;
      n++;
      const chr = chrOf(d, port);
      if (chr && (chr.type !== 'pipe' || type === 'VirtualSerialPort')) list.push(chr);
      else opts.warn?.(`${d.deviceInfo?.label ?? `device ${d.key}`}: backing ${d.backing?._type ?? '(none)'} has no domain XML form`);
    }
  }
  // in port order, as the VMX reader lists serial0..3 (keys follow the order ports were added, not their numbers)
  def.serials.sort((a, b) => a.port - b.port);
  def.parallels.sort((a, b) => a.port - b.port);
  const first = def.serials[0];
  if (first) def.consoles.push({ ...first });
}

/** Parses `<devices>` of a domain: disks (ordered and addressed as libvirt does), NICs, ports … */
import { randomBytes } from 'node:crypto';
import { ConfigError, UnsupportedError } from '../../errors.js';
import type { ChrDef, ChrType, DiskBus, DiskDef, DomainDef, DriveAddress, InterfaceDef, VideoDef } from './domain-def.js';
import { requireDiskIndex } from './disk-names.js';
import { normalizeUuid, parseInt10, parseUInt, UINT_MAX } from '../units.js';
import { child, childrenNamed, type XmlElement } from '../xml/xml-reader.js';

// Devices a VMware VM cannot have are refused (libvirt drops them silently); these are implicit
// or meaningless there. Elements that are no libvirt device at all are ignored, as libvirt does.
const IGNORED = new Set(['input', 'emulator']);
const LIBVIRT_DEVICES = new Set([
  'lease',
  'hostdev',
  'sound',
  'audio',
  'watchdog',
  'redirdev',
  'redirfilter',
  'smartcard',
  'channel',
  'hub',
  'rng',
  'tpm',
  'shmem',
  'memory',
  'iommu',
  'vsock',
  'crypto',
  'panic',
  'nvram',
  'pstore',
]);
// SCSI controller models libvirt's XML parser knows (the VMX writer takes the VMware ones).
const SCSI_MODELS = new Set([
  'auto',
  'buslogic',
  'lsilogic',
  'lsisas1068',
  'vmpvscsi',
  'ibmvscsi',
  'virtio-scsi',
  'lsisas1078',
  'virtio-transitional',
  'virtio-non-transitional',
  'ncr53c90',
  'am53c974',
  'dc390',
]);

/**
 * Fills def's device lists from a `<devices>` element. `numberPorts` (on for a whole domain) gives serial and
 * parallel ports without <target port> their numbers as libvirt's domain parser does; a device parsed on its own
 * keeps port -1 (for the caller to place).
 */
export function parseDevices(devices: XmlElement, def: DomainDef, opts: { numberPorts?: boolean } = {}): void {
  for (const el of devices.children) {
    switch (el.local) {
      case 'disk':
        insertDisk(def.disks, parseDisk(el));
        break;
      case 'controller': {
        const c = parseController(el);
        if (c) def.controllers.push(c);
        break;
      }
      case 'filesystem':
        def.filesystems.push(parseFilesystem(el));
        break;
      case 'interface':
        def.interfaces.push(parseInterface(el));
        break;
      case 'serial':
        def.serials.push(parseChr(el, 'serial'));
        break;
      case 'parallel':
        def.parallels.push(parseChr(el, 'parallel'));
        break;
      case 'console':
        def.consoles.push(parseChr(el, 'console'));
        break;
      case 'graphics':
        def.graphics.push(parseGraphics(el));
        break;
      case 'video':
        def.videos.push(parseVideo(el));
        break;
      case 'memballoon':
        def.memballoon = el.attrs.model;
        break;
      default:
        if (!IGNORED.has(el.local) && LIBVIRT_DEVICES.has(el.local))
          throw new UnsupportedError(`unsupported device <${el.name}> in <devices>: VMware VMs cannot have it`);
    }
  }
  addImplicitControllers(def);
  if (opts.numberPorts ?? true) {
    numberPorts(def.serials);
    numberPorts(def.parallels);
  }
  if (def.serials.length === 0 && def.consoles[0] && def.consoles[0].type !== 'pipe') {
    // libvirt turns a lone serial console into the first serial port
    def.serials.push({ ...def.consoles[0], port: 0 });
  }
}

// A port without <target port> gets, in document order, one more than the highest port given or assigned so far
// in the whole list (so <serial/><serial><target port='1'/></serial> are ports 2 and 1), as libvirt numbers them.
function numberPorts(chrs: ChrDef[]): void {
  let max = Math.max(-1, ...chrs.map((c) => c.port));
  for (const c of chrs) {
    if (c.port >= 0) continue;
    c.port = ++max;
  }
}

// Like libvirt's post-parse: every disk bus gets controllers 0..max-in-use, appended after the
// explicit ones in the order scsi, fdc, ide, sata.
function addImplicitControllers(def: DomainDef): void {
  for (const bus of ['scsi', 'fdc', 'ide', 'sata'] as const) {
    let max = -1;
    for (const d of def.disks) if (d.bus === bus && d.address) max = Math.max(max, d.address.controller);
    for (let i = 0; i <= max; i++) {
      if (!def.controllers.some((c) => c.type === bus && c.index === i)) def.controllers.push({ type: bus, index: i });
    }
  }
}

// libvirt keeps disks of one bus sorted by target index, inserting others at the end.
function insertDisk(disks: DiskDef[], disk: DiskDef): void {
  const idx = requireDiskIndex(disk.targetDev).index;
  let at = -1;
  for (let i = disks.length - 1; i >= 0; i--) {
    const d = disks[i] as DiskDef;
    if (d.bus !== disk.bus) continue;
    if (d.targetDev === disk.targetDev) throw new ConfigError(`target '${disk.targetDev}' is used by two disks`);
    if (requireDiskIndex(d.targetDev).index > idx) at = i;
    else break;
  }
  if (at < 0) disks.push(disk);
  else disks.splice(at, 0, disk);
}

/** The drive address libvirt derives from a target index (wide SCSI: 15 units, unit 7 skipped). */
export function addressForIndex(bus: DiskBus, idx: number): DriveAddress {
  switch (bus) {
    case 'scsi': {
      const unit = idx % 15;
      return { controller: Math.floor(idx / 15), bus: 0, target: 0, unit: unit >= 7 ? unit + 1 : unit };
    }
    case 'ide':
      return { controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), target: 0, unit: idx % 2 };
    case 'fdc':
      return { controller: Math.floor(idx / 2), bus: 0, target: 0, unit: idx % 2 };
    case 'sata':
      return { controller: Math.floor(idx / 30), bus: 0, target: 0, unit: idx % 30 };
  }
}

const BUSES = new Set<DiskBus>(['scsi', 'ide', 'fdc', 'sata']);

function parseDisk(el: XmlElement): DiskDef {
  const type = el.attrs.type ?? 'file';
  if (type !== 'file' && type !== 'block')
    throw new UnsupportedError(`unsupported disk type '${type}' in <disk>: expecting 'file' or 'block'`);
  const device = el.attrs.device ?? 'disk';
  if (device !== 'disk' && device !== 'cdrom' && device !== 'floppy' && device !== 'lun') {
    throw new UnsupportedError(`unsupported disk device '${device}' in <disk>`);
  }
  const target = child(el, 'target');
  const dev = target?.attrs.dev;
  if (!target || !dev) throw new ConfigError('missing <target dev=…> in <disk>');
  const { prefix, index } = requireDiskIndex(dev);
  const busAttr = target.attrs.bus ?? (prefix === 'hd' ? 'ide' : prefix === 'fd' ? 'fdc' : prefix === 'sd' ? 'scsi' : undefined);
  if (busAttr === undefined || !BUSES.has(busAttr as DiskBus)) {
    throw new UnsupportedError(`unsupported disk bus '${busAttr ?? prefix}' for target '${dev}': expecting scsi, ide, sata or fdc`);
  }
  const bus = busAttr as DiskBus;
  const disk: DiskDef = { type, device, targetDev: dev, bus, readonly: false, transient: false };
  if (device === 'floppy' && bus !== 'fdc') throw new UnsupportedError(`floppy '${dev}' must be on bus 'fdc'`);
  const driver = child(el, 'driver');
  if (driver?.attrs.name !== undefined) disk.driverName = driver.attrs.name;
  if (driver?.attrs.cache !== undefined) disk.cache = driver.attrs.cache;
  const source = child(el, 'source');
  // libvirt takes a block disk without <source> for an empty file-backed one
  if (!source && type === 'block') disk.type = 'file';
  if (source) {
    const src = type === 'file' ? source.attrs.file : source.attrs.dev;
    if (src !== undefined && src !== '') disk.src = src;
    const sp = source.attrs.startupPolicy;
    if (sp !== undefined) {
      if (sp !== 'optional' && sp !== 'mandatory' && sp !== 'requisite')
        throw new ConfigError(`invalid startupPolicy '${sp}' in <disk><source>`);
      disk.startupPolicy = sp;
    }
  }
  disk.readonly = child(el, 'readonly') !== undefined || device === 'cdrom';
  disk.transient = child(el, 'transient') !== undefined;
  const expected = addressForIndex(bus, index);
  const addr = child(el, 'address');
  if (addr) {
    if (addr.attrs.type !== 'drive') throw new UnsupportedError(`unsupported address type '${addr.attrs.type ?? ''}' for disk '${dev}'`);
    const num = (a: string): number => parseUInt(addr.attrs[a], `attribute '${a}' of <address> of disk '${dev}'`, UINT_MAX) ?? 0;
    const got: DriveAddress = { controller: num('controller'), bus: num('bus'), target: num('target'), unit: num('unit') };
    if (got.controller !== expected.controller || got.bus !== expected.bus || got.unit !== expected.unit) {
      throw new ConfigError(`disk address ${got.controller}:${got.bus}:${got.unit} doesn't match target device '${dev}'`);
    }
    disk.address = got;
  } else {
    disk.address = expected;
  }
  return disk;
}

// libvirt's controller types and the models each accepts (a model on a type without a list is refused).
const CONTROLLER_MODELS: Record<string, ReadonlySet<string> | undefined> = {
  ide: new Set(['piix3', 'piix4', 'ich6']),
  fdc: undefined,
  scsi: SCSI_MODELS,
  sata: undefined,
  'virtio-serial': new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']),
  ccid: undefined,
  usb: new Set([
    'piix3-uhci',
    'piix4-uhci',
    'ehci',
    'ich9-ehci1',
    'ich9-uhci1',
    'ich9-uhci2',
    'ich9-uhci3',
    'vt82c686b-uhci',
    'pci-ohci',
    'nec-xhci',
    'qusb1',
    'qusb2',
    'qemu-xhci',
    'none',
  ]),
  pci: new Set([
    'pci-root',
    'pcie-root',
    'pci-bridge',
    'dmi-to-pci-bridge',
    'pcie-root-port',
    'pcie-switch-upstream-port',
    'pcie-switch-downstream-port',
    'pci-expander-bus',
    'pcie-expander-bus',
    'pcie-to-pci-bridge',
  ]),
  xenbus: undefined,
  isa: undefined,
};

// A controller is checked as libvirt checks it (type, default 'ide'; index, a C int; model, per type); those of
// types VMX has no place for (usb, virtio-serial …) are then left out: libvirt keeps them but never writes them.
function parseController(el: XmlElement): DomainDef['controllers'][number] | undefined {
  const type = el.attrs.type ?? 'ide';
  if (!Object.hasOwn(CONTROLLER_MODELS, type)) throw new ConfigError(`invalid value '${type}' for attribute 'type' of <controller>`);
  const index = parseUInt(el.attrs.index, "attribute 'index' of <controller>", 2 ** 31 - 1) ?? 0;
  const model = el.attrs.model;
  if (model !== undefined && !CONTROLLER_MODELS[type]?.has(model)) {
    throw new ConfigError(`unknown model type '${model}' for <controller type='${type}'>`);
  }
  if (type !== 'scsi' && type !== 'ide' && type !== 'fdc' && type !== 'sata') return undefined;
  const c: DomainDef['controllers'][number] = { type, index };
  if (model !== undefined) c.model = model;
  return c;
}

function parseFilesystem(el: XmlElement): DomainDef['filesystems'][number] {
  const type = el.attrs.type ?? 'mount';
  if (type !== 'mount') throw new UnsupportedError(`unsupported filesystem type '${type}': only 'mount' (shared folders)`);
  const source = child(el, 'source')?.attrs.dir;
  const target = child(el, 'target')?.attrs.dir;
  if (source === undefined) throw new ConfigError('missing <source dir=…> in <filesystem>');
  if (target === undefined) throw new ConfigError('missing <target dir=…> in <filesystem>');
  return { sourceDir: source, targetDir: target, readonly: child(el, 'readonly') !== undefined };
}

/** A random MAC in VMware's auto-generated range 00:0c:29:xx:xx:xx, as libvirt's ESX driver makes. */
export function randomVmwareMac(): string {
  const b = randomBytes(3);
  return ['00', '0c', '29', ...[...b].map((x) => x.toString(16).padStart(2, '0'))].join(':');
}

function parseInterface(el: XmlElement): InterfaceDef {
  // libvirt's default interface type is 'user'
  const type = el.attrs.type ?? 'user';
  if (type !== 'bridge' && type !== 'user' && type !== 'vds' && type !== 'null' && type !== 'network') {
    throw new UnsupportedError(`unsupported interface type '${type ?? ''}': expecting bridge, user, vds, network or null`);
  }
  const net: InterfaceDef = { type };
  const mac = child(el, 'mac');
  if (mac?.attrs.address === undefined) net.mac = randomVmwareMac();
  if (mac) {
    const a = mac.attrs.address ?? (net.mac as string);
    if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(a)) throw new ConfigError(`malformed MAC address '${a}' in <interface><mac>`);
    net.mac = a
      .split(':')
      .map((x) => x.padStart(2, '0').toLowerCase())
      .join(':');
    if ((parseInt(net.mac.slice(0, 2), 16) & 1) === 1) throw new ConfigError(`MAC address '${a}' is a multicast address`);
    const mt = mac.attrs.type;
    if (mt !== undefined) {
      if (mt !== 'generated' && mt !== 'static') throw new ConfigError(`invalid type '${mt}' in <interface><mac>`);
      net.macType = mt;
    }
    const check = mac.attrs.check;
    if (check !== undefined) {
      if (check !== 'yes' && check !== 'no') throw new ConfigError(`invalid check '${check}' in <interface><mac>`);
      net.macCheck = check === 'yes';
    }
  }
  const source = child(el, 'source');
  if (type === 'bridge') {
    net.bridge = source?.attrs.bridge ?? '';
    if (net.bridge === '') throw new ConfigError("missing <source bridge=…> in <interface type='bridge'>");
  } else if (type === 'network') {
    net.bridge = source?.attrs.network;
    if (!net.bridge) throw new ConfigError("missing <source network=…> in <interface type='network'>");
  } else if (type === 'vds') {
    const sw = source?.attrs.switchid;
    if (!source || !sw) throw new ConfigError("missing <source switchid=…> in <interface type='vds'>");
    // libvirt's parser requires all four attributes; vCenter leaves a port unassigned (no portKey) until the VM
    // connects, so a connected domain may lack portid and connectionid: the VMX writer refuses it as libvirt does
    if (source.attrs.portgroupid === undefined) throw new ConfigError("missing attribute 'portgroupid' of <interface type='vds'><source>");
    net.vds = { switchId: normalizeUuid(sw, "switchid of <interface type='vds'>"), portgroupId: source.attrs.portgroupid };
    if (source.attrs.portid !== undefined)
      net.vds.portId = parseInt10(source.attrs.portid, "attribute 'portid' of <interface><source>") as number;
    if (source.attrs.connectionid !== undefined)
      net.vds.connectionId = parseInt10(source.attrs.connectionid, "attribute 'connectionid' of <interface><source>") as number;
  }
  const target = child(el, 'target')?.attrs.dev;
  if (target !== undefined) net.targetDev = target;
  const model = child(el, 'model')?.attrs.type;
  if (model !== undefined) net.model = model;
  return net;
}

const CHR_TYPES = new Set<ChrType>(['dev', 'file', 'pipe', 'tcp']);
// libvirt's target types of serial ports and consoles
const CHR_TARGET_TYPES: Record<string, readonly string[]> = {
  serial: ['isa-serial', 'usb-serial', 'pci-serial', 'spapr-vio-serial', 'system-serial', 'sclp-serial', 'isa-debug'],
  console: ['serial', 'xen', 'uml', 'virtio', 'lxc', 'openvz', 'sclp', 'sclplm'],
};

function parseChr(el: XmlElement, kind: string): ChrDef {
  const type = el.attrs.type ?? 'pty';
  if (!CHR_TYPES.has(type as ChrType)) throw new UnsupportedError(`unsupported ${kind} type '${type}': expecting dev, file, pipe or tcp`);
  const target = child(el, 'target');
  const targetType = target?.attrs.type;
  const targetTypes = CHR_TARGET_TYPES[kind];
  if (targetType !== undefined && targetTypes !== undefined && !targetTypes.includes(targetType)) {
    throw new ConfigError(`unknown target type '${targetType}' of <${kind}><target>`);
  }
  const port = parseUInt(target?.attrs.port, `attribute 'port' of <${kind}><target>`, 2 ** 31 - 1);
  const chr: ChrDef = { type: type as ChrType, port: port ?? -1 };
  const sources = childrenNamed(el, 'source');
  if (type === 'tcp') {
    const src = sources[0];
    if (!src?.attrs.service) throw new ConfigError(`missing <source service=…> in <${kind} type='tcp'>`);
    if (!/^\d{1,5}$/.test(src.attrs.service) || Number(src.attrs.service) > 65535) {
      throw new UnsupportedError(`service '${src.attrs.service}' of <${kind} type='tcp'> must be a TCP port number for VMware`);
    }
    chr.mode = src.attrs.mode === 'bind' ? 'bind' : 'connect';
    if (src.attrs.host) chr.host = src.attrs.host;
    else if (chr.mode === 'connect') throw new ConfigError(`missing host in <${kind} type='tcp'><source mode='connect'>`);
    chr.service = src.attrs.service;
    const proto = child(el, 'protocol')?.attrs.type ?? 'raw';
    if (proto !== 'raw' && proto !== 'telnet' && proto !== 'telnets' && proto !== 'tls') {
      throw new UnsupportedError(`unsupported protocol '${proto}' in <${kind}><protocol>`);
    }
    chr.protocol = proto;
  } else {
    const path = sources[0]?.attrs.path;
    if (!path) throw new ConfigError(`missing <source path=…> in <${kind} type='${type}'>`);
    chr.path = path;
  }
  return chr;
}

function parseGraphics(el: XmlElement): DomainDef['graphics'][number] {
  const type = el.attrs.type;
  if (type !== 'vnc') throw new UnsupportedError(`unsupported graphics type '${type ?? ''}': only 'vnc'`);
  const port = parseInt10(el.attrs.port, "attribute 'port' of <graphics>") ?? -1;
  if (port < -1 || port > 65535) throw new ConfigError(`attribute 'port' of <graphics> must be a TCP port but found ${port}`);
  const autoport = el.attrs.autoport === 'yes' || port < 0;
  const g: DomainDef['graphics'][number] = { type, port: autoport ? -1 : port, autoport };
  const listen = el.attrs.listen ?? child(el, 'listen')?.attrs.address;
  if (listen !== undefined) g.listen = listen;
  if (el.attrs.keymap !== undefined) g.keymap = el.attrs.keymap;
  if (el.attrs.passwd !== undefined) g.passwd = el.attrs.passwd;
  return g;
}

/** A video RAM size in KiB rounded up to a power of two, as libvirt's post-parse does. */
export function roundVramKiB(kib: number): number {
  let p = 1;
  while (p < kib) p *= 2;
  return p;
}

function parseVideo(el: XmlElement): VideoDef {
  const model = child(el, 'model');
  const type = model?.attrs.type ?? 'vmvga';
  const v: VideoDef = { model: type };
  const vram = parseUInt(model?.attrs.vram, "attribute 'vram' of <video><model>", UINT_MAX);
  // libvirt rounds video RAM up to a power of two
  if (vram !== undefined && vram > 0) v.vramKiB = roundVramKiB(vram);
  const heads = parseUInt(model?.attrs.heads, "attribute 'heads' of <video><model>", UINT_MAX);
  if (heads !== undefined) v.heads = heads;
  if (model?.attrs.primary === 'yes') v.primary = true;
  return v;
}

/**
 * The disk, NIC and medium commands (virsh attach-disk, detach-disk, attach-interface, detach-interface,
 * change-media, domif-setlink, domif-getlink): their devices built from options, placed and sent by devices.ts.
 */
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../../errors.js';
import type { DiskDef, InterfaceDef } from '../../conf/domain/domain-def.js';
import { diskIndex } from '../../conf/domain/disk-names.js';
import {
  datastoreChildPath,
  datastoreDirName,
  formatDatastorePath,
  parseDatastorePath,
  tryParseDatastorePath,
} from '../../datastore-path.js';
import type { AnyVirtualDevice } from '../../vim25/index.js';
import { configToDomain } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { applyDeviceChange, checkFlags, deviceOfXml, type DeviceChangeResult, type DeviceFlags } from './devices.js';
import { applyConfigSpec } from './reconfigure.js';
import type { DomainRef } from './ref.js';
import type { DomainArg } from './resolve.js';
import { readVmConfig, type VmConfig } from './vm-config.js';

/** Options of attachDisk (virsh attach-disk's, and esxvirt's --size/--provisioning for a new disk). */
export interface AttachDiskOptions extends DeviceFlags {
  targetBus?: string;
  /** disk (default), cdrom, floppy or lun. */
  type?: string;
  /** readonly or shareable. */
  mode?: string;
  sourceType?: 'file' | 'block';
  /** Old-style SCSI controller model (virsh --driver). */
  driver?: string;
  cache?: string;
  /** `<address>`: 'scsi:0.0.1' style or libvirt's 'drive' notation controller.bus.unit. */
  address?: string;
  /** Create the disk with this size (KiB). */
  sizeKiB?: number;
  provisioning?: 'thin' | 'thick' | 'eagerzeroedthick';
  /** Only build the XML (virsh --print-xml). */
  printXml?: boolean;
  warn?(message: string): void;
}

function busOfTarget(target: string, bus: string | undefined): DiskDef['bus'] {
  const b = bus ?? (target.startsWith('hd') ? 'ide' : target.startsWith('fd') ? 'fdc' : target.startsWith('sd') ? 'scsi' : undefined);
  if (b !== 'scsi' && b !== 'ide' && b !== 'sata' && b !== 'fdc')
    throw new InvalidArgumentError(
      `unsupported target bus '${b ?? target}': expecting scsi, ide, sata or fdc (or a target named sd*, hd*, fd*)`,
    );
  return b;
}

/** A disk source: `[ds] path` as given, a bare name in the VM's folder (on `datastore`, when named). */
export function diskSource(source: string, vmPathName: string | undefined): string {
  const full = tryParseDatastorePath(source);
  if (full !== undefined) {
    if (full.path === '') throw new InvalidArgumentError(`disk source '${source}' names a datastore but no file`);
    return formatDatastorePath(datastoreChildPath({ datastore: full.datastore, path: '' }, full.path));
  }
  if (source.startsWith('/')) return source;
  if (vmPathName === undefined) throw new InvalidArgumentError(`disk source '${source}' is relative and the VM has no folder to put it in`);
  return formatDatastorePath(datastoreChildPath(datastoreDirName(parseDatastorePath(vmPathName)), source));
}

/** The disk attach-disk describes (no connection needed: --print-xml). */
export function diskFromOptions(source: string | undefined, target: string, opts: AttachDiskOptions): DiskDef {
  const device = (opts.type ?? 'disk') as DiskDef['device'];
  if (!['disk', 'cdrom', 'floppy', 'lun'].includes(device))
    throw new InvalidArgumentError(`unsupported --type '${opts.type}': expecting disk, cdrom, floppy or lun`);
  const bus = busOfTarget(target, opts.targetBus ?? (device === 'floppy' ? 'fdc' : undefined));
  if (diskIndex(target) === undefined)
    throw new InvalidArgumentError(`invalid target '${target}': expecting a name such as sdb, hdc or fda`);
  const disk: DiskDef = {
    type: opts.sourceType ?? (source !== undefined && source.startsWith('/dev/') ? 'block' : 'file'),
    device,
    targetDev: target,
    bus,
    readonly: opts.mode === 'readonly' || device === 'cdrom',
    transient: false,
  };
  if (opts.mode !== undefined && opts.mode !== 'readonly' && opts.mode !== 'shareable')
    throw new InvalidArgumentError(`unsupported --mode '${opts.mode}': expecting readonly or shareable`);
  if (source !== undefined && source !== '') disk.src = source;
  if (opts.driver !== undefined) disk.driverName = opts.driver;
  if (opts.cache !== undefined) disk.cache = opts.cache;
  if (opts.address !== undefined) {
    const m = /^(?:scsi|ide|sata|fdc|drive):(\d+)[.:](\d+)[.:](\d+)(?:[.:](\d+))?$/.exec(opts.address);
    if (!m) throw new InvalidArgumentError(`invalid --address '${opts.address}': expecting scsi:CONTROLLER.BUS.UNIT`);
    const [c, b, u, u2] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
    disk.address =
      u2 !== undefined
        ? { controller: c ?? 0, bus: b ?? 0, target: u ?? 0, unit: u2 }
        : { controller: c ?? 0, bus: b ?? 0, target: 0, unit: u ?? 0 };
  }
  return disk;
}

/** virsh attach-disk: attaches an existing file or device, or creates a disk of `sizeKiB` (thin by default). */
export async function attachDisk(
  conn: Connection,
  domain: DomainArg,
  source: string,
  target: string,
  opts: AttachDiskOptions = {},
): Promise<DeviceChangeResult> {
  const cfg = await readVmConfig(conn, domain);
  const disk = diskFromOptions(source, target, opts);
  if (disk.type === 'file' && disk.src !== undefined) disk.src = diskSource(disk.src, cfg.vmPathName);
  if (opts.sizeKiB !== undefined && disk.device !== 'disk')
    throw new InvalidArgumentError('--size creates a hard disk: not with --type ' + disk.device);
  if (opts.sizeKiB !== undefined && !/\.vmdk$/i.test(disk.src ?? ''))
    throw new InvalidArgumentError(`a new disk's file must end in .vmdk: '${source}'`);
  const create = opts.sizeKiB !== undefined ? { capacityKiB: opts.sizeKiB, provisioning: opts.provisioning ?? 'thin' } : undefined;
  return applyDeviceChange(
    conn,
    cfg,
    { op: 'add', device: { kind: 'disk', def: disk }, what: `attach disk '${target}'`, ...(create ? { create } : {}) },
    opts,
    opts.warn,
  );
}

/** The domain disk of the VM a target name or source denotes (from the VM's configuration). */
function diskOf(cfg: VmConfig, path: string, what: (d: DiskDef) => boolean = () => true): DiskDef {
  const def = configToDomain(cfg.view);
  const disk = def.disks.find((d) => what(d) && (d.targetDev === path || d.src === path));
  if (disk === undefined) throw new NotFoundError(`No disk found whose source path or target is ${path}`);
  return disk;
}

/** virsh detach-disk: detaches the disk with target (or source) `target`; its file is kept. */
export async function detachDisk(
  conn: Connection,
  domain: DomainArg,
  target: string,
  flags: DeviceFlags = {},
): Promise<DeviceChangeResult> {
  const cfg = await readVmConfig(conn, domain);
  const disk = diskOf(cfg, target);
  return applyDeviceChange(
    conn,
    cfg,
    { op: 'remove', device: { kind: 'disk', def: disk }, what: `detach disk '${disk.targetDev}'` },
    flags,
  );
}

/** Options of attachInterface. */
export interface AttachInterfaceOptions extends DeviceFlags {
  /** `<target dev>` (a Workstation vmnet; ESX has none). */
  target?: string;
  mac?: string;
  model?: string;
  printXml?: boolean;
}

/** The interface attach-interface describes. */
export function interfaceFromOptions(type: string, source: string, opts: AttachInterfaceOptions): InterfaceDef {
  if (type !== 'bridge' && type !== 'network')
    throw new InvalidArgumentError(`unsupported interface type '${type}': expecting bridge or network (a port group name)`);
  const mac = opts.mac ? `<mac address='${escapeAttr(opts.mac)}'/>` : '';
  const model = opts.model ? `<model type='${escapeAttr(opts.model)}'/>` : '';
  const target = opts.target ? `<target dev='${escapeAttr(opts.target)}'/>` : '';
  const xml = `<interface type='${type}'>${mac}<source ${type === 'bridge' ? 'bridge' : 'network'}='${escapeAttr(source)}'/>${target}${model}</interface>`;
  return (deviceOfXml(xml) as { kind: 'interface'; def: InterfaceDef }).def;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/** virsh attach-interface: a NIC on the port group `source` (ESX places it on the PCI bus and may generate its MAC). */
export async function attachInterface(
  conn: Connection,
  domain: DomainArg,
  type: string,
  source: string,
  opts: AttachInterfaceOptions = {},
): Promise<DeviceChangeResult> {
  const net = interfaceFromOptions(type, source, opts);
  const cfg = await readVmConfig(conn, domain);
  return applyDeviceChange(
    conn,
    cfg,
    { op: 'add', device: { kind: 'interface', def: net }, what: `attach an interface on '${source}'` },
    opts,
  );
}

/** The VM's interface with MAC `mac` (any case), or its only one of `type` when no MAC is given. */
function interfaceOf(cfg: VmConfig, mac: string | undefined, type?: string): InterfaceDef {
  const nets = configToDomain(cfg.view).interfaces;
  if (mac !== undefined) {
    const n = nets.find((x) => x.mac?.toLowerCase() === mac.toLowerCase());
    if (n === undefined) throw new NotFoundError(`No interface found whose MAC address is ${mac}`);
    return n;
  }
  const of = type === undefined ? nets : nets.filter((x) => x.type === type || (type === 'network' && x.type === 'bridge'));
  if (of.length === 0) throw new NotFoundError(`No interface found whose type is ${type ?? 'any'}`);
  if (of.length > 1) throw new InvalidArgumentError(`Domain has ${of.length} interfaces. Please specify which one to detach using --mac`);
  return of[0] as InterfaceDef;
}

/** virsh detach-interface: removes the NIC with `mac` (or the only NIC of `type`). */
export async function detachInterface(
  conn: Connection,
  domain: DomainArg,
  type: string,
  mac: string | undefined,
  flags: DeviceFlags = {},
): Promise<DeviceChangeResult> {
  const cfg = await readVmConfig(conn, domain);
  const net = interfaceOf(cfg, mac, type);
  return applyDeviceChange(
    conn,
    cfg,
    { op: 'remove', device: { kind: 'interface', def: net }, what: `detach interface ${net.mac ?? ''}`.trim() },
    flags,
  );
}

/** What change-media does. */
export type MediaAction = 'eject' | 'insert' | 'update';

/** virsh change-media: ejects, inserts or changes the medium of a CD-ROM or floppy (target or current source). */
export async function changeMedia(
  conn: Connection,
  domain: DomainArg,
  path: string,
  source: string | undefined,
  action: MediaAction,
  flags: DeviceFlags & { block?: boolean } = {},
): Promise<DeviceChangeResult> {
  const cfg = await readVmConfig(conn, domain);
  const drive = diskOf(cfg, path, (d) => d.device !== 'disk');
  if (action === 'eject' && source !== undefined) throw new InvalidArgumentError('--eject takes no source');
  if (action !== 'eject' && (source === undefined || source === '')) throw new InvalidArgumentError(`--${action} needs a source`);
  if (action === 'insert' && drive.src !== undefined)
    throw new InvalidStateError(`The disk device '${drive.targetDev}' already has media; eject it first or use --update`);
  const next: DiskDef = { ...drive, type: flags.block ? 'block' : 'file' };
  delete next.startupPolicy;
  if (action === 'eject') delete next.src;
  else next.src = next.type === 'file' ? diskSource(source as string, cfg.vmPathName) : (source as string);
  return applyDeviceChange(
    conn,
    cfg,
    { op: 'edit', device: { kind: 'disk', def: next }, what: `${action} the medium of '${drive.targetDev}'` },
    flags,
  );
}

/** virsh domif-setlink: connects or disconnects a NIC (connectable.connected and startConnected). */
export async function setInterfaceLink(
  conn: Connection,
  domain: DomainArg,
  iface: string,
  state: 'up' | 'down',
  flags: DeviceFlags = {},
): Promise<DomainRef> {
  const cfg = await readVmConfig(conn, domain);
  checkFlags(cfg, flags);
  const nic = nicDevice(cfg, iface);
  const on = state === 'up';
  if (nic.connectable?.connected === on && nic.connectable.startConnected === on) return cfg.dom;
  const device = structuredClone(nic);
  device.connectable = {
    _type: 'VirtualDeviceConnectInfo',
    allowGuestControl: true,
    ...nic.connectable,
    connected: on,
    startConnected: on,
  };
  await applyConfigSpec(
    conn,
    cfg,
    { _type: 'VirtualMachineConfigSpec', deviceChange: [{ _type: 'VirtualDeviceConfigSpec', operation: 'edit', device }] },
    { what: `set the link of interface ${iface} ${state}` },
  );
  return cfg.dom;
}

/** The NIC device with MAC `iface` (or, as virsh takes it, the target name 'ethernetN'). */
function nicDevice(cfg: VmConfig, iface: string): AnyVirtualDevice {
  // in domiflist's order (by device key), so 'ethernetN' is its N-th row
  const nics = (cfg.view.hardware?.device ?? [])
    .filter((d) => typeof (d as { macAddress?: unknown }).macAddress === 'string')
    .sort((a, b) => a.key - b.key);
  const byMac = nics.find((d) => (d as { macAddress?: string }).macAddress?.toLowerCase() === iface.toLowerCase());
  if (byMac) return byMac;
  const m = /^ethernet(\d+)$/.exec(iface);
  const byIndex = m ? nics[Number(m[1])] : undefined;
  if (byIndex) return byIndex;
  throw new NotFoundError(`Interface (${/:/.test(iface) ? 'mac' : 'dev'}: ${iface}) not found.`);
}

/** virsh domif-getlink: 'up' when the NIC is connected (the running VM's state; else its start state). */
export async function getInterfaceLink(
  conn: Connection,
  domain: DomainArg,
  iface: string,
): Promise<{ dom: DomainRef; state: 'up' | 'down' }> {
  const cfg = await readVmConfig(conn, domain);
  const c = nicDevice(cfg, iface).connectable;
  const on = c === undefined ? true : cfg.live?.state === 'running' ? c.connected : c.startConnected;
  return { dom: cfg.dom, state: on ? 'up' : 'down' };
}

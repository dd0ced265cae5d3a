/**
 * Domain devices → vSphere device objects without key or slot (the plan places them): the backings, NIC types and
 * MAC addresses, connectable settings. The inverse of config-to-domain.ts's readers, rule for rule (see
 * domain-to-config.ts for the table).
 */
import { ConfigError, NotFoundError, UnsupportedError } from '../errors.js';
import type { ChrDef, DiskDef, InterfaceDef } from '../conf/domain/domain-def.js';
import { formatDatastorePath, isVmfsPath, parseVmfsPath, tryParseDatastorePath } from '../datastore-path.js';
import { formatVmwareUuid } from '../vmx/vmx-values.js';
import type { AnyVirtualDevice, AnyVirtualDeviceBackingInfo, VirtualDeviceConnectInfo } from '../vim25/generated/types.js';
import type { NetworkInfo, NewDiskOptions, VmConfigContext } from './device-context.js';
import { NIC_TYPES, typeOf } from './wire-types.js';

/**
 * The vSphere file name of a domain source: `[datastore] path` as written, `/vmfs/volumes/<ds>/<path>` as
 * `[<ds>] <path>`, other absolute paths unchanged (the server judges them); relative paths and '..' are refused.
 */
export function apiFileName(src: string, what: string): string {
  const p = tryParseDatastorePath(src) ?? (isVmfsPath(src) ? parseVmfsPath(src) : undefined);
  if (p === undefined && !src.startsWith('/'))
    throw new ConfigError(`file name '${src}' of ${what} is relative; expecting '[datastore] path' or an absolute path`);
  const path = p?.path ?? src;
  if (path.split('/').includes('..')) throw new ConfigError(`file name '${src}' of ${what} leaves its folder ('..')`);
  return p !== undefined ? formatDatastorePath(p) : src;
}

function connectable(on: boolean): VirtualDeviceConnectInfo {
  return { _type: 'VirtualDeviceConnectInfo', startConnected: on, allowGuestControl: true, connected: on };
}

/** Checks the disk's kind against its bus and cache mode, as the VMX writer does. */
function checkDisk(disk: DiskDef): void {
  const t = disk.targetDev;
  if (disk.device === 'floppy' && disk.bus !== 'fdc') throw new UnsupportedError(`floppy '${t}' must be on bus 'fdc'`);
  if (disk.device !== 'floppy' && disk.bus === 'fdc')
    throw new UnsupportedError(`${disk.device === 'disk' ? 'hard disk' : 'CD-ROM'} '${t}' cannot sit on bus 'fdc'`);
  if (disk.device === 'disk') {
    if (disk.type !== 'file') throw new UnsupportedError(`hard disk '${t}' must be of type 'file' but is '${disk.type}'`);
    if (disk.src === undefined) throw new ConfigError(`hard disk '${t}' has no source file`);
    if (disk.cache !== undefined && disk.cache !== 'default' && disk.cache !== 'writethrough') {
      throw new UnsupportedError(`disk '${t}' has the unsupported cache mode '${disk.cache}': only 'writethrough'`);
    }
  }
  if (disk.device === 'lun' && disk.type !== 'block') throw new UnsupportedError(`disk '${t}' of device 'lun' must be of type 'block'`);
}

/** A hard disk's diskMode: transient disks are independent-nonpersistent, as in the VMX. */
export function diskModeOf(disk: DiskDef): string {
  return disk.transient ? 'independent_nonpersistent' : 'persistent';
}

/** The backing of a disk, CD-ROM or floppy. */
export function driveBacking(disk: DiskDef, create?: NewDiskOptions): AnyVirtualDeviceBackingInfo {
  checkDisk(disk);
  const what = `disk '${disk.targetDev}'`;
  const auto = disk.src === undefined && disk.startupPolicy === 'optional';
  switch (disk.device) {
    case 'disk': {
      const provisioning = create?.provisioning ?? 'thin';
      return {
        _type: 'VirtualDiskFlatVer2BackingInfo',
        fileName: apiFileName(disk.src as string, what),
        diskMode: diskModeOf(disk),
        ...(disk.cache === 'writethrough' ? { writeThrough: true } : {}),
        ...(create ? { thinProvisioned: provisioning === 'thin', eagerlyScrub: provisioning === 'eagerzeroedthick' } : {}),
      };
    }
    case 'cdrom':
    case 'lun':
      if (disk.type === 'file') {
        // ESX writes "emptyBackingString" for an ISO drive with no medium; the API shows it as an empty file name.
        return { _type: 'VirtualCdromIsoBackingInfo', fileName: disk.src !== undefined ? apiFileName(disk.src, what) : '' };
      }
      if (disk.device === 'lun')
        return { _type: 'VirtualCdromPassthroughBackingInfo', deviceName: disk.src ?? '', useAutoDetect: auto, exclusive: false };
      return { _type: 'VirtualCdromAtapiBackingInfo', deviceName: disk.src ?? '', useAutoDetect: auto };
    case 'floppy':
      if (disk.type === 'file')
        return { _type: 'VirtualFloppyImageBackingInfo', fileName: disk.src !== undefined ? apiFileName(disk.src, what) : '' };
      return { _type: 'VirtualFloppyDeviceBackingInfo', deviceName: disk.src ?? '', useAutoDetect: auto };
  }
}

/** A disk, CD-ROM or floppy device with key 0 and no slot; `create` makes a new disk of that size. */
export function driveDevice(disk: DiskDef, create?: NewDiskOptions): AnyVirtualDevice {
  const backing = driveBacking(disk, create);
  if (disk.device === 'disk') return { _type: 'VirtualDisk', key: 0, backing, capacityInKB: create?.capacityKiB ?? 0 };
  const media = disk.src !== undefined || disk.startupPolicy === 'optional';
  return { _type: disk.device === 'floppy' ? 'VirtualFloppy' : 'VirtualCdrom', key: 0, backing, connectable: connectable(media) };
}

/** The one network of `networks` named `name`; a clear error for none or several. */
export function resolveNetwork(networks: readonly NetworkInfo[], name: string): NetworkInfo {
  const found = networks.filter((n) => n.name === name);
  const describe = (n: NetworkInfo): string =>
    `${n.kind === 'standard' ? 'standard port group' : 'distributed port group'} ${n.ref?.value ?? (n.kind === 'distributed' ? n.portgroupKey : n.name)}`;
  if (found.length === 0) {
    const names = [...new Set(networks.map((n) => `'${n.name}'`))];
    throw new NotFoundError(
      `no network named '${name}'${names.length ? `: expecting one of ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}` : ': the host has none'}`,
    );
  }
  if (found.length > 1) throw new ConfigError(`network name '${name}' is ambiguous: it names ${found.map(describe).join(', ')}`);
  return found[0] as NetworkInfo;
}

/** The backing of a NIC; undefined for `<interface type='null'>` (a NIC on no network). */
export function nicBacking(net: InterfaceDef, ctx: VmConfigContext): AnyVirtualDeviceBackingInfo | undefined {
  switch (net.type) {
    case 'null':
      return undefined;
    case 'user':
      throw new UnsupportedError("interface type 'user' (NAT) has no vSphere form: expecting bridge, network, vds or null");
    case 'vds': {
      const v = net.vds;
      if (!v) throw new ConfigError("<interface type='vds'> lacks its <source>");
      return {
        _type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo',
        port: {
          _type: 'DistributedVirtualSwitchPortConnection',
          switchUuid: formatVmwareUuid(v.switchId),
          ...(v.portgroupId !== undefined ? { portgroupKey: v.portgroupId } : {}),
          ...(v.portId !== undefined ? { portKey: String(v.portId) } : {}),
          ...(v.connectionId !== undefined ? { connectionCookie: v.connectionId } : {}),
        },
      };
    }
    case 'bridge':
    case 'network': {
      const name = net.bridge ?? '';
      if (name === '') throw new ConfigError(`<interface type='${net.type}'> names no ${net.type === 'bridge' ? 'bridge' : 'network'}`);
      if (net.targetDev !== undefined)
        ctx.warn?.(`interface on '${name}': <target dev='${net.targetDev}'> (a Workstation vmnet) has no vSphere form; left out`);
      const n: NetworkInfo = ctx.networks ? resolveNetwork(ctx.networks, name) : { kind: 'standard', name };
      if (n.kind === 'distributed') {
        return {
          _type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo',
          port: { _type: 'DistributedVirtualSwitchPortConnection', switchUuid: n.switchUuid, portgroupKey: n.portgroupKey },
        };
      }
      return { _type: 'VirtualEthernetCardNetworkBackingInfo', deviceName: name, ...(n.ref ? { network: n.ref } : {}) };
    }
  }
}

// VMware's ranges (libvirt's VMX rules): 00:0c:29 generated by ESX, 00:50:56:80-bf by vCenter; others are static.
function isGeneratedRange(mac: string): boolean {
  return mac.startsWith('00:0c:29:') || (mac.startsWith('00:50:56:') && /^[89ab]/.test(mac.slice(9, 11)));
}

/** addressType and macAddress of a NIC: a static MAC is 'manual', a generated one 'generated' (kept if known). */
export function macOf(net: InterfaceDef): { addressType: string; macAddress?: string } {
  const mac = net.mac?.toLowerCase();
  if (mac === undefined) return { addressType: 'generated' };
  const type = net.macType ?? (isGeneratedRange(mac) ? 'generated' : 'static');
  return { addressType: type === 'static' ? 'manual' : 'generated', macAddress: mac };
}

/** The wire type of a NIC model (default: the guest's recommendation, else e1000). */
export function nicTypeOf(net: InterfaceDef, ctx: VmConfigContext): string {
  const model = net.model ?? ctx.recommended?.nicModel ?? 'e1000';
  const type = typeOf(NIC_TYPES, model);
  if (type === undefined) {
    throw new UnsupportedError(
      `expecting <interface><model type> to be vlance, vmxnet, vmxnet2, vmxnet3, e1000 or e1000e but found '${model}'`,
    );
  }
  return type;
}

/** A NIC device with key 0 and no slot (the server places NICs on the PCI bus). */
export function nicDevice(net: InterfaceDef, ctx: VmConfigContext): AnyVirtualDevice {
  const backing = nicBacking(net, ctx);
  return {
    _type: nicTypeOf(net, ctx),
    key: 0,
    ...(backing ? { backing } : {}),
    connectable: connectable(backing !== undefined),
    ...macOf(net),
  };
}

const SCHEMES: Record<NonNullable<ChrDef['protocol']>, string> = { raw: 'tcp', telnet: 'telnet', telnets: 'telnets', tls: 'ssl' };

/** The backing of a serial or parallel port. */
export function chrBacking(kind: 'serial' | 'parallel', chr: ChrDef): AnyVirtualDeviceBackingInfo {
  const what = `${kind} port ${chr.port}`;
  const prefix = kind === 'serial' ? 'VirtualSerialPort' : 'VirtualParallelPort';
  switch (chr.type) {
    case 'dev':
      return { _type: `${prefix}DeviceBackingInfo`, deviceName: chr.path ?? '' };
    case 'file':
      return { _type: `${prefix}FileBackingInfo`, fileName: apiFileName(chr.path ?? '', what) };
    case 'pipe':
      if (kind !== 'serial') break;
      // The VI client's defaults, as the VMX writer: the VM is the client end, no rx loss avoidance.
      return { _type: 'VirtualSerialPortPipeBackingInfo', pipeName: chr.path ?? '', endpoint: 'client', noRxLoss: false };
    case 'tcp': {
      if (kind !== 'serial') break;
      const host = chr.host === undefined ? '' : chr.host.includes(':') ? `[${chr.host}]` : chr.host;
      return {
        _type: 'VirtualSerialPortURIBackingInfo',
        serviceURI: `${SCHEMES[chr.protocol ?? 'raw']}://${host}:${chr.service ?? ''}`,
        direction: chr.mode === 'bind' ? 'server' : 'client',
      };
    }
  }
  throw new UnsupportedError(`unsupported parallel type '${chr.type}': expecting dev or file`);
}

/** A serial or parallel port device with key 0 and no slot. */
export function chrDevice(kind: 'serial' | 'parallel', chr: ChrDef): AnyVirtualDevice {
  const backing = chrBacking(kind, chr);
  if (kind === 'serial') return { _type: 'VirtualSerialPort', key: 0, backing, connectable: connectable(true), yieldOnPoll: true };
  return { _type: 'VirtualParallelPort', key: 0, backing, connectable: connectable(true) };
}

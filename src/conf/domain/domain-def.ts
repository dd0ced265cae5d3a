/**
 * The libvirt domain XML model: the subset esxvirt reads and writes (what VMware VMs can hold).
 * Sizes are in KiB, as libvirt stores them.
 */
import { ConfigError } from '../../errors.js';

/** Namespace of libvirt's VMware-specific domain metadata (`<vmware:datacenterpath>`). */
export const VMWARE_NS = 'http://libvirt.org/schemas/domain/vmware/1.0';

/** A drive address: controller, bus, target, unit (libvirt's `<address type='drive'>`). */
export interface DriveAddress {
  controller: number;
  bus: number;
  target: number;
  unit: number;
}

/** Disk buses VMware VMs have. */
export type DiskBus = 'scsi' | 'ide' | 'fdc' | 'sata';

/** `<disk>`. */
export interface DiskDef {
  type: 'file' | 'block';
  device: 'disk' | 'cdrom' | 'floppy' | 'lun';
  /** `<driver name=…>`: old-style SCSI controller model or 'atapi'. */
  driverName?: string;
  /** `<driver cache=…>`. */
  cache?: string;
  /** Source file or device path; undefined = no source (empty drive). */
  src?: string;
  startupPolicy?: 'optional' | 'mandatory' | 'requisite';
  targetDev: string;
  bus: DiskBus;
  readonly: boolean;
  transient: boolean;
  address?: DriveAddress;
}

/** SCSI controller models VMware knows; 'auto' asks the converter's context to detect it. */
export type ScsiModel = 'auto' | 'buslogic' | 'lsilogic' | 'lsisas1068' | 'vmpvscsi';

/** `<controller>`. */
export interface ControllerDef {
  type: 'scsi' | 'ide' | 'fdc' | 'sata';
  index: number;
  model?: string;
}

/** `<filesystem type='mount'>` (VMware shared folder). */
export interface FilesystemDef {
  sourceDir: string;
  targetDir: string;
  readonly: boolean;
}

/** `<interface>`. */
export interface InterfaceDef {
  type: 'bridge' | 'user' | 'vds' | 'null' | 'network';
  mac?: string;
  macType?: 'generated' | 'static';
  macCheck?: boolean;
  /** Bridge (VMware network name) for type bridge. */
  bridge?: string;
  /** `<target dev>`: the vmnet device of custom connections. */
  targetDev?: string;
  model?: string;
  vds?: { switchId: string; portId?: number; portgroupId?: string; connectionId?: number };
}

/** Character device source kinds VMware supports. */
export type ChrType = 'dev' | 'file' | 'pipe' | 'tcp';

/** `<serial>`, `<parallel>` or `<console>`. */
export interface ChrDef {
  type: ChrType;
  path?: string;
  /** For tcp: bind (server) or connect (client). */
  mode?: 'bind' | 'connect';
  host?: string;
  service?: string;
  protocol?: 'raw' | 'telnet' | 'telnets' | 'tls';
  port: number;
}

/** `<graphics type='vnc'>`. */
export interface GraphicsDef {
  type: 'vnc';
  port: number;
  autoport: boolean;
  listen?: string;
  keymap?: string;
  passwd?: string;
}

/** `<video>`. */
export interface VideoDef {
  model: string;
  vramKiB?: number;
  heads?: number;
  primary?: boolean;
}

/** `<os>`. */
export interface OsDef {
  type: 'hvm';
  arch?: 'i686' | 'x86_64';
  firmware?: 'efi' | 'bios';
  smbiosMode?: 'host' | 'emulate' | 'sysinfo';
}

/** The whole `<domain>`. */
export interface DomainDef {
  type: string;
  /** `<name>`: absent for a VMX without displayName (libvirt accepts that; defining such a domain is refused). */
  name?: string;
  uuid?: string;
  /** `<genid>`: the VM generation ID (VMX vm.genid + vm.genidX). */
  genid?: string;
  title?: string;
  description?: string;
  memoryKiB: number;
  currentMemoryKiB?: number;
  minGuaranteeKiB?: number;
  vcpus: number;
  /** `<vcpu current=…>` when it differs from the maximum. */
  vcpusCurrent?: number;
  /** Host CPUs the vCPUs may run on, e.g. [0, 3, 4, 5]. */
  cpuset?: number[];
  cpuShares?: number;
  os: OsDef;
  topology?: { sockets: number; dies: number; cores: number; threads: number };
  disks: DiskDef[];
  controllers: ControllerDef[];
  filesystems: FilesystemDef[];
  interfaces: InterfaceDef[];
  serials: ChrDef[];
  parallels: ChrDef[];
  consoles: ChrDef[];
  graphics: GraphicsDef[];
  videos: VideoDef[];
  /** `<memballoon model=…>`, kept for round trips only. */
  memballoon?: string;
  /** `<vmware:datacenterpath>`. */
  datacenterPath?: string;
  /** `<vmware:guestos>`: the vSphere guest OS identifier (GuestOsDescriptor id, e.g. 'ubuntu64Guest'). */
  guestOs?: string;
  /** `<vmware:pcibridges>`: the number of PCI bridges, IDs 0 to n-1 (OpenNebula's PCIBRIDGE). */
  pciBridges?: number;
  /** `<vmware:vmx><vmware:entry name value/>…`: extra VMX entries (extraConfig), in document order. */
  vmxEntries?: VmxEntryDef[];
}

/** One custom VMX entry (`<vmware:entry name='key' value='value'/>`). */
export interface VmxEntryDef {
  name: string;
  value: string;
}

/** True when the domain carries anything in libvirt's vmware namespace (so the namespace is declared). */
export function hasVmwareData(def: DomainDef): boolean {
  return def.datacenterPath !== undefined || def.guestOs !== undefined || def.pciBridges !== undefined || def.vmxEntries !== undefined;
}

/** An empty domain with libvirt's defaults (and a name, when given). */
export function newDomain(name?: string): DomainDef {
  return {
    type: 'vmware',
    ...(name !== undefined ? { name } : {}),
    memoryKiB: 0,
    vcpus: 1,
    os: { type: 'hvm' },
    disks: [],
    controllers: [],
    filesystems: [],
    interfaces: [],
    serials: [],
    parallels: [],
    consoles: [],
    graphics: [],
    videos: [],
  };
}

/** The domain's name; a ConfigError for a domain without one (a VMX without displayName gives such a domain). */
export function requireName(def: DomainDef): string {
  if (def.name === undefined || def.name === '') throw new ConfigError('domain has no name (the VMX has no displayName): give it a <name>');
  return def.name;
}

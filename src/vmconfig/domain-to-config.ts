/**
 * libvirt domain → VirtualMachineConfigSpec for CreateVM_Task: the inverse of config-to-domain.ts, and the API-side
 * twin of src/vmx/domain-to-vmx.ts (same checks, same messages). Settings:
 *   name → name (vsphereNameOf: %, / and \ percent-escaped)    uuid → uuid    description → annotation
 *   <vmware:guestos> → guestId, else os/type@arch x86_64 → otherGuest64, else otherGuest (unless the caller knows better)
 *   <vmware:vmx> entries and <vmware:pcibridges> → extraConfig (extra-config.ts)
 *   os@firmware → firmware           memory → memoryMB (rounded up to 4 MiB, as ESX wants)
 *   currentMemory < memory → memoryAllocation.limit (MiB)   memtune/min_guarantee → memoryAllocation.reservation
 *   vcpu → numCPUs; cpu/topology cores → numCoresPerSocket (dies and threads must be 1)
 *   cputune/shares → cpuAllocation.shares: vcpus × 500/1000/2000 → low/normal/high, else custom
 *   files.vmPathName: the caller's, else `[ds]` of the caller's datastore, else beside the first hard disk as
 *   libvirt's ESX driver puts it: `[ds] dir/<escaped name>.vmx`
 * Devices (device-plan.ts places them, device-backings.ts builds them):
 *   <disk device='disk'>   VirtualDisk, VirtualDiskFlatVer2BackingInfo {fileName '[ds] path', diskMode persistent or
 *                          independent_nonpersistent (<transient/>), writeThrough (cache='writethrough')}; a disk
 *                          the context says is new: fileOperation create, capacityInKB, thinProvisioned/eagerlyScrub
 *   <disk device='cdrom'>  VirtualCdrom: file → VirtualCdromIsoBackingInfo (no source: fileName '' and not
 *                          connected), block → VirtualCdromAtapiBackingInfo (startupPolicy='optional' without a
 *                          source: useAutoDetect); device='lun' → VirtualCdromPassthroughBackingInfo
 *   <disk device='floppy'> VirtualFloppy: file → VirtualFloppyImageBackingInfo, block → VirtualFloppyDeviceBackingInfo
 *   <controller scsi|sata> ParaVirtualSCSIController, VirtualLsiLogicSASController, VirtualLsiLogicController,
 *                          VirtualBusLogicController (vmpvscsi, lsisas1068, lsilogic, buslogic); VirtualAHCIController
 *   <interface>            model → VirtualE1000/E1000e/Vmxnet/Vmxnet2/Vmxnet3/PCNet32 (vlance); bridge or network
 *                          name → the context's port group: standard → VirtualEthernetCardNetworkBackingInfo
 *                          {deviceName, network}, distributed → …DistributedVirtualPortBackingInfo {switchUuid,
 *                          portgroupKey}; type vds → the same from <source switchid portgroupid portid connectionid>;
 *                          null → no backing, not connected; MAC static → addressType manual, generated → generated
 *   <serial>, <parallel>   VirtualSerialPort/VirtualParallelPort on the port's unit: dev → …DeviceBackingInfo, file →
 *                          …FileBackingInfo, pipe → VirtualSerialPortPipeBackingInfo (endpoint client), tcp →
 *                          VirtualSerialPortURIBackingInfo {serviceURI tcp|telnet|telnets|ssl://host:port, direction
 *                          server (bind) or client (connect)}
 *   <video model='vmvga'>  VirtualMachineVideoCard {videoRamSizeInKB, numDisplays}: every VM has one card, which the
 *                          server creates; a domain's differing <video> is an edit of it (editVmSpec of the new VM
 *                          against the domain), not part of the CreateVM_Task spec
 * Left out with a warning (no vSphere form here): <filesystem>, vcpu@cpuset, os/smbios.
 */
import { ConfigError, UnsupportedError } from '../errors.js';
import { requireName, type ControllerDef, type DomainDef } from '../conf/domain/domain-def.js';
import { datastoreChildPath, datastoreDirName, formatDatastorePath, tryParseDatastorePath } from '../datastore-path.js';
import { escapeDatastoreItem, vsphereNameOf } from '../escape.js';
import type { AnyVirtualDevice, ResourceAllocationInfo, VirtualMachineConfigSpec } from '../vim25/generated/types.js';
import { apiFileName } from './device-backings.js';
import type { VmConfigContext } from './device-context.js';
import { DevicePlan } from './device-plan.js';
import { extraConfigOf } from './extra-config.js';
import { SCSI_TYPES, typeOf } from './wire-types.js';

/** Options of createVmSpec. */
export interface CreateVmOptions {
  /** files.vmPathName: `[datastore]` (the server makes the folder) or `[datastore] dir/name.vmx`. */
  vmPathName?: string;
  /** The datastore for the VM's files when vmPathName is not given: `[datastore]`. */
  datastore?: string;
  /** The guest OS identifier (default from the domain's arch: otherGuest64 or otherGuest). */
  guestId?: string;
  /** virtualHW.version, sent as `vmx-NN`. */
  hardwareVersion?: number;
  /**
   * The devices the server creates anyway (EnvironmentBrowser config option's defaultDevice: PCI, IDE, PS/2 and SIO
   * controllers, video card): devices go onto these. Without them, IDE controllers are added where disks need them.
   */
  defaultDevices?: readonly AnyVirtualDevice[];
}

const SHARES_PER_VCPU = { low: 500, normal: 1000, high: 2000 } as const;

/** The default guest of an arch, as the VMX writer picks 'other' or 'other-64'. */
export function defaultGuestId(def: DomainDef): string {
  return def.os.arch === 'x86_64' ? 'otherGuest64' : 'otherGuest';
}

/** memoryMB: VMware wants a multiple of 4 MiB, so the KiB value rounds up to 4096 KiB. */
export function memoryMBOf(def: DomainDef): number {
  return Math.ceil(def.memoryKiB / 4096) * 4;
}

/** memoryAllocation limit (-1: none) and reservation (0: none) in MiB, as config-to-domain reads them back. */
export function memoryLimitsOf(def: DomainDef): { limit: number; reservation: number } {
  const max = memoryMBOf(def);
  const cur = def.currentMemoryKiB;
  const limit = cur !== undefined && Math.ceil(cur / 1024) < max ? Math.ceil(cur / 1024) : -1;
  return { limit, reservation: def.minGuaranteeKiB ? Math.ceil(def.minGuaranteeKiB / 1024) : 0 };
}

/** numCoresPerSocket after the VMX writer's topology checks (1 without a topology). */
export function coresPerSocketOf(def: DomainDef): number {
  if (def.vcpusCurrent !== undefined && def.vcpusCurrent !== def.vcpus) {
    throw new UnsupportedError("attribute 'current' of <vcpu> is not supported: VMware VMs have one vCPU count");
  }
  const t = def.topology;
  if (!t) return 1;
  if (t.dies !== 1) throw new UnsupportedError('only 1 die per socket is supported in <cpu><topology>');
  if (t.threads !== 1) throw new UnsupportedError('only 1 thread per core is supported in <cpu><topology>');
  if (t.sockets * t.cores !== def.vcpus)
    throw new ConfigError(`<cpu><topology> sockets*cores*threads (${t.sockets * t.cores}) must equal <vcpu> (${def.vcpus})`);
  return t.cores;
}

/** cpuAllocation for `<cputune><shares>` (a level when it is that level's per-vCPU value, else custom). */
export function cpuAllocationOf(def: DomainDef): ResourceAllocationInfo | undefined {
  const s = def.cpuShares;
  if (s === undefined) return undefined;
  const level =
    (Object.keys(SHARES_PER_VCPU) as (keyof typeof SHARES_PER_VCPU)[]).find((l) => SHARES_PER_VCPU[l] * def.vcpus === s) ?? 'custom';
  return { _type: 'ResourceAllocationInfo', shares: { _type: 'SharesInfo', shares: s, level } };
}

/** Warns about what the domain holds that has no vSphere form in these specs. */
export function warnLeftOut(def: DomainDef, ctx: VmConfigContext): void {
  if (def.filesystems.length > 0) ctx.warn?.('<filesystem> (shared folders) has no vSphere form; left out');
  if (def.cpuset && def.cpuset.length > 0) ctx.warn?.("attribute 'cpuset' of <vcpu> is not set through the vSphere API here; left out");
  if (def.os.smbiosMode !== undefined) ctx.warn?.('<os><smbios> is not set through the vSphere API here; left out');
}

/** Where the VM's files go (files.vmPathName). */
export function vmPathNameOf(def: DomainDef, opts: CreateVmOptions): string {
  if (opts.vmPathName !== undefined) return apiFileName(opts.vmPathName, 'the VM');
  if (opts.datastore !== undefined) {
    if (/[[\]]/.test(opts.datastore) || opts.datastore.trim() === '')
      throw new ConfigError(`datastore name '${opts.datastore}' cannot stand in a datastore path`);
    return `[${opts.datastore}]`;
  }
  for (const d of def.disks) {
    if (d.device !== 'disk' || d.src === undefined) continue;
    const p = tryParseDatastorePath(apiFileName(d.src, `disk '${d.targetDev}'`));
    if (p) return formatDatastorePath(datastoreChildPath(datastoreDirName(p), `${escapeDatastoreItem(requireName(def))}.vmx`));
  }
  throw new ConfigError('the domain has no hard disk on a datastore to put the VM beside: give a datastore');
}

/**
 * The SCSI controllers with their models settled as the VMX writer settles them: an old-style `<driver name>` of a
 * hard disk names its controller's model, and 'auto' is detected over all the controller's disks.
 */
export function resolveScsiModels(def: DomainDef, ctx: VmConfigContext): ControllerDef[] {
  return def.controllers.map((c) => {
    if (c.type !== 'scsi') return c;
    let model = c.model;
    const disks = def.disks.filter((d) => d.bus === 'scsi' && d.address?.controller === c.index && d.device === 'disk');
    for (const d of disks) {
      const m = d.driverName?.toLowerCase();
      if (m === undefined) continue;
      if (!typeOf(SCSI_TYPES, m))
        throw new UnsupportedError(
          `expecting <driver name> of disk '${d.targetDev}' to be buslogic, lsilogic, lsisas1068 or vmpvscsi but found '${d.driverName}'`,
        );
      if (model === undefined || model === 'auto') model = m;
      else if (model !== m)
        throw new ConfigError(`inconsistent SCSI controller model ('${m}' is not '${model}') for SCSI controller index ${c.index}`);
    }
    if (model === 'auto') {
      let detected: string | undefined;
      for (const d of disks) {
        const m = ctx.autodetectScsiModel?.(d);
        if (m === undefined || m === 'auto') continue;
        if (detected !== undefined && detected !== m)
          throw new ConfigError(`inconsistent SCSI controller model ('${m}' is not '${detected}') for SCSI controller index ${c.index}`);
        detected = m;
      }
      model = detected;
    }
    return model !== undefined ? { type: 'scsi', index: c.index, model } : { type: 'scsi', index: c.index };
  });
}

/** Adds every device of `def` to `plan` but the video card (controllers, disks, NICs, serial and parallel ports). */
export function planDevices(plan: DevicePlan, def: DomainDef): void {
  for (const c of def.controllers) {
    if ((c.type === 'scsi' || c.type === 'sata') && !plan.find({ kind: 'controller', def: c })) plan.add({ kind: 'controller', def: c });
  }
  for (const d of def.disks) plan.add({ kind: 'disk', def: d });
  for (const n of def.interfaces) plan.add({ kind: 'interface', def: n });
  for (const s of def.serials) plan.add({ kind: 'serial', def: s });
  for (const p of def.parallels) plan.add({ kind: 'parallel', def: p });
}

/** The CreateVM_Task spec of a domain. */
export function createVmSpec(def: DomainDef, ctx: VmConfigContext = {}, opts: CreateVmOptions = {}): VirtualMachineConfigSpec {
  if (def.type !== 'vmware') throw new ConfigError(`expecting domain type 'vmware' but found '${def.type}'`);
  warnLeftOut(def, ctx);
  const cores = coresPerSocketOf(def);
  const { limit, reservation } = memoryLimitsOf(def);
  const plan = new DevicePlan(opts.defaultDevices ?? [], ctx, { controllers: resolveScsiModels(def, ctx) });
  planDevices(plan, def);
  const cpuAllocation = cpuAllocationOf(def);
  const spec: VirtualMachineConfigSpec = {
    _type: 'VirtualMachineConfigSpec',
    name: vsphereNameOf(requireName(def)),
    ...(opts.hardwareVersion !== undefined ? { version: `vmx-${String(opts.hardwareVersion).padStart(2, '0')}` } : {}),
    ...(def.uuid !== undefined ? { uuid: def.uuid } : {}),
    guestId: opts.guestId ?? def.guestOs ?? defaultGuestId(def),
    ...(def.description ? { annotation: def.description } : {}),
    files: { _type: 'VirtualMachineFileInfo', vmPathName: vmPathNameOf(def, opts) },
    numCPUs: def.vcpus,
    ...(cores > 1 ? { numCoresPerSocket: cores } : {}),
    memoryMB: memoryMBOf(def),
    deviceChange: plan.specs,
    ...(cpuAllocation ? { cpuAllocation } : {}),
    ...(limit >= 0 || reservation > 0
      ? {
          memoryAllocation: {
            _type: 'ResourceAllocationInfo',
            ...(reservation > 0 ? { reservation } : {}),
            ...(limit >= 0 ? { limit } : {}),
          },
        }
      : {}),
    ...(def.os.firmware !== undefined ? { firmware: def.os.firmware } : {}),
  };
  const extra = extraConfigOf(def);
  if (extra.length > 0) spec.extraConfig = extra;
  return spec;
}

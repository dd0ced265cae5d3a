/**
 * A domain edit as one ReconfigVM_Task spec: (the domain read from the VM, the domain wanted, the VM's devices) →
 * the settings that differ and the device changes, removals first (so their slots are free), then edits, then
 * additions. Devices pair up as device-match.ts finds them: disks by slot, NICs by MAC, controllers by index, ports
 * by number. A pair vSphere cannot change in place (a disk's kind or file, a NIC's model) becomes a removal and an
 * addition; a disk removed keeps its file. Settings map as in domain-to-config.ts; one that reads back the same
 * (e.g. a memory size within the same 4 MiB) gives no change, so editing nothing gives an empty spec.
 */
import { requireName, type ChrDef, type DiskDef, type DomainDef, type InterfaceDef } from '../conf/domain/domain-def.js';
import { vsphereNameOf } from '../escape.js';
import type { AnyVirtualDevice, OptionValue, VirtualMachineConfigSpec } from '../vim25/generated/types.js';
import { apiFileName, nicTypeOf } from './device-backings.js';
import type { VmConfigContext } from './device-context.js';
import { driveTypeOf, requestedAddress, type DomainDevice } from './device-match.js';
import { DevicePlan } from './device-plan.js';
import { coresPerSocketOf, cpuAllocationOf, defaultGuestId, memoryLimitsOf, memoryMBOf, resolveScsiModels } from './domain-to-config.js';
import { extraConfigDiff } from './extra-config.js';

/** Options of editVmSpec. */
export interface EditVmOptions {
  /** The guest OS identifier to set when the domain's arch changes (default: otherGuest64 or otherGuest). */
  guestId?: string;
  /** The VM's config.guestId: `<vmware:guestos>` is sent only when it differs. */
  currentGuestId?: string;
  /** The VM's config.extraConfig: `<vmware:vmx>` and `<vmware:pcibridges>` are sent only where they differ. */
  currentExtraConfig?: readonly OptionValue[];
}

function slotKey(d: DiskDef): string {
  const a = requestedAddress(d);
  return a ? `${d.bus}:${a.controller}:${a.bus}:${a.unit}` : `${d.bus}:${d.targetDev}`;
}

function sameSource(a: DiskDef, b: DiskDef): boolean {
  if (a.src === undefined || b.src === undefined) return a.src === b.src;
  const norm = (d: DiskDef): string => (d.type === 'file' ? apiFileName(d.src as string, `disk '${d.targetDev}'`) : (d.src as string));
  return norm(a) === norm(b);
}

/** Settings of `next` that differ from `cur`, in VirtualMachineConfigSpec terms. */
export function settingsDiff(cur: DomainDef, next: DomainDef, opts: EditVmOptions = {}): VirtualMachineConfigSpec {
  const spec: VirtualMachineConfigSpec = { _type: 'VirtualMachineConfigSpec' };
  if (next.name !== cur.name) spec.name = vsphereNameOf(requireName(next));
  if (next.uuid !== undefined && next.uuid !== cur.uuid) spec.uuid = next.uuid;
  if (next.guestOs !== undefined) {
    if (next.guestOs !== (opts.currentGuestId ?? cur.guestOs)) spec.guestId = next.guestOs;
  } else if ((next.os.arch ?? 'i686') !== (cur.os.arch ?? 'i686')) spec.guestId = opts.guestId ?? defaultGuestId(next);
  if ((next.description ?? '') !== (cur.description ?? '')) spec.annotation = next.description ?? '';
  if (next.vcpus !== cur.vcpus) spec.numCPUs = next.vcpus;
  const cores = coresPerSocketOf(next);
  if (cores !== coresPerSocketOf(cur) || (spec.numCPUs !== undefined && cores > 1)) spec.numCoresPerSocket = cores;
  if (memoryMBOf(next) !== memoryMBOf(cur)) spec.memoryMB = memoryMBOf(next);
  // No <shares> is vSphere's default, normal. Shares are absolute in the domain but a level in vSphere: with the
  // vCPU count changed, the level is worked out again.
  const shares = (d: DomainDef): number => d.cpuShares ?? 1000 * d.vcpus;
  if (shares(next) !== shares(cur) || spec.numCPUs !== undefined) {
    spec.cpuAllocation = cpuAllocationOf(next) ?? {
      _type: 'ResourceAllocationInfo',
      shares: { _type: 'SharesInfo', shares: 1000 * next.vcpus, level: 'normal' },
    };
  }
  const a = memoryLimitsOf(cur);
  const b = memoryLimitsOf(next);
  if (a.limit !== b.limit || a.reservation !== b.reservation) {
    spec.memoryAllocation = { _type: 'ResourceAllocationInfo', reservation: b.reservation, limit: b.limit };
  }
  if ((next.os.firmware === 'efi') !== (cur.os.firmware === 'efi')) spec.firmware = next.os.firmware ?? 'bios';
  const extra = extraConfigDiff(cur, next, opts.currentExtraConfig);
  if (extra.length > 0) spec.extraConfig = extra;
  return spec;
}

interface Pairing<T> {
  removed: T[];
  replaced: [T, T][];
  kept: [T, T][];
  added: T[];
}

function pair<T>(cur: readonly T[], next: readonly T[], key: (x: T) => string | undefined, replace: (a: T, b: T) => boolean): Pairing<T> {
  const out: Pairing<T> = { removed: [], replaced: [], kept: [], added: [] };
  const byKey = new Map<string, T>();
  for (const x of cur) {
    const k = key(x);
    if (k !== undefined && !byKey.has(k)) byKey.set(k, x);
    else out.removed.push(x);
  }
  for (const y of next) {
    const k = key(y);
    const x = k === undefined ? undefined : byKey.get(k);
    if (x === undefined) {
      out.added.push(y);
      continue;
    }
    byKey.delete(k as string);
    (replace(x, y) ? out.replaced : out.kept).push([x, y]);
  }
  out.removed.push(...byKey.values());
  return out;
}

/** The ReconfigVM_Task spec that turns the VM (read as `cur`, with `devices`) into `next`. */
export function editVmSpec(
  cur: DomainDef,
  next: DomainDef,
  devices: readonly AnyVirtualDevice[],
  ctx: VmConfigContext = {},
  opts: EditVmOptions = {},
): VirtualMachineConfigSpec {
  const spec = settingsDiff(cur, next, opts);
  if (next.filesystems.length > 0 && JSON.stringify(next.filesystems) !== JSON.stringify(cur.filesystems))
    ctx.warn?.('<filesystem> (shared folders) has no vSphere form; left out');
  const plan = new DevicePlan(devices, ctx, { controllers: resolveScsiModels(next, ctx) });

  const disks = pair(
    cur.disks,
    next.disks,
    slotKey,
    (a, b) => driveTypeOf(a) !== driveTypeOf(b) || (b.device === 'disk' && !sameSource(a, b)),
  );
  const nics = pair(
    cur.interfaces,
    next.interfaces,
    (n) => n.mac?.toLowerCase(),
    (a, b) => b.model !== undefined && nicTypeOf(a, ctx) !== nicTypeOf(b, ctx),
  );
  const ports = (a: ChrDef[], b: ChrDef[]): Pairing<ChrDef> =>
    pair(
      a,
      b,
      (c) => (c.port >= 0 ? String(c.port) : undefined),
      () => false,
    );
  const serials = ports(cur.serials, next.serials);
  const parallels = ports(cur.parallels, next.parallels);
  const scsiSata = (d: DomainDef): DomainDef['controllers'] => d.controllers.filter((c) => c.type === 'scsi' || c.type === 'sata');
  const controllers = pair(
    scsiSata(cur),
    scsiSata(next),
    (c) => `${c.type}:${c.index}`,
    () => false,
  );

  const diskOf = (def: DiskDef): DomainDevice => ({ kind: 'disk', def });
  const nicOf = (def: InterfaceDef): DomainDevice => ({ kind: 'interface', def });
  // removals, so that additions find their slots free; controllers last, once their disks are gone
  for (const d of [...disks.removed, ...disks.replaced.map(([a]) => a)]) plan.remove(diskOf(d));
  for (const n of [...nics.removed, ...nics.replaced.map(([a]) => a)]) plan.remove(nicOf(n));
  for (const s of serials.removed) plan.remove({ kind: 'serial', def: s });
  for (const p of parallels.removed) plan.remove({ kind: 'parallel', def: p });
  for (const c of controllers.removed) if (plan.find({ kind: 'controller', def: c })) plan.remove({ kind: 'controller', def: c });
  // edits
  for (const [, c] of controllers.kept) plan.edit({ kind: 'controller', def: c });
  for (const [, d] of disks.kept) plan.edit(diskOf(d));
  for (const [, n] of nics.kept) plan.edit(nicOf(n));
  for (const [, s] of serials.kept) plan.edit({ kind: 'serial', def: s });
  for (const [, p] of parallels.kept) plan.edit({ kind: 'parallel', def: p });
  const video = next.videos[0];
  if (video && cur.videos[0] && plan.find({ kind: 'video', def: video })) plan.edit({ kind: 'video', def: video });
  // additions
  for (const c of controllers.added) if (!plan.find({ kind: 'controller', def: c })) plan.add({ kind: 'controller', def: c });
  for (const d of [...disks.replaced.map(([, b]) => b), ...disks.added]) plan.add(diskOf(d));
  for (const n of [...nics.replaced.map(([, b]) => b), ...nics.added]) plan.add(nicOf(n));
  for (const s of serials.added) plan.add({ kind: 'serial', def: s });
  for (const p of parallels.added) plan.add({ kind: 'parallel', def: p });

  if (plan.specs.length > 0) spec.deviceChange = plan.specs;
  return spec;
}

/** True when the spec changes nothing. */
export function isEmptySpec(spec: VirtualMachineConfigSpec): boolean {
  return Object.keys(spec).every((k) => k === '_type' || (k === 'deviceChange' && (spec.deviceChange?.length ?? 0) === 0));
}

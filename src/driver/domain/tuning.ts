/**
 * Memory and vCPU changes (virsh setmem, setmaxmem, setvcpus) through ReconfigVM_Task, as libvirt's ESX driver
 * maps them: the maximum memory is config.hardware.memoryMB (a multiple of 4 MiB, libvirt's ESX driver page), the current memory
 * (the balloon target) is config.memoryAllocation.limit, the vCPU count config.hardware.numCPU.
 *
 * --live/--config/--current: ESX keeps one configuration per VM, so a change cannot be deferred to the next boot.
 * Resource limits (setmem, schedinfo) apply at once in any state. The size and the vCPU count of a powered-on VM
 * change only where the VM has memory/CPU hot-add enabled (hot-remove for fewer vCPUs), whichever flag is given;
 * otherwise the change needs a shut-off domain and is refused with an InvalidStateError saying so. --live needs an
 * active domain, as in libvirt; --current (the default) means --live for an active domain, else --config.
 */
import { InvalidArgumentError, InvalidStateError } from '../../errors.js';
import {
  prop,
  VirtualMachineHandle,
  VirtualMachineProps,
  type ResourceAllocationInfo,
  type VirtualMachineConfigSpec,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainRef, DomainState } from './ref.js';
import { isActiveState, resolveDomain, type DomainArg } from './resolve.js';
import { compareVersions } from './guest.js';

/** Which configuration a change targets (virsh --live, --config; neither: --current). */
export interface ModifyFlags {
  live?: boolean;
  config?: boolean;
}

/** Resolves --current and checks --live against the state (InvalidStateError 'domain is not running'). */
export function modifyTargets(state: DomainState, flags: ModifyFlags): { live: boolean; config: boolean } {
  const active = isActiveState(state);
  if (!flags.live && !flags.config) return { live: active, config: !active };
  if (flags.live && !active) throw new InvalidStateError('domain is not running');
  return { live: flags.live === true, config: flags.config === true };
}

const SCALE: Record<string, number> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/**
 * Parses virsh's scaled integers into KiB (rounded up): a non-negative integer with an optional unit, default KiB;
 * 'b'/'bytes', then k, M, G, T, P, E alone or with 'iB' (powers of 1024) or with 'B' (powers of 1000), any case.
 */
export function parseSizeKiB(text: string, what = 'size'): number {
  const m = /^\s*(\d{1,20})\s*([a-zA-Z]*)\s*$/.exec(text);
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`invalid ${what} '${text}': ${why}`);
  };
  if (m === null) return bad('expecting a non-negative integer with an optional unit such as KiB, MiB, GiB, MB, GB');
  const n = BigInt(m[1] as string);
  const unit = (m[2] as string).toLowerCase();
  let bytes: bigint;
  if (unit === '') bytes = n * 1024n;
  else if (unit === 'b' || unit === 'byte' || unit === 'bytes') bytes = n;
  else {
    const power = SCALE[unit[0] as string];
    const rest = unit.slice(1);
    const base = rest === '' || rest === 'ib' ? 1024n : rest === 'b' ? 1000n : undefined;
    if (power === undefined || base === undefined) return bad(`unknown unit '${m[2]}'`);
    bytes = n * base ** BigInt(power);
  }
  const kib = (bytes + 1023n) / 1024n;
  if (kib > BigInt(Number.MAX_SAFE_INTEGER)) return bad('too large');
  return Number(kib);
}

/** memoryMB for a size in KiB: whole MiB, rounded up to a multiple of 4 (ESX's granularity, libvirt's ESX driver page). */
export function memoryMBFor(kib: number): number {
  return Math.ceil(kib / 4096) * 4;
}

/** A memory or CPU allocation to send back with one field changed: vSphere's own fields only, overheadLimit left out. */
export function allocationWith(
  current: ResourceAllocationInfo | undefined,
  change: Partial<ResourceAllocationInfo>,
): ResourceAllocationInfo {
  // The whole allocation is sent, not the changed field alone: some servers (vcsim) replace the allocation wholesale.
  const out: ResourceAllocationInfo = {};
  const merged = { ...current, ...change };
  if (merged.reservation !== undefined) out.reservation = merged.reservation;
  if (merged.expandableReservation !== undefined) out.expandableReservation = merged.expandableReservation;
  if (merged.limit !== undefined) out.limit = merged.limit;
  if (merged.shares !== undefined) out.shares = { shares: merged.shares.shares, level: merged.shares.level };
  return out;
}

/** Reconfigures the domain's VM with `spec` (ReconfigVM_Task through its handle: one task per VM, questions handled). */
export async function reconfigure(conn: Connection, dom: DomainRef, spec: VirtualMachineConfigSpec): Promise<void> {
  const task = await new VirtualMachineHandle(conn.client, dom.ref).reconfigure(spec);
  await task.wait();
}

/** Throws when a size/count change of a powered-on or suspended VM is impossible (see the module comment). */
function checkHotChange(dom: DomainRef, what: string, grow: boolean, canGrow: boolean, canShrink: boolean, kind: string): void {
  if (dom.state === 'paused') throw new InvalidStateError(`cannot change the ${what} of suspended domain '${dom.name}'`);
  if (dom.state !== 'running') return;
  if (grow ? canGrow : canShrink) return;
  const missing = grow
    ? `${kind} hot-add is not enabled for it`
    : `${kind} hot-remove is not ${kind === 'memory' ? 'supported' : 'enabled for it'}`;
  throw new InvalidStateError(
    `cannot change the ${what} of running domain '${dom.name}': ${missing}; ESX keeps one configuration, so shut the domain off first`,
  );
}

/** Result of a memory change: the value ESX got, in KiB. */
export interface MemoryChange {
  dom: DomainRef;
  kib: number;
}

/** virsh setmem: sets the balloon target (config.memoryAllocation.limit, whole MiB), at most the maximum memory. */
export async function setMemory(conn: Connection, domain: DomainArg, kib: number, flags: ModifyFlags = {}): Promise<MemoryChange> {
  if (!Number.isSafeInteger(kib) || kib <= 0) throw new InvalidArgumentError(`invalid memory size ${kib} KiB: expecting a positive size`);
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.memoryMB, VirtualMachineProps.memoryAllocation]);
  modifyTargets(dom.state, flags);
  const limitMB = Math.ceil(kib / 1024);
  const maxMB = prop(rec, VirtualMachineProps.memoryMB) ?? 0;
  if (limitMB > maxMB) throw new InvalidArgumentError(`cannot set memory higher than max memory (${maxMB * 1024} KiB)`);
  const current = prop(rec, VirtualMachineProps.memoryAllocation);
  await reconfigure(conn, dom, { memoryAllocation: allocationWith(current, { limit: limitMB }) });
  return { dom, kib: limitMB * 1024 };
}

/** virsh setmaxmem: sets the memory size (config.hardware.memoryMB, rounded up to a multiple of 4 MiB). */
export async function setMaxMemory(conn: Connection, domain: DomainArg, kib: number, flags: ModifyFlags = {}): Promise<MemoryChange> {
  if (!Number.isSafeInteger(kib) || kib <= 0) throw new InvalidArgumentError(`invalid memory size ${kib} KiB: expecting a positive size`);
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.memoryMB, VirtualMachineProps.memoryHotAddEnabled]);
  modifyTargets(dom.state, flags);
  const mb = memoryMBFor(kib);
  const currentMB = prop(rec, VirtualMachineProps.memoryMB) ?? 0;
  if (mb === currentMB) return { dom, kib: mb * 1024 };
  checkHotChange(dom, 'maximum memory', mb > currentMB, prop(rec, VirtualMachineProps.memoryHotAddEnabled) === true, false, 'memory');
  await reconfigure(conn, dom, { memoryMB: mb });
  return { dom, kib: mb * 1024 };
}

/** Options of setVcpus besides the flags. */
export interface VcpuOptions extends ModifyFlags {
  /** virsh --maximum: ESX has no separate maximum, so this sets the count too, but never on a live domain. */
  maximum?: boolean;
}

/** Result of setVcpus; warnings go to the user (stderr in the CLI). */
export interface VcpuChange {
  dom: DomainRef;
  vcpus: number;
  warnings: string[];
}

/** The warning for an odd vCPU count on servers older than API 4.1 (ESX 3.x/4.0 accept only 1 or an even count). */
export function oddVcpuWarning(count: number, apiVersion: string): string | undefined {
  if (count <= 1 || count % 2 === 0 || compareVersions(apiVersion, '4.1') >= 0) return undefined;
  return `${count} vCPUs: servers before API 4.1 (this one speaks ${apiVersion}) accept only 1 or an even number of vCPUs; trying anyway`;
}

/** virsh setvcpus: sets config.hardware.numCPU. */
export async function setVcpus(conn: Connection, domain: DomainArg, count: number, opts: VcpuOptions = {}): Promise<VcpuChange> {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new InvalidArgumentError(`invalid vCPU count '${count}': expecting a positive integer`);
  const paths = [VirtualMachineProps.numCpu, VirtualMachineProps.cpuHotAddEnabled, VirtualMachineProps.cpuHotRemoveEnabled];
  const { dom, rec } = await resolveDomain(conn, domain, paths);
  const targets = modifyTargets(dom.state, opts);
  if (opts.maximum && targets.live)
    throw new InvalidStateError('the maximum vCPU count of an active domain cannot be changed: use --config on a shut-off domain');
  const warn = oddVcpuWarning(count, conn.product.apiVersion);
  const warnings = warn === undefined ? [] : [warn];
  const current = prop(rec, VirtualMachineProps.numCpu) ?? 0;
  if (count === current) return { dom, vcpus: count, warnings };
  checkHotChange(
    dom,
    'vCPU count',
    count > current,
    prop(rec, VirtualMachineProps.cpuHotAddEnabled) === true,
    prop(rec, VirtualMachineProps.cpuHotRemoveEnabled) === true,
    'CPU',
  );
  await reconfigure(conn, dom, { numCPUs: count });
  return { dom, vcpus: count, warnings };
}

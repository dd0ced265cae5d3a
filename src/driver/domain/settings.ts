/**
 * The domain settings virsh reads and writes beside sizes: vCPU counts (vcpucount, maxvcpus), memory tuning
 * (memtune: libvirt's ESX driver has min_guarantee, the memory reservation) and the description (desc: the VM's
 * annotation). Each reads in one retrieve after the lookup and writes in one ReconfigVM_Task.
 */
import { UnsupportedError } from '../../errors.js';
import { prop, VirtualMachineProps } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainRef } from './ref.js';
import { isActiveState, resolveDomain, type DomainArg } from './resolve.js';
import { allocationWith, modifyTargets, reconfigure, type ModifyFlags } from './tuning.js';
import { defaultVirtualHwVersion } from './xml.js';

// The most vCPUs a VM of each virtual hardware version may have (VMware's "virtual machine compatibility" tables).
const MAX_VCPUS: [hw: number, max: number][] = [
  [18, 768],
  [15, 256],
  [11, 128],
  [9, 64],
  [8, 32],
  [7, 8],
  [4, 4],
];

/** The most vCPUs a VM of virtual hardware version `hw` may have. */
export function maxVcpusOfHardware(hw: number): number {
  for (const [v, max] of MAX_VCPUS) if (hw >= v) return max;
  return 1;
}

/** The hardware version number of 'vmx-13' (undefined when it is not of that form). */
export function hardwareVersionNumber(version: string | undefined): number | undefined {
  const m = /^vmx-(\d+)$/.exec(version ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * virsh maxvcpus: the most vCPUs a new domain on this host may have, by the hardware version the server gives new
 * VMs (the host's own `capability.maxSupportedVcpus` is not offered by every server).
 */
export function maxVcpus(conn: Pick<Connection, 'product'>): number {
  return maxVcpusOfHardware(defaultVirtualHwVersion(conn.product.version));
}

/** vCPU counts as virsh vcpucount shows them; `live` only for an active domain. */
export interface VcpuCount {
  dom: DomainRef;
  maximum: { config: number; live?: number };
  current: { config: number; live?: number };
}

/**
 * virsh vcpucount: the current count is config.hardware.numCPU; the maximum is the same unless CPU hot-add is on,
 * when it is the most the VM's hardware version allows. ESX keeps one configuration, so live and config agree.
 */
export async function getVcpuCount(conn: Connection, domain: DomainArg): Promise<VcpuCount> {
  const { dom, rec } = await resolveDomain(conn, domain, [
    VirtualMachineProps.numCpu,
    VirtualMachineProps.cpuHotAddEnabled,
    VirtualMachineProps.hardwareVersion,
  ]);
  const current = prop(rec, VirtualMachineProps.numCpu) ?? 1;
  const hw = hardwareVersionNumber(prop(rec, VirtualMachineProps.hardwareVersion));
  const maximum =
    prop(rec, VirtualMachineProps.cpuHotAddEnabled) === true && hw !== undefined ? Math.max(current, maxVcpusOfHardware(hw)) : current;
  const active = isActiveState(dom.state);
  return {
    dom,
    maximum: active ? { config: maximum, live: maximum } : { config: maximum },
    current: active ? { config: current, live: current } : { config: current },
  };
}

/** virsh memtune's parameters that ESX has: min_guarantee (the memory reservation), in KiB. */
export interface MemoryTune {
  dom: DomainRef;
  minGuaranteeKiB: number;
}

/** virsh memtune (reading): the memory reservation as min_guarantee. */
export async function getMemoryTune(conn: Connection, domain: DomainArg): Promise<MemoryTune> {
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.memoryAllocation]);
  return { dom, minGuaranteeKiB: Math.max(0, prop(rec, VirtualMachineProps.memoryAllocation)?.reservation ?? 0) * 1024 };
}

/**
 * virsh memtune --min-guarantee: sets the memory reservation (whole MiB, rounded up). Like every resource setting it
 * applies at once in any state; --live needs an active domain, as in libvirt.
 */
export async function setMemoryTune(
  conn: Connection,
  domain: DomainArg,
  minGuaranteeKiB: number,
  flags: ModifyFlags = {},
): Promise<MemoryTune> {
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.memoryAllocation]);
  modifyTargets(dom.state, flags);
  const mib = Math.ceil(minGuaranteeKiB / 1024);
  await reconfigure(conn, dom, { memoryAllocation: allocationWith(prop(rec, VirtualMachineProps.memoryAllocation), { reservation: mib }) });
  return { dom, minGuaranteeKiB: mib * 1024 };
}

/** virsh desc (reading): the VM's annotation ('' when it has none). */
export async function getDescription(
  conn: Connection,
  domain: DomainArg,
  opts: { title?: boolean } = {},
): Promise<{ dom: DomainRef; text: string }> {
  const { dom, rec } = await resolveDomain(conn, domain, [VirtualMachineProps.annotation]);
  // vSphere VMs have no title: reading one gives none, as for a libvirt domain without <title>
  return { dom, text: opts.title === true ? '' : (prop(rec, VirtualMachineProps.annotation) ?? '') };
}

/** virsh desc --new-desc: sets the VM's annotation. A title cannot be set: vSphere VMs have none. */
export async function setDescription(
  conn: Connection,
  domain: DomainArg,
  text: string,
  opts: { title?: boolean } & ModifyFlags = {},
): Promise<DomainRef> {
  if (opts.title === true) throw new UnsupportedError('vSphere VMs have no title: only the description (the annotation) can be set');
  const { dom } = await resolveDomain(conn, domain);
  modifyTargets(dom.state, opts);
  await reconfigure(conn, dom, { annotation: text });
  return dom;
}

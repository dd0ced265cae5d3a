/**
 * A domain's state and summary as virsh's dominfo and domstate show them, read in a constant number of calls:
 * the lookup, one retrieve of the VM's properties and the host's autostart configuration (read once).
 */
import { EsxError } from '../../errors.js';
import { prop, VirtualMachineProps, type ObjectRecord } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { readAutostart } from './autostart.js';
import type { DomainRef, DomainState } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';

/**
 * virsh's state reason. vSphere keeps no reason for a power state, and libvirt's ESX driver reports none: virsh
 * prints 'unknown' for every state (checked against virsh 9.0), and so do we.
 */
export function stateReason(_state: DomainState): string {
  return 'unknown';
}

/** State and reason (virsh domstate --reason). */
export interface DomainStateInfo {
  state: DomainState;
  reason: string;
}

/** The domain's state and reason: the lookup and one retrieve. */
export async function getDomainState(conn: Connection, domain: DomainArg): Promise<DomainStateInfo & { dom: DomainRef }> {
  const { dom } = await resolveDomain(conn, domain);
  return { dom, state: dom.state, reason: stateReason(dom.state) };
}

/** What virsh dominfo shows. Memory in KiB. */
export interface DomainInfo {
  /** -1 when not active. */
  id: number;
  name: string;
  uuid: string;
  osType: 'hvm';
  state: DomainState;
  vcpus: number;
  /** Consumed CPU time in ns; vSphere keeps no cumulative counter per VM, so undefined. */
  cpuTimeNs: number | undefined;
  maxMemoryKiB: number;
  /** The balloon target: config.memoryAllocation.limit when set (libvirt's ESX driver), else the maximum. */
  memoryKiB: number;
  /** ESX domains always have a VMX file: always true. */
  persistent: boolean;
  /** Whether the host starts the domain with it; undefined when the host's autostart configuration cannot be read. */
  autostart: boolean | undefined;
  /** libvirt's managed save: ESX has none (a suspended VM's .vmss is not one), so always false, as virsh prints it. */
  managedSave: boolean;
}

/** Properties dominfo reads besides DOMAIN_REF_PATHS. */
export const DOMAIN_INFO_PATHS = [VirtualMachineProps.numCpu, VirtualMachineProps.memoryMB, VirtualMachineProps.memoryAllocation] as const;

/** Builds DomainInfo from a record holding DOMAIN_REF_PATHS and DOMAIN_INFO_PATHS. */
export function domainInfoOf(dom: DomainRef, rec: ObjectRecord, autostart: boolean | undefined): DomainInfo {
  const maxMemoryKiB = (prop(rec, VirtualMachineProps.memoryMB) ?? 0) * 1024;
  return {
    id: dom.id,
    name: dom.name,
    uuid: dom.uuid,
    osType: 'hvm',
    state: dom.state,
    vcpus: prop(rec, VirtualMachineProps.numCpu) ?? 0,
    cpuTimeNs: undefined,
    maxMemoryKiB,
    memoryKiB: usedMemoryKiB(maxMemoryKiB, prop(rec, VirtualMachineProps.memoryAllocation)?.limit),
    persistent: true,
    autostart,
    managedSave: false,
  };
}

/** The memory a VM may use: its limit (MiB, -1 or unset: unlimited), never more than its size. */
export function usedMemoryKiB(maxMemoryKiB: number, limitMB: number | undefined): number {
  if (limitMB === undefined || limitMB < 0) return maxMemoryKiB;
  return Math.min(limitMB * 1024, maxMemoryKiB);
}

/**
 * virsh dominfo: the lookup, one retrieve of the VM's properties, and the host's autostart configuration. The
 * autostart setting is optional data: a host whose autostart manager cannot be read (the stock simulator names one
 * it does not serve) leaves it undefined, and dominfo leaves the row out, as virsh does.
 */
export async function getDomainInfo(conn: Connection, domain: DomainArg, opts: { debug?: (m: string) => void } = {}): Promise<DomainInfo> {
  const { dom, rec } = await resolveDomain(conn, domain, DOMAIN_INFO_PATHS);
  let autostart: boolean | undefined;
  try {
    autostart = (await readAutostart(conn)).isAutostarted(dom.ref);
  } catch (e) {
    if (!(e instanceof EsxError)) throw e;
    opts.debug?.(`autostart setting left out: ${e.message}`);
  }
  return domainInfoOf(dom, rec, autostart);
}

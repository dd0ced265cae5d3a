/**
 * A domain's state and summary as virsh's dominfo and domstate show them, read in a constant number of calls:
 * the lookup, one retrieve of the VM's properties and the host's autostart configuration (read once).
 */
import { prop, VirtualMachineProps, type ObjectRecord } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { readAutostart } from './autostart.js';
import type { DomainRef, DomainState } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';

/**
 * virsh's state reason. vSphere keeps no reason, so each state gets the one that fits how ESX gets there:
 * a powered-on VM was booted, a suspended one was suspended by a user, a powered-off one is 'unknown'.
 */
export function stateReason(state: DomainState): string {
  switch (state) {
    case 'running':
      return 'booted';
    case 'paused':
      return 'user';
    default:
      return 'unknown';
  }
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
  autostart: boolean;
  /** A suspended VM keeps its memory in a .vmss file: libvirt's ESX driver reports it as a managed save image. */
  managedSave: boolean;
  securityModel: string;
  securityDoi: string;
}

/** Properties dominfo reads besides DOMAIN_REF_PATHS. */
export const DOMAIN_INFO_PATHS = [VirtualMachineProps.numCpu, VirtualMachineProps.memoryMB, VirtualMachineProps.memoryAllocation] as const;

/** Builds DomainInfo from a record holding DOMAIN_REF_PATHS and DOMAIN_INFO_PATHS. */
export function domainInfoOf(dom: DomainRef, rec: ObjectRecord, autostart: boolean): DomainInfo {
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
    managedSave: dom.state === 'paused',
    securityModel: 'none',
    securityDoi: '0',
  };
}

/** The memory a VM may use: its limit (MiB, -1 or unset: unlimited), never more than its size. */
export function usedMemoryKiB(maxMemoryKiB: number, limitMB: number | undefined): number {
  if (limitMB === undefined || limitMB < 0) return maxMemoryKiB;
  return Math.min(limitMB * 1024, maxMemoryKiB);
}

/** virsh dominfo: the lookup, one retrieve of the VM's properties, and the host's autostart configuration. */
export async function getDomainInfo(conn: Connection, domain: DomainArg): Promise<DomainInfo> {
  const { dom, rec } = await resolveDomain(conn, domain, DOMAIN_INFO_PATHS);
  const autostart = await readAutostart(conn);
  return domainInfoOf(dom, rec, autostart.isAutostarted(dom.ref));
}

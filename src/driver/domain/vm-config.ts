/**
 * A VM's configuration as src/vmconfig reads it (VmConfigView), with what device changes also need: the power
 * state, config.changeVersion, the hot-add flags and config.extraConfig; read in one retrieve.
 */
import { prop, retrieveOne, VirtualMachineProps as V, type AnyPropPath, type MoRef, type ObjectRecord } from '../../vim25/index.js';
import type { VmConfigView } from '../../vmconfig/index.js';
import type { LiveVmState } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { DOMAIN_REF_PATHS, domainRefOf, type DomainRef } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';

/** The paths of a VmConfigView and of the device-change checks. */
export const VM_CONFIG_VIEW_PATHS = [
  V.configName,
  V.uuid,
  V.annotation,
  V.guestId,
  V.firmware,
  V.hardware,
  V.cpuAllocation,
  V.memoryAllocation,
  V.extraConfig,
  V.changeVersion,
  V.cpuHotAddEnabled,
  V.cpuHotRemoveEnabled,
  V.memoryHotAddEnabled,
  V.vmPathName,
  V.host,
] as const satisfies readonly AnyPropPath[];

/** A VM's identity, state and configuration. */
export interface VmConfig {
  dom: DomainRef;
  view: VmConfigView;
  changeVersion: string | undefined;
  /** config.files.vmPathName. */
  vmPathName: string | undefined;
  /** The host the VM runs on (runtime.host). */
  host: MoRef<'HostSystem'> | undefined;
  /** What the hot-plug rules need (powered-on or suspended VMs). */
  live: LiveVmState | undefined;
}

/** Builds VmConfig from a record holding DOMAIN_REF_PATHS and VM_CONFIG_VIEW_PATHS. */
export function vmConfigOf(dom: DomainRef, rec: ObjectRecord): VmConfig {
  const hardware = prop(rec, V.hardware);
  const view: VmConfigView = {
    name: prop(rec, V.configName) ?? dom.name,
    uuid: prop(rec, V.uuid),
    annotation: prop(rec, V.annotation),
    guestId: prop(rec, V.guestId),
    firmware: prop(rec, V.firmware),
    hardware,
    cpuAllocation: prop(rec, V.cpuAllocation),
    memoryAllocation: prop(rec, V.memoryAllocation),
    extraConfig: prop(rec, V.extraConfig) ?? [],
  };
  const active = dom.state === 'running' || dom.state === 'paused';
  return {
    dom,
    view,
    changeVersion: prop(rec, V.changeVersion) || undefined,
    vmPathName: prop(rec, V.vmPathName),
    host: prop(rec, V.host),
    live: active
      ? {
          state: dom.state === 'running' ? 'running' : 'paused',
          numCpu: hardware?.numCPU,
          memoryMB: hardware?.memoryMB,
          cpuHotAddEnabled: prop(rec, V.cpuHotAddEnabled) === true,
          cpuHotRemoveEnabled: prop(rec, V.cpuHotRemoveEnabled) === true,
          memoryHotAddEnabled: prop(rec, V.memoryHotAddEnabled) === true,
        }
      : undefined,
  };
}

/** Finds the domain and reads its configuration (the lookup and one retrieve). */
export async function readVmConfig(conn: Connection, domain: DomainArg): Promise<VmConfig> {
  const { dom, rec } = await resolveDomain(conn, domain, VM_CONFIG_VIEW_PATHS);
  return vmConfigOf(dom, rec);
}

/** Re-reads a VM's configuration (after a change, or to judge a change whose answer was lost). */
export async function rereadVmConfig(conn: Connection, dom: DomainRef): Promise<VmConfig> {
  const rec = await retrieveOne(conn.client, dom.ref, [...DOMAIN_REF_PATHS, ...VM_CONFIG_VIEW_PATHS]);
  return vmConfigOf(domainRefOf(rec), rec);
}

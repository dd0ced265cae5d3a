/**
 * Autostart through the host's HostAutoStartManager, as libvirt's ESX driver does it: a domain autostarts when the
 * host's autostart is enabled and the domain's power-info entry says 'powerOn'. Enabling a domain enables the
 * host's autostart too (else the entry has no effect); disabling sets the entry's start action to 'none' and leaves
 * the host alone, since other domains may rely on it.
 */
import { UnsupportedError } from '../../errors.js';
import {
  HostAutoStartManagerHandle,
  HostAutoStartManagerProps,
  HostSystemProps,
  prop,
  retrieveOne,
  type AutoStartPowerInfo,
  type HostAutoStartManagerConfig,
  type MoRef,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainRef } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';

/** The host's autostart configuration as read once. */
export interface AutostartConfig {
  /** undefined when the host has no autostart manager (then nothing autostarts). */
  manager: MoRef<'HostAutoStartManager'> | undefined;
  config: HostAutoStartManagerConfig;
  /** True when `vm` is started with the host. */
  isAutostarted(vm: MoRef<'VirtualMachine'>): boolean;
}

const managers = new WeakMap<Connection, Promise<MoRef<'HostAutoStartManager'> | undefined>>();

/** The host's HostAutoStartManager (read once per connection); undefined when the host has none. */
export function autostartManager(conn: Connection): Promise<MoRef<'HostAutoStartManager'> | undefined> {
  let p = managers.get(conn);
  if (p === undefined) {
    p = retrieveOne(conn.client, conn.host.hostSystem, [HostSystemProps.autoStartManager]).then((r) =>
      prop(r, HostSystemProps.autoStartManager),
    );
    managers.set(conn, p);
    p.catch(() => managers.delete(conn));
  }
  return p;
}

/** True when the config starts `vm` with the host: host autostart enabled and the VM's start action powerOn. */
export function isAutostartedIn(config: HostAutoStartManagerConfig, vm: MoRef<'VirtualMachine'>): boolean {
  if (config.defaults?.enabled !== true) return false;
  const entry = config.powerInfo?.find((p) => p.key.value === vm.value);
  // ESX answers 'PowerOn' where the API reference spells 'powerOn'.
  return entry !== undefined && entry.startAction.toLowerCase() === 'poweron';
}

/** Reads the host's autostart configuration (one retrieve, plus one for the manager the first time). */
export async function readAutostart(conn: Connection): Promise<AutostartConfig> {
  const manager = await autostartManager(conn);
  const config =
    manager === undefined
      ? {}
      : (prop(await retrieveOne(conn.client, manager, [HostAutoStartManagerProps.config]), HostAutoStartManagerProps.config) ?? {});
  return { manager, config, isAutostarted: (vm) => isAutostartedIn(config, vm) };
}

/** The ReconfigureAutostart spec that marks `vm` as autostarted or not, given the host's current config. */
export function autostartSpec(
  current: HostAutoStartManagerConfig,
  vm: MoRef<'VirtualMachine'>,
  enable: boolean,
): HostAutoStartManagerConfig {
  // -1 and systemDefault: the host's defaults decide order, delays and the stop action.
  const entry: AutoStartPowerInfo = {
    key: vm,
    startOrder: -1,
    startDelay: -1,
    waitForHeartbeat: 'systemDefault',
    startAction: enable ? 'powerOn' : 'none',
    stopDelay: -1,
    stopAction: 'systemDefault',
  };
  const spec: HostAutoStartManagerConfig = { powerInfo: [entry] };
  if (enable && current.defaults?.enabled !== true) spec.defaults = { enabled: true };
  return spec;
}

/** Whether the domain autostarts with the host. */
export async function getAutostart(conn: Connection, domain: DomainArg): Promise<boolean> {
  const { dom } = await resolveDomain(conn, domain);
  return (await readAutostart(conn)).isAutostarted(dom.ref);
}

/** virsh autostart [--disable]: marks the domain as autostarted (enabling the host's autostart) or unmarks it. */
export async function setAutostart(conn: Connection, domain: DomainArg, enable: boolean): Promise<DomainRef> {
  const { dom } = await resolveDomain(conn, domain);
  const current = await readAutostart(conn);
  if (current.manager === undefined)
    throw new UnsupportedError(`host ${conn.host.hostSystemName} has no autostart manager: autostart is not supported`);
  const entry = current.config.powerInfo?.find((p) => p.key.value === dom.ref.value);
  const marked = entry !== undefined && entry.startAction.toLowerCase() === 'poweron';
  // Nothing to change: saves a call, and keeps the entry's own order and delays.
  if (enable ? current.isAutostarted(dom.ref) : !marked) return dom;
  await new HostAutoStartManagerHandle(conn.client, current.manager).reconfigure(autostartSpec(current.config, dom.ref, enable));
  return dom;
}

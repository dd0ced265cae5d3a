/**
 * Port groups: what `net-update … portgroup` and ensurePortGroup change. A standard port group carries one VLAN id
 * (0 none, 1–4094 a VLAN, 4095 all VLANs for guest tagging); a distributed one an id or trunk ranges. Every change
 * converges (converge.ts): repeated after a dropped connection, or raced by another caller, it ends with the port
 * group as asked or with one clear error, never with two port groups.
 */
import { ConfigError, InvalidStateError, NotFoundError, UnsupportedError } from '../../errors.js';
import type { BandwidthDef, PortgroupDef, VlanDef } from '../../conf/index.js';
import {
  isVimFault,
  methods,
  type AnyVmwareDistributedVirtualSwitchVlanSpec,
  type HostNetworkPolicy,
  type HostNetworkTrafficShapingPolicy,
  type HostPortGroupSpec,
  type MoRef,
  type NumericRange,
  type VMwareDVSPortSetting,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { converge } from './converge.js';
import {
  addDistributedPortgroup,
  destroyDistributedPortgroup,
  reconfigureDistributedPortgroup,
  vlanOfPortgroup,
  type DistributedSwitchView,
} from './distributed.js';
import type { HostNetworkView, HostPortgroupView, HostSwitchView } from './host-view.js';
import { findNetwork, readNetworkState, type NetworkState } from './networks.js';

/** libvirt's KiB/s and KiB as ESX's bits per second and bytes (the inverse of bandwidthOfShaping). */
export function shapingOfBandwidth(b: BandwidthDef): HostNetworkTrafficShapingPolicy {
  const r = b.inbound ?? b.outbound;
  if (b.inbound && b.outbound && JSON.stringify(b.inbound) !== JSON.stringify(b.outbound))
    throw new ConfigError('ESX shapes both directions alike: <inbound> and <outbound> must be the same');
  return {
    enabled: true,
    ...(r?.average !== undefined ? { averageBandwidth: r.average * 8 * 1000 } : {}),
    ...(r?.peak !== undefined ? { peakBandwidth: r.peak * 8 * 1000 } : {}),
    ...(r?.burst !== undefined ? { burstSize: r.burst * 1024 } : {}),
  };
}

/** The VLAN id of a standard port group for `<vlan>` (pure); trunks of chosen VLANs need a distributed switch. */
export function standardVlanId(vlan: VlanDef | undefined): number {
  if (vlan === undefined) return 0;
  const [first, ...rest] = vlan.tags;
  if (first === undefined) return 0;
  if (rest.length > 0 || (vlan.trunk && first.id !== 4095))
    throw new ConfigError(
      'a standard vSwitch port group carries one VLAN id (4095 passes all VLANs to the guest): trunks of chosen VLANs need a distributed switch',
    );
  return first.id;
}

/** `<vlan>` as a distributed port group's VLAN setting (pure): one tag an id, trunk tags as ranges. */
export function distributedVlanSpec(vlan: VlanDef | undefined): AnyVmwareDistributedVirtualSwitchVlanSpec {
  if (vlan === undefined) return { _type: 'VmwareDistributedVirtualSwitchVlanIdSpec', inherited: false, vlanId: 0 };
  const ids = [...new Set(vlan.tags.map((t) => t.id))].sort((a, b) => a - b);
  if (!vlan.trunk && ids.length === 1) {
    if ((ids[0] as number) > 4094) throw new ConfigError('a distributed port group VLAN id is 0 to 4094 (use a trunk for all)');
    return { _type: 'VmwareDistributedVirtualSwitchVlanIdSpec', inherited: false, vlanId: ids[0] as number };
  }
  const ranges: NumericRange[] = [];
  for (const id of ids.map((i) => (i === 4095 ? -1 : i))) {
    if (id === -1) {
      ranges.splice(0, ranges.length, { start: 0, end: 4094 });
      break;
    }
    const last = ranges[ranges.length - 1];
    if (last && last.end + 1 === id) last.end = id;
    else ranges.push({ start: id, end: id });
  }
  return { _type: 'VmwareDistributedVirtualSwitchTrunkVlanSpec', inherited: false, vlanId: ranges };
}

/** The port setting of a distributed port group for `pg` (pure). */
export function distributedSetting(pg: PortgroupDef): VMwareDVSPortSetting {
  const s: VMwareDVSPortSetting = { _type: 'VMwareDVSPortSetting', vlan: distributedVlanSpec(pg.vlan) };
  if (pg.bandwidth) throw new ConfigError(`port group '${pg.name}': <bandwidth> of a distributed port group is not supported by esxvirt`);
  const sec = pg.security;
  if (sec) {
    const b = (v: boolean | undefined) => (v === undefined ? undefined : { inherited: false, value: v });
    s.securityPolicy = {
      inherited: false,
      ...(b(sec.allowPromiscuous) ? { allowPromiscuous: b(sec.allowPromiscuous) } : {}),
      ...(b(sec.macChanges) ? { macChanges: b(sec.macChanges) } : {}),
      ...(b(sec.forgedTransmits) ? { forgedTransmits: b(sec.forgedTransmits) } : {}),
    };
  }
  return s;
}

/** A standard port group's spec for `pg` on `vswitch`, keeping the parts of `base`'s policy libvirt's XML lacks. */
export function standardSpec(pg: PortgroupDef, vswitch: string, base?: HostNetworkPolicy): HostPortGroupSpec {
  const policy: HostNetworkPolicy = { ...(base ?? {}) };
  if (pg.security) policy.security = { ...pg.security };
  else delete policy.security;
  if (pg.bandwidth) policy.shapingPolicy = shapingOfBandwidth(pg.bandwidth);
  else delete policy.shapingPolicy;
  return { name: pg.name, vlanId: standardVlanId(pg.vlan), vswitchName: vswitch, policy };
}

function networkSystem(host: HostNetworkView): MoRef<'HostNetworkSystem'> {
  if (host.networkSystem === undefined)
    throw new UnsupportedError('the host has no network system (configManager.networkSystem): its networking cannot be changed');
  return host.networkSystem;
}

/** Names the VMs of a port group that is in use, or undefined. */
function inUse(name: string, vms: readonly MoRef<'VirtualMachine'>[]): string | undefined {
  return vms.length > 0 ? `port group '${name}' is in use by ${vms.length} VM(s): ${vms.map((v) => v.value).join(', ')}` : undefined;
}

/** Adds a standard port group and converges: a raced or repeated add that left the same port group counts. */
export async function addStandardPortgroup(conn: Connection, ns: MoRef<'HostNetworkSystem'>, spec: HostPortGroupSpec): Promise<void> {
  await converge(
    conn,
    () => methods.AddPortGroup(conn.client.soap, ns, { portgrp: spec }).then(() => undefined),
    async () => {
      const state = await readNetworkState(conn);
      const pg = state.host.portgroups.find((p) => p.name === spec.name);
      if (pg === undefined) return false;
      if (pg.vswitchName !== spec.vswitchName || pg.vlanId !== spec.vlanId)
        throw new InvalidStateError(
          `port group '${spec.name}' already exists on ${pg.vswitchName} with VLAN ${pg.vlanId}, not on ${spec.vswitchName} with VLAN ${spec.vlanId}`,
        );
      return true;
    },
    ['AlreadyExists', 'DuplicateName'],
  );
}

/** Removes a standard port group and converges (gone is done). */
export async function removeStandardPortgroup(conn: Connection, ns: MoRef<'HostNetworkSystem'>, name: string): Promise<void> {
  await converge(
    conn,
    () => methods.RemovePortGroup(conn.client.soap, ns, { pgName: name }).then(() => undefined),
    async () => !(await readNetworkState(conn)).host.portgroups.some((p) => p.name === name),
    ['NotFound'],
  );
}

/** What ensurePortGroup is asked for: a port group name, its VLAN, and the switch by name or by one of its uplinks. */
export interface EnsurePortGroupOptions {
  name: string;
  /** VLAN id: 0 (default) none, 1–4094, or 4095 (all VLANs to the guest; standard switches only). */
  vlan?: number;
  /** The standard or distributed switch to put it on. */
  vswitch?: string;
  /** Or: the standard switch that has this uplink (Nova's vlan_interface, e.g. vmnic1). */
  uplink?: string;
}

/** What ensurePortGroup did. */
export interface EnsurePortGroupResult {
  name: string;
  network: string;
  kind: 'standard' | 'distributed';
  vlan: number;
  created: boolean;
}

function switchByUplink(host: HostNetworkView, uplink: string): HostSwitchView {
  const sw = host.switches.find((s) => s.uplinks.includes(uplink));
  if (sw === undefined)
    throw new NotFoundError(
      `no virtual switch has uplink '${uplink}' (uplinks: ${host.switches.flatMap((s) => s.uplinks).join(', ') || 'none'})`,
    );
  return sw;
}

function currentDistributedVlan(p: { config: Parameters<typeof vlanOfPortgroup>[0] }): number | undefined {
  const v = vlanOfPortgroup(p.config);
  if (v === undefined) return 0;
  return v._type === 'VmwareDistributedVirtualSwitchVlanIdSpec' && 'vlanId' in v && typeof v.vlanId === 'number' ? v.vlanId : undefined;
}

/**
 * Makes sure port group `name` exists with VLAN `vlan` on the given switch, creating it if needed — what a cloud
 * manager calls before starting a VM (OpenNebula's dynamic mode, Nova's VLAN mode). Idempotent, and safe when
 * several callers race: each succeeds and one port group results. A port group of that name with another VLAN or
 * on another switch is an error, never changed.
 */
export async function ensurePortGroup(conn: Connection, opts: EnsurePortGroupOptions): Promise<EnsurePortGroupResult> {
  const vlan = opts.vlan ?? 0;
  if (!Number.isInteger(vlan) || vlan < 0 || vlan > 4095) throw new ConfigError(`invalid VLAN id ${vlan}: expecting 0 to 4095`);
  if ((opts.vswitch === undefined) === (opts.uplink === undefined)) throw new ConfigError('ensurePortGroup needs either vswitch or uplink');
  const state = await readNetworkState(conn);
  const dvs = opts.vswitch !== undefined ? state.distributed.find((d) => d.name === opts.vswitch) : undefined;
  const sw = opts.uplink !== undefined ? switchByUplink(state.host, opts.uplink) : state.host.switches.find((s) => s.name === opts.vswitch);
  if (dvs && sw) throw new ConfigError(`'${opts.vswitch}' names both a standard and a distributed switch`);
  if (dvs) return ensureDistributed(conn, state, dvs, opts.name, vlan);
  if (sw === undefined) throw new NotFoundError(`no virtual switch named '${opts.vswitch}'`);
  const result: EnsurePortGroupResult = { name: opts.name, network: sw.name, kind: 'standard', vlan, created: false };
  const existing = state.host.portgroups.find((p) => p.name === opts.name);
  if (existing !== undefined) {
    if (existing.vswitchName !== sw.name || existing.vlanId !== vlan)
      throw new InvalidStateError(
        `port group '${opts.name}' already exists on ${existing.vswitchName} with VLAN ${existing.vlanId}, not on ${sw.name} with VLAN ${vlan}`,
      );
    return result;
  }
  await addStandardPortgroup(
    conn,
    networkSystem(state.host),
    standardSpec({ name: opts.name, ...(vlan ? { vlan: { tags: [{ id: vlan }] } } : {}) }, sw.name),
  );
  return { ...result, created: true };
}

async function ensureDistributed(
  conn: Connection,
  state: NetworkState,
  dvs: DistributedSwitchView,
  name: string,
  vlan: number,
): Promise<EnsurePortGroupResult> {
  const result: EnsurePortGroupResult = { name, network: dvs.name, kind: 'distributed', vlan, created: false };
  const check = (s: NetworkState): boolean => {
    const all = s.distributed.flatMap((d) => d.portgroups.map((p) => ({ d, p })));
    const hit = all.find((x) => x.p.name === name);
    if (hit === undefined) return false;
    if (hit.d.name !== dvs.name || currentDistributedVlan(hit.p) !== vlan)
      throw new InvalidStateError(
        `port group '${name}' already exists on ${hit.d.name} with another VLAN or switch than VLAN ${vlan} on ${dvs.name}`,
      );
    return true;
  };
  if (check(state)) return result;
  if (vlan === 4095) throw new ConfigError('VLAN 4095 is a standard switch setting: a distributed port group passes all VLANs as a trunk');
  await converge(
    conn,
    () => addDistributedPortgroup(conn, dvs.ref, name, distributedSetting({ name, ...(vlan ? { vlan: { tags: [{ id: vlan }] } } : {}) })),
    async () => check(await readNetworkState(conn)),
    ['DuplicateName', 'AlreadyExists'],
  );
  return { ...result, created: true };
}

/** net-update's commands for the portgroup section. */
export type PortgroupCommand = 'add' | 'add-first' | 'add-last' | 'delete' | 'modify';

/** Adds, deletes or modifies one port group of a network (virsh net-update NET CMD portgroup XML). */
export async function updateNetworkPortgroup(
  conn: Connection,
  network: string,
  command: PortgroupCommand,
  pg: PortgroupDef,
): Promise<void> {
  const state = await readNetworkState(conn);
  const found = findNetwork(state, network);
  if (found.kind === 'distributed') return updateDistributed(conn, state, found.dvs, command, pg);
  const sw = found.sw;
  const ns = networkSystem(state.host);
  const existing: HostPortgroupView | undefined = state.host.portgroups.find((p) => p.name === pg.name);
  const onThis = existing !== undefined && existing.vswitchName === sw.name;
  switch (command) {
    case 'add':
    case 'add-first':
    case 'add-last': {
      const spec = standardSpec(pg, sw.name);
      if (existing !== undefined)
        throw new InvalidStateError(`port group '${pg.name}' already exists on ${existing.vswitchName}: use modify to change it`);
      await addStandardPortgroup(conn, ns, spec);
      return;
    }
    case 'delete': {
      if (!onThis) throw new NotFoundError(`network '${sw.name}' has no port group '${pg.name}'`);
      const busy = inUse(pg.name, existing.vms);
      if (busy) throw new InvalidStateError(`cannot delete ${busy}`);
      await removeStandardPortgroup(conn, ns, pg.name);
      return;
    }
    case 'modify': {
      if (!onThis) throw new NotFoundError(`network '${sw.name}' has no port group '${pg.name}'`);
      const spec = standardSpec(pg, sw.name, existing.group.spec.policy);
      // UpdatePortGroup only sets values: repeating it is harmless, so converge just retries it
      await converge(
        conn,
        () =>
          methods.UpdatePortGroup(conn.client.soap, ns, { pgName: pg.name, portgrp: spec }).then(
            () => undefined,
            (e: unknown) => {
              if (isVimFault(e, 'MethodNotFound') || (e instanceof UnsupportedError && /UpdatePortGroup/.test(e.message)))
                throw new UnsupportedError(
                  `the server does not implement UpdatePortGroup: port group '${pg.name}' cannot be modified there (delete and add it instead)`,
                  { cause: e },
                );
              throw e;
            },
          ),
        async () => {
          const now = (await readNetworkState(conn)).host.portgroups.find((p) => p.name === pg.name);
          return (
            now !== undefined &&
            now.vlanId === spec.vlanId &&
            JSON.stringify(now.group.spec.policy?.security ?? {}) === JSON.stringify(spec.policy.security ?? {})
          );
        },
        [],
      );
      return;
    }
  }
}

async function updateDistributed(
  conn: Connection,
  state: NetworkState,
  dvs: DistributedSwitchView,
  command: PortgroupCommand,
  pg: PortgroupDef,
): Promise<void> {
  const existing = dvs.portgroups.find((p) => p.name === pg.name);
  switch (command) {
    case 'add':
    case 'add-first':
    case 'add-last': {
      const elsewhere = state.distributed.flatMap((d) => d.portgroups).find((p) => p.name === pg.name);
      if (existing !== undefined || elsewhere !== undefined)
        throw new InvalidStateError(`port group '${pg.name}' already exists: use modify to change it`);
      const setting = distributedSetting(pg);
      await converge(
        conn,
        () => addDistributedPortgroup(conn, dvs.ref, pg.name, setting),
        async () =>
          (await readNetworkState(conn)).distributed.some((d) => d.name === dvs.name && d.portgroups.some((p) => p.name === pg.name)),
        ['DuplicateName'],
      );
      return;
    }
    case 'delete': {
      if (existing === undefined || existing.uplink) throw new NotFoundError(`network '${dvs.name}' has no port group '${pg.name}'`);
      const busy = inUse(pg.name, existing.vms);
      if (busy) throw new InvalidStateError(`cannot delete ${busy}`);
      await converge(
        conn,
        () => destroyDistributedPortgroup(conn, existing.ref),
        async () => !(await readNetworkState(conn)).distributed.some((d) => d.portgroups.some((p) => p.ref.value === existing.ref.value)),
        ['ManagedObjectNotFound'],
      );
      return;
    }
    case 'modify': {
      if (existing === undefined || existing.uplink) throw new NotFoundError(`network '${dvs.name}' has no port group '${pg.name}'`);
      const setting = distributedSetting(pg);
      await converge(
        conn,
        () => reconfigureDistributedPortgroup(conn, existing, setting),
        async () => {
          const now = (await readNetworkState(conn)).distributed
            .flatMap((d) => d.portgroups)
            .find((p) => p.ref.value === existing.ref.value);
          return now !== undefined && JSON.stringify(vlanOfPortgroup(now.config) ?? null) === JSON.stringify(setting.vlan ?? null);
        },
        [],
      );
      return;
    }
  }
}

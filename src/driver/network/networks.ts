/**
 * Networks as libvirt's ESX driver shows them (libvirt's esx_network_driver): every standard vSwitch of the
 * connection's host is a network whose UUID is the MD5 sum of the switch's key, always active, persistent and
 * autostarted; its uplinks are `<forward mode='bridge'>` interfaces and its VM port groups `<portgroup>` elements.
 * On vCenter the distributed switches the host belongs to are networks too, so every network a VM can join shows.
 */
import { NotFoundError } from '../../errors.js';
import type { BandwidthDef, NetworkDef, PortgroupDef, SecurityDef, VlanDef } from '../../conf/index.js';
import type { HostNetworkPolicy, HostNetworkTrafficShapingPolicy } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { readDistributedSwitches, securityOfPortgroup, vlanOfPortgroup, type DistributedSwitchView } from './distributed.js';
import { readHostNetwork, type HostNetworkView, type HostSwitchView } from './host-view.js';

/** A network: a standard switch of the host or a distributed switch it belongs to. */
export interface NetworkSummary {
  name: string;
  uuid: string;
  kind: 'standard' | 'distributed';
  /** ESX networks are always active, persistent and autostarted (libvirt's ESX driver). */
  active: true;
  persistent: true;
  autostart: true;
  /** Port group names (uplink port groups of a distributed switch left out). */
  portgroups: string[];
  /** Uplink devices of a standard switch. */
  uplinks: string[];
}

/** Everything a network operation reads first: the host's networking and the distributed switches. */
export interface NetworkState {
  host: HostNetworkView;
  distributed: DistributedSwitchView[];
}

/** Reads the host's switches and the distributed switches it belongs to. */
export async function readNetworkState(conn: Connection): Promise<NetworkState> {
  const host = await readHostNetwork(conn);
  const distributed = await readDistributedSwitches(conn, host.hostVms);
  return { host, distributed };
}

function infoOfSwitch(s: HostSwitchView): NetworkSummary {
  return {
    name: s.name,
    uuid: s.uuid,
    kind: 'standard',
    active: true,
    persistent: true,
    autostart: true,
    portgroups: s.portgroups.filter((p) => p.network !== undefined).map((p) => p.name),
    uplinks: s.uplinks,
  };
}

function infoOfDistributed(d: DistributedSwitchView): NetworkSummary {
  return {
    name: d.name,
    uuid: d.uuid,
    kind: 'distributed',
    active: true,
    persistent: true,
    autostart: true,
    portgroups: d.portgroups.filter((p) => !p.uplink).map((p) => p.name),
    uplinks: [],
  };
}

/** The networks of a state (pure): standard switches first, in the host's order, then distributed ones. */
export function networksOf(state: NetworkState): NetworkSummary[] {
  return [...state.host.switches.map(infoOfSwitch), ...state.distributed.map(infoOfDistributed)];
}

/** Every network (virsh net-list; ESX networks are all active). */
export async function listNetworks(conn: Connection): Promise<NetworkSummary[]> {
  return networksOf(await readNetworkState(conn));
}

/** A network found by name or UUID: the standard switch or the distributed switch behind it. */
export type FoundNetwork =
  | { kind: 'standard'; sw: HostSwitchView; info: NetworkSummary }
  | { kind: 'distributed'; dvs: DistributedSwitchView; info: NetworkSummary };

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Finds a network of `state` by name, or by UUID as virsh tries a UUID-shaped argument (pure). */
export function findNetwork(state: NetworkState, nameOrUuid: string): FoundNetwork {
  const byName = (n: string): FoundNetwork | undefined => {
    const sw = state.host.switches.find((s) => s.name === n);
    if (sw) return { kind: 'standard', sw, info: infoOfSwitch(sw) };
    const dvs = state.distributed.find((d) => d.name === n);
    return dvs ? { kind: 'distributed', dvs, info: infoOfDistributed(dvs) } : undefined;
  };
  if (UUID_RE.test(nameOrUuid)) {
    const u = nameOrUuid.replace(/-/g, '').toLowerCase();
    const sw = state.host.switches.find((s) => s.uuid.replace(/-/g, '') === u);
    if (sw) return { kind: 'standard', sw, info: infoOfSwitch(sw) };
    const dvs = state.distributed.find((d) => d.uuid.replace(/-/g, '') === u);
    if (dvs) return { kind: 'distributed', dvs, info: infoOfDistributed(dvs) };
  }
  const found = byName(nameOrUuid);
  if (found) return found;
  const names = networksOf(state).map((n) => `'${n.name}'`);
  throw new NotFoundError(`no network with name or UUID '${nameOrUuid}'${names.length ? ` (networks: ${names.join(', ')})` : ''}`);
}

/** Looks a network up by name or UUID (virsh's lookup order for a network argument). */
export async function lookupNetwork(conn: Connection, nameOrUuid: string): Promise<NetworkSummary> {
  return findNetwork(await readNetworkState(conn), nameOrUuid).info;
}

/** ESX shapes in bits per second and bytes; libvirt in KiB/s and KiB (libvirt's ESX driver scales so). */
export function bandwidthOfShaping(s: HostNetworkTrafficShapingPolicy | undefined): BandwidthDef | undefined {
  if (s?.enabled !== true) return undefined;
  const rate = {
    ...(s.averageBandwidth !== undefined ? { average: Math.floor(s.averageBandwidth / 8 / 1000) } : {}),
    ...(s.peakBandwidth !== undefined ? { peak: Math.floor(s.peakBandwidth / 8 / 1000) } : {}),
    ...(s.burstSize !== undefined ? { burst: Math.floor(s.burstSize / 1024) } : {}),
  };
  return { inbound: { ...rate }, outbound: { ...rate } };
}

function securityOfPolicy(p: HostNetworkPolicy | undefined): SecurityDef | undefined {
  const s = p?.security;
  if (s === undefined) return undefined;
  const out: SecurityDef = {};
  if (s.allowPromiscuous !== undefined) out.allowPromiscuous = s.allowPromiscuous;
  if (s.macChanges !== undefined) out.macChanges = s.macChanges;
  if (s.forgedTransmits !== undefined) out.forgedTransmits = s.forgedTransmits;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A standard port group's VLAN id as `<vlan>` (0: none; 4095: VMware's "all VLANs", kept as that tag). */
export function vlanOfId(id: number): VlanDef | undefined {
  return id > 0 ? { tags: [{ id }] } : undefined;
}

/** The `<network>` of a standard switch (pure): libvirt's ESX layout, plus VLANs, MTU and security when set. */
export function networkDefOfSwitch(sw: HostSwitchView): NetworkDef {
  const def: NetworkDef = { name: sw.name, uuid: sw.uuid, portgroups: [] };
  if (sw.uplinks.length > 0) def.forward = { mode: 'bridge', interfaces: [...sw.uplinks] };
  // the MTU the switch was given (spec.mtu), not the one it runs with by default
  if (sw.sw.spec?.mtu) def.mtu = sw.sw.spec.mtu;
  const bw = bandwidthOfShaping(sw.sw.spec?.policy?.shapingPolicy);
  if (bw) def.bandwidth = bw;
  for (const p of sw.portgroups) {
    // libvirt lists the port groups VMs can use: those with a Network entity (VMkernel ones have none)
    if (p.network === undefined) continue;
    const pg: PortgroupDef = { name: p.name };
    const vlan = vlanOfId(p.vlanId);
    if (vlan) pg.vlan = vlan;
    const pbw = bandwidthOfShaping(p.group.spec.policy?.shapingPolicy);
    if (pbw) pg.bandwidth = pbw;
    const sec = securityOfPolicy(p.group.spec.policy);
    if (sec) pg.security = sec;
    def.portgroups.push(pg);
  }
  return def;
}

/** The `<network>` of a distributed switch (pure): bridge forwarding, one `<portgroup>` per non-uplink port group. */
export function networkDefOfDistributed(dvs: DistributedSwitchView): NetworkDef {
  const def: NetworkDef = { name: dvs.name, uuid: dvs.uuid, forward: { mode: 'bridge', interfaces: [] }, portgroups: [] };
  for (const p of dvs.portgroups) {
    if (p.uplink) continue;
    const pg: PortgroupDef = { name: p.name };
    const v = vlanOfPortgroup(p.config);
    if (v?._type === 'VmwareDistributedVirtualSwitchVlanIdSpec' && 'vlanId' in v && typeof v.vlanId === 'number' && v.vlanId > 0) {
      pg.vlan = { tags: [{ id: v.vlanId }] };
    } else if (v?._type === 'VmwareDistributedVirtualSwitchTrunkVlanSpec' && 'vlanId' in v && Array.isArray(v.vlanId)) {
      // every VLAN (0-4094) is written as the one tag 4095, VMware's "all VLANs" id; other ranges tag by tag
      const all = v.vlanId.some((r) => r.start <= 0 && r.end >= 4094);
      const tags: { id: number }[] = [];
      if (all) tags.push({ id: 4095 });
      else for (const r of v.vlanId) for (let id = r.start; id <= r.end; id++) tags.push({ id });
      if (tags.length > 0) pg.vlan = { trunk: true, tags };
    }
    const s = securityOfPortgroup(p.config);
    if (s) {
      const sec: SecurityDef = {};
      if (s.allowPromiscuous?.value !== undefined) sec.allowPromiscuous = s.allowPromiscuous.value;
      if (s.macChanges?.value !== undefined) sec.macChanges = s.macChanges.value;
      if (s.forgedTransmits?.value !== undefined) sec.forgedTransmits = s.forgedTransmits.value;
      if (Object.keys(sec).length > 0) pg.security = sec;
    }
    def.portgroups.push(pg);
  }
  return def;
}

/** The network's definition (virsh net-dumpxml). */
export async function getNetworkDef(conn: Connection, nameOrUuid: string): Promise<NetworkDef> {
  const f = findNetwork(await readNetworkState(conn), nameOrUuid);
  return f.kind === 'standard' ? networkDefOfSwitch(f.sw) : networkDefOfDistributed(f.dvs);
}

/**
 * The host's networking as one consistent view. vSphere reports it twice: the host's `config.network` and its
 * network system's `networkInfo`; a real ESX keeps both the same, but servers lag (govmomi's simulator changes only
 * `networkInfo`, gives a new switch no key or spec, lists port groups of a switch by name, and reports the
 * physical NICs only in `config.network`). The network system is the one changes go to, so its switches and port
 * groups win; what it lacks (a switch's key, uplinks and spec, the NICs) comes from `config.network`.
 */
import { createHash } from 'node:crypto';
import {
  HostNetworkSystemProps,
  HostSystemProps,
  NetworkProps,
  isVimFault,
  prop,
  DatacenterProps,
  retrieveMany,
  VirtualMachineProps,
  retrieveOne,
  type AnyPropPath,
  type HostNetworkInfo,
  type ObjectRecord,
  type HostPortGroup,
  type HostVirtualSwitch,
  type MoRef,
  type PhysicalNic,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';

/** A standard port group with what the driver needs of it. */
export interface HostPortgroupView {
  name: string;
  key: string | undefined;
  vswitchName: string;
  vlanId: number;
  group: HostPortGroup;
  /** The Network entity of this name, when there is one (VM port groups have one; VMkernel ones do not). */
  network?: MoRef<'Network'>;
  /** VMs on this host using the port group (by the Network entity's `vm`). */
  vms: MoRef<'VirtualMachine'>[];
}

/** A standard switch with its port groups and uplinks resolved. */
export interface HostSwitchView {
  name: string;
  key: string;
  /** libvirt's network UUID: the MD5 sum of the switch's key. */
  uuid: string;
  sw: HostVirtualSwitch;
  /** Uplink device names (vmnic0 …). */
  uplinks: string[];
  portgroups: HostPortgroupView[];
}

/** The host's networking: switches, all port groups, physical NICs, and the network system to change them. */
export interface HostNetworkView {
  networkSystem: MoRef<'HostNetworkSystem'> | undefined;
  switches: HostSwitchView[];
  portgroups: HostPortgroupView[];
  pnics: PhysicalNic[];
  /** Moids of the VMs on the host. */
  hostVms: Set<string>;
  /** Where each part came from, for --debug: 'networkInfo', 'config.network' or 'both'. */
  source: string;
}

/** libvirt's network UUID for a switch key: its MD5 sum, formatted as a UUID. */
export function uuidOfKey(key: string): string {
  const h = createHash('md5').update(key, 'utf8').digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The key ESX gives a switch named `name` (its UUID is derived from it). */
export function switchKeyOf(name: string): string {
  return `key-vim.host.VirtualSwitch-${name}`;
}

const hasSpec = (s: HostVirtualSwitch | undefined): boolean => s?.spec !== undefined && typeof s.spec.numPorts === 'number';

/**
 * Merges the two reports (pure): the network system's switches and port groups, completed from config.network
 * where it lacks a key, uplinks, a spec or port groups a switch refers to; NICs from whichever lists them.
 */
export function mergeNetworkInfo(
  config: HostNetworkInfo | undefined,
  live: HostNetworkInfo | undefined,
): { vswitch: HostVirtualSwitch[]; portgroup: HostPortGroup[]; pnic: PhysicalNic[]; source: string } {
  if (live === undefined) {
    return { vswitch: config?.vswitch ?? [], portgroup: config?.portgroup ?? [], pnic: config?.pnic ?? [], source: 'config.network' };
  }
  const cfgSwitch = new Map((config?.vswitch ?? []).map((s) => [s.name, s]));
  let borrowed = false;
  const vswitch = (live.vswitch ?? []).map((s): HostVirtualSwitch => {
    const c = cfgSwitch.get(s.name);
    const out: HostVirtualSwitch = { ...s };
    if (!s.key) {
      out.key = c?.key ?? switchKeyOf(s.name);
      borrowed = true;
    }
    if ((s.pnic ?? []).length === 0 && (c?.pnic ?? []).length > 0) {
      out.pnic = c?.pnic ?? [];
      borrowed = true;
    }
    if (!hasSpec(s) && c !== undefined && hasSpec(c)) {
      out.spec = c.spec;
      borrowed = true;
    }
    if (!s.mtu && c?.mtu) out.mtu = c.mtu;
    return out;
  });
  const portgroup = [...(live.portgroup ?? [])];
  const known = (ref: string): boolean => portgroup.some((p) => p.key === ref || p.spec?.name === ref);
  for (const s of vswitch) {
    for (const ref of s.portgroup ?? []) {
      if (known(ref)) continue;
      const c = (config?.portgroup ?? []).find((p) => p.key === ref || p.spec?.name === ref);
      if (c !== undefined) {
        portgroup.push(c);
        borrowed = true;
      }
    }
  }
  let pnic = live.pnic ?? [];
  if (pnic.length === 0 && (config?.pnic ?? []).length > 0) {
    pnic = config?.pnic ?? [];
    borrowed = true;
  }
  return { vswitch, portgroup, pnic, source: borrowed ? 'both' : 'networkInfo' };
}

/** The port groups of switch `s`, in the switch's order (its list holds keys, or names on some servers). */
function portgroupsOf(s: HostVirtualSwitch, all: HostPortgroupView[]): HostPortgroupView[] {
  const out: HostPortgroupView[] = [];
  for (const ref of s.portgroup ?? []) {
    const p = all.find((g) => g.key === ref || g.name === ref);
    if (p !== undefined && !out.includes(p)) out.push(p);
  }
  for (const p of all) if (p.vswitchName === s.name && !out.includes(p)) out.push(p);
  return out;
}

/** Builds the view from the merged report and the host's Network entities (pure). */
export function buildView(
  merged: ReturnType<typeof mergeNetworkInfo>,
  networkSystem: MoRef<'HostNetworkSystem'> | undefined,
  networks: { ref: MoRef<'Network'>; name: string; vms: MoRef<'VirtualMachine'>[] }[],
  hostVms: Set<string> = new Set(),
): HostNetworkView {
  const portgroups: HostPortgroupView[] = merged.portgroup
    .filter((g) => g.spec !== undefined)
    .map((g) => {
      const net = networks.find((n) => n.name === g.spec.name && n.ref.type === 'Network');
      const view: HostPortgroupView = {
        name: g.spec.name,
        key: g.key,
        vswitchName: g.spec.vswitchName,
        vlanId: g.spec.vlanId ?? 0,
        group: g,
        vms: net?.vms ?? [],
      };
      if (net) view.network = net.ref;
      return view;
    });
  const byKey = new Map(merged.pnic.map((p) => [p.key ?? '', p.device]));
  const switches = merged.vswitch.map((s): HostSwitchView => {
    const key = s.key || switchKeyOf(s.name);
    const uplinks = (s.pnic ?? []).map((k) => byKey.get(k) ?? k.replace(/^key-vim\.host\.PhysicalNic-/, ''));
    return { name: s.name, key, uuid: uuidOfKey(key), sw: s, uplinks, portgroups: portgroupsOf(s, portgroups) };
  });
  return { networkSystem, switches, portgroups, pnics: merged.pnic, hostVms, source: merged.source };
}

/** Reads the host's networking (three property calls: host, network system, the datacenter's networks). */
export async function readHostNetwork(conn: Connection): Promise<HostNetworkView> {
  const ctx = await conn.ready();
  const host = await retrieveOne(conn.client, ctx.hostSystem, [
    HostSystemProps.configNetwork,
    HostSystemProps.networkSystem,
    HostSystemProps.vm,
  ]);
  const ns = prop(host, HostSystemProps.networkSystem);
  let live: HostNetworkInfo | undefined;
  if (ns !== undefined) {
    try {
      live = prop(await retrieveOne(conn.client, ns, [HostNetworkSystemProps.networkInfo]), HostNetworkSystemProps.networkInfo);
    } catch (e) {
      // optional: a server (or a user without Host.Config rights) may not let us read it; config.network remains
      if (!isVimFault(e, 'ManagedObjectNotFound', 'NoPermission', 'NotFound')) throw e;
    }
  }
  const hostVms = new Set((prop(host, HostSystemProps.vm) ?? []).map((v) => v.value));
  // libvirt's rule: a port group VMs can use is one with a Network entity of its name. The datacenter's networks,
  // not only the host's list: servers may not add a new port group's network to it (govmomi's simulator does not).
  const recs = await datacenterNetworks(conn, [NetworkProps.name, NetworkProps.vm]);
  const users = await networkUsers(conn, [...hostVms]);
  const networks = recs
    .filter((r) => r.ref.type === 'Network')
    .map((r) => ({
      ref: r.ref as MoRef<'Network'>,
      name: prop(r, NetworkProps.name) ?? '',
      // a datacenter-wide network lists every host's VMs: keep this host's
      vms: unionRefs(
        (prop(r, NetworkProps.vm) ?? []).filter((v) => hostVms.has(v.value)),
        users.get(r.ref.value) ?? [],
      ),
    }));
  return buildView(mergeNetworkInfo(prop(host, HostSystemProps.configNetwork), live), ns, networks, hostVms);
}

/**
 * The datacenter's networks (standard and distributed port groups) with `paths`: two property reads and no
 * session-scoped view, so a session renewed between the calls cannot lose anything.
 */
export async function datacenterNetworks(conn: Connection, paths: readonly AnyPropPath[]): Promise<ObjectRecord[]> {
  const ctx = await conn.ready();
  const dc = await retrieveOne(conn.client, ctx.datacenter.ref, [DatacenterProps.network]);
  return retrieveMany(conn.client, prop(dc, DatacenterProps.network) ?? [], paths);
}

function unionRefs(a: MoRef<'VirtualMachine'>[], b: MoRef<'VirtualMachine'>[]): MoRef<'VirtualMachine'>[] {
  const out = [...a];
  for (const r of b) if (!out.some((x) => x.value === r.value)) out.push(r);
  return out;
}

/**
 * Which of the host's VMs use which network, by each VM's `network` (a network's own `vm` list is the other side
 * of the same fact, but some servers — govmomi's simulator — keep only the VM's).
 */
export async function networkUsers(conn: Connection, vms: string[]): Promise<Map<string, MoRef<'VirtualMachine'>[]>> {
  const recs = await retrieveMany(
    conn.client,
    vms.map((value) => ({ type: 'VirtualMachine', value })),
    [VirtualMachineProps.network],
  );
  const out = new Map<string, MoRef<'VirtualMachine'>[]>();
  for (const r of recs) {
    for (const n of prop(r, VirtualMachineProps.network) ?? []) {
      const list = out.get(n.value) ?? [];
      list.push(r.ref as MoRef<'VirtualMachine'>);
      out.set(n.value, list);
    }
  }
  return out;
}

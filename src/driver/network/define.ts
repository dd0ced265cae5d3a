/**
 * Defining and undefining networks as libvirt's ESX driver does (esxNetworkDefineXML, esxNetworkUndefine): a
 * network becomes a standard vSwitch of the connection's host (128 ports, its `<forward>` interfaces as a bond
 * bridge, shaping from `<bandwidth>`), then one port group per `<portgroup>`. esxvirt adds the MTU, VLAN ids and
 * security policies, and makes it converge: a definition repeated after a dropped connection completes the network
 * it finds half-made (a switch holding only port groups of the definition), while a failure it cannot get past
 * removes what this call created. Undefining refuses while VMs use a port group, naming them.
 */
import { ConfigError, InvalidStateError, UnsupportedError } from '../../errors.js';
import { parseNetworkXml, type NetworkDef } from '../../conf/index.js';
import { methods, type HostVirtualSwitchSpec, type MoRef } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { converge } from './converge.js';
import { switchKeyOf, uuidOfKey, type HostSwitchView } from './host-view.js';
import { findNetwork, networksOf, readNetworkState, type NetworkSummary, type NetworkState } from './networks.js';
import { addStandardPortgroup, removeStandardPortgroup, shapingOfBandwidth, standardSpec } from './portgroups.js';

/** libvirt's ESX driver gives every new switch 128 ports. */
const NUM_PORTS = 128;

/** The AddVirtualSwitch spec of a definition (pure; uplinks are physical NIC device names). */
export function switchSpecOf(def: NetworkDef): HostVirtualSwitchSpec {
  const spec: HostVirtualSwitchSpec = { numPorts: NUM_PORTS };
  const uplinks = def.forward?.interfaces ?? [];
  if (uplinks.length > 0) spec.bridge = { _type: 'HostVirtualSwitchBondBridge', nicDevice: [...uplinks] };
  if (def.bandwidth) spec.policy = { shapingPolicy: shapingOfBandwidth(def.bandwidth) };
  if (def.mtu !== undefined) spec.mtu = def.mtu;
  return spec;
}

/** Refuses what a vSwitch cannot be (libvirt's rules and messages where it has them). */
export function checkDefinable(def: NetworkDef): void {
  if (def.unsupported?.length)
    throw new UnsupportedError(
      `network '${def.name}': ${def.unsupported.map((n) => `<${n}>`).join(', ')} cannot be mapped to an ESX virtual switch`,
    );
  if (def.forward !== undefined && def.forward.mode !== 'bridge')
    throw new UnsupportedError(
      `Unsupported forward mode '${def.forward.mode}': an ESX virtual switch bridges to its uplinks (mode='bridge')`,
    );
  // the UUID is derived from the switch's key; one that matches it (net-dumpxml output fed back) is fine
  if (def.uuid !== undefined && def.uuid !== uuidOfKey(switchKeyOf(def.name)))
    throw new ConfigError(
      `Cannot use predefined UUID ${def.uuid}: a network's UUID is derived from its switch's key (${uuidOfKey(switchKeyOf(def.name))})`,
    );
}

/** Why an existing switch is not (a part of) the definition, or undefined when defining can complete it. */
function differs(sw: HostSwitchView, def: NetworkDef, state: NetworkState): string | undefined {
  const wanted = new Map(def.portgroups.map((p) => [p.name, p]));
  for (const p of sw.portgroups.filter((g) => g.network !== undefined)) {
    const w = wanted.get(p.name);
    if (w === undefined) return `it has port group '${p.name}'`;
    if (p.vlanId !== standardSpec(w, def.name).vlanId) return `its port group '${p.name}' has VLAN ${p.vlanId}`;
  }
  const up = def.forward?.interfaces ?? [];
  // servers that keep no spec for a new switch report no uplinks: only a reported, different list differs
  if (sw.uplinks.length > 0 && sw.uplinks.join(',') !== up.join(',')) return `its uplinks are ${sw.uplinks.join(', ')}`;
  for (const p of def.portgroups) {
    const other = state.host.portgroups.find((g) => g.name === p.name && g.vswitchName !== def.name);
    if (other) return `port group '${p.name}' exists on ${other.vswitchName}`;
  }
  return undefined;
}

/** A defined network and whether this call created the switch (false: it completed one a failed call left). */
export interface DefineNetworkResult {
  network: NetworkSummary;
  created: boolean;
}

/**
 * Defines a network from its XML (virsh net-define): creates the vSwitch and its port groups on the connection's
 * host. An existing switch of that name is completed when it holds only port groups of this definition (what an
 * interrupted definition leaves), else refused.
 */
export async function defineNetwork(conn: Connection, xml: string): Promise<DefineNetworkResult> {
  const def = parseNetworkXml(xml);
  checkDefinable(def);
  const state = await readNetworkState(conn);
  if (state.distributed.some((d) => d.name === def.name))
    throw new InvalidStateError(`network '${def.name}' already exists as a distributed switch`);
  const ns = state.host.networkSystem;
  if (ns === undefined)
    throw new UnsupportedError('the host has no network system (configManager.networkSystem): networks cannot be defined');
  const existing = state.host.switches.find((s) => s.name === def.name);
  if (existing !== undefined) {
    const why = differs(existing, def, state);
    if (why !== undefined)
      throw new InvalidStateError(
        `network '${def.name}' already exists and ${why}: editing existing networks is not supported; use net-update for port groups`,
      );
  } else {
    for (const p of def.portgroups) {
      const other = state.host.portgroups.find((g) => g.name === p.name);
      if (other) throw new InvalidStateError(`HostPortGroup with name '${p.name}' exists already (on ${other.vswitchName})`);
    }
    const nics = new Set(state.host.pnics.map((n) => n.device));
    for (const dev of def.forward?.interfaces ?? []) {
      if (nics.size > 0 && !nics.has(dev))
        throw new ConfigError(`Could not find PhysicalNic with name '${dev}' (host NICs: ${[...nics].join(', ')})`);
    }
  }
  const specs = def.portgroups.map((p) => standardSpec(p, def.name));
  const created: string[] = [];
  let madeSwitch = false;
  try {
    if (existing === undefined) {
      await converge(
        conn,
        () => methods.AddVirtualSwitch(conn.client.soap, ns, { vswitchName: def.name, spec: switchSpecOf(def) }).then(() => undefined),
        async () => (await readNetworkState(conn)).host.switches.some((s) => s.name === def.name),
        [],
      );
      madeSwitch = true;
    }
    const have = new Set(existing?.portgroups.map((p) => p.name) ?? []);
    for (const spec of specs) {
      if (have.has(spec.name)) continue;
      await addStandardPortgroup(conn, ns, spec);
      created.push(spec.name);
    }
  } catch (e) {
    await undo(conn, ns, def.name, created, madeSwitch);
    throw e;
  }
  const after = await readNetworkState(conn);
  const info = networksOf(after).find((n) => n.name === def.name && n.kind === 'standard');
  if (info === undefined) throw new InvalidStateError(`network '${def.name}' was defined but the host does not report it`);
  return { network: info, created: existing === undefined };
}

// Best effort: a failure here leaves a switch holding only port groups of the definition, which the next
// definition of the same network completes.
async function undo(
  conn: Connection,
  ns: MoRef<'HostNetworkSystem'>,
  name: string,
  portgroups: string[],
  removeSwitch: boolean,
): Promise<void> {
  try {
    for (const pg of portgroups.reverse()) await removeStandardPortgroup(conn, ns, pg);
    if (removeSwitch) await removeSwitchConverging(conn, ns, name);
  } catch {
    // the original error is the one to report
  }
}

async function removeSwitchConverging(conn: Connection, ns: MoRef<'HostNetworkSystem'>, name: string): Promise<void> {
  await converge(
    conn,
    () => methods.RemoveVirtualSwitch(conn.client.soap, ns, { vswitchName: name }).then(() => undefined),
    async () => !(await readNetworkState(conn)).host.switches.some((s) => s.name === name),
    ['NotFound'],
  );
}

/**
 * Undefines a network (virsh net-undefine): refuses while a VM uses one of its port groups (naming them) or a
 * port group has a host (VMkernel) port, as libvirt does; removes its port groups, then the switch. Distributed
 * switches are not removed (their port groups can be, with net-update).
 */
export async function undefineNetwork(conn: Connection, nameOrUuid: string): Promise<NetworkSummary> {
  const state = await readNetworkState(conn);
  const found = findNetwork(state, nameOrUuid);
  if (found.kind === 'distributed')
    throw new UnsupportedError(
      `network '${found.info.name}' is a distributed switch: esxvirt does not remove those (remove its port groups with net-update … delete portgroup)`,
    );
  const sw = found.sw;
  const busy = sw.portgroups.filter((p) => p.vms.length > 0);
  if (busy.length > 0)
    throw new InvalidStateError(
      `cannot undefine network '${sw.name}': ${busy.map((p) => `port group '${p.name}' is used by ${p.vms.map((v) => v.value).join(', ')}`).join('; ')}`,
    );
  for (const p of sw.portgroups) {
    const port = (p.group.port ?? []).find((x) => x.type !== 'virtualMachine');
    if (port) throw new InvalidStateError(`Cannot undefine HostVirtualSwitch that has a '${port.type}' port (port group '${p.name}')`);
  }
  const ns = state.host.networkSystem;
  if (ns === undefined)
    throw new UnsupportedError('the host has no network system (configManager.networkSystem): networks cannot be undefined');
  for (const p of sw.portgroups) await removeStandardPortgroup(conn, ns, p.name);
  await removeSwitchConverging(conn, ns, sw.name);
  return found.info;
}

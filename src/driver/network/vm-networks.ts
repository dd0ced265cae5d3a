/**
 * The networks a VM of the connection's host can join, for a domain's `<source bridge='NAME'/>`: the host's
 * standard VM port groups and the distributed port groups of the switches it belongs to. A name must denote exactly
 * one of them; the server itself accepts an unknown name silently, leaving the VM's NIC on no network.
 */
import type { DomainDef } from '../../conf/index.js';
import { resolveNetwork, type NetworkInfo } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { readNetworkState, type NetworkState } from './networks.js';

/** The networks of a state as the VM converter takes them (pure). */
export function vmNetworksOf(state: NetworkState): NetworkInfo[] {
  const out: NetworkInfo[] = [];
  for (const p of state.host.portgroups) if (p.network) out.push({ kind: 'standard', name: p.name, ref: p.network });
  for (const d of state.distributed)
    for (const p of d.portgroups)
      if (!p.uplink) out.push({ kind: 'distributed', name: p.name, ref: p.ref, switchUuid: d.switchUuid, portgroupKey: p.key });
  return out;
}

/** The networks a VM on the connection's host can join. */
export async function listVmNetworks(conn: Connection): Promise<NetworkInfo[]> {
  return vmNetworksOf(await readNetworkState(conn));
}

/** Checks every `<interface type='bridge'>` of `def` names exactly one network (one read, only when there are any). */
export async function checkBridgeNames(conn: Connection, def: DomainDef): Promise<void> {
  const names = def.interfaces.filter((i) => i.type === 'bridge' && i.bridge !== undefined).map((i) => i.bridge as string);
  if (names.length === 0) return;
  const networks = await listVmNetworks(conn);
  for (const n of names) resolveNetwork(networks, n);
}

/** Listing domains as `virsh list` does: active ones by id, then inactive ones by name, with virsh's filters. */
import { prop, VirtualMachineProps, type AnyPropPath } from '../../vim25/index.js';
import { listDomainRefs, type DomainRef, type DomainState } from './ref.js';
import type { Connection } from '../connect/connection.js';
import { readAutostart } from './autostart.js';

/** Which domains to list. */
export interface ListFilter {
  /** Active and inactive (virsh --all). */
  all?: boolean;
  /** Inactive only (virsh --inactive). */
  inactive?: boolean;
  /** Read UUIDs too (default true). */
  uuid?: boolean;
  /** Only domains in these states (virsh --state-running, --state-paused, --state-shutoff, --state-other). */
  states?: readonly DomainState[];
  /** Persistent (true) or transient (false) domains only: every ESX domain is persistent. */
  persistent?: boolean;
  /** Domains that start with the host (true) or do not (false); reads the host's autostart configuration. */
  autostart?: boolean;
  /** Domains with (true) or without (false) snapshots. */
  snapshot?: boolean;
}

/** True while a domain has an id (running or paused). */
export function isActive(d: DomainRef): boolean {
  return d.state === 'running' || d.state === 'paused';
}

/** virsh's order: active by id, then inactive by name (case-insensitive). */
export function compareDomains(a: DomainRef, b: DomainRef): number {
  const aa = isActive(a);
  const ba = isActive(b);
  if (aa && ba && a.id !== b.id) return a.id - b.id;
  if (aa !== ba) return aa ? -1 : 1;
  return a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/**
 * The domains matching `filter`, in virsh's order, in a constant number of calls (one traversal, plus the host's
 * autostart configuration when filtering on it). As virsh, a state, persistence, autostart or snapshot filter lists
 * inactive domains too.
 */
export async function listDomains(conn: Connection, filter: ListFilter = {}): Promise<DomainRef[]> {
  // `snapshot` rather than `rootSnapshot`: vcsim 0.24.2 never fills the latter
  const extra: AnyPropPath[] = filter.snapshot !== undefined ? [VirtualMachineProps.snapshot] : [];
  const found = await listDomainRefs(conn, extra, { uuid: filter.uuid !== false });
  const autostart = filter.autostart !== undefined ? await readAutostart(conn) : undefined;
  const any =
    filter.states !== undefined || filter.persistent !== undefined || filter.autostart !== undefined || filter.snapshot !== undefined;
  const all = filter.all === true || (any && filter.inactive !== true);
  const wanted = found
    .filter(({ dom }) => (filter.inactive ? !isActive(dom) : all ? true : isActive(dom)))
    .filter(({ dom }) => filter.states === undefined || filter.states.includes(dom.state))
    .filter(() => filter.persistent !== false)
    .filter(({ dom }) => autostart === undefined || autostart.isAutostarted(dom.ref) === filter.autostart)
    .filter(
      ({ rec }) =>
        filter.snapshot === undefined || (prop(rec, VirtualMachineProps.snapshot)?.rootSnapshotList ?? []).length > 0 === filter.snapshot,
    );
  return wanted.map((x) => x.dom).sort(compareDomains);
}

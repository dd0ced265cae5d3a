/** Listing domains as `virsh list` does: active ones by id, then inactive ones by name. */
import { listDomainRefs, type DomainRef } from './ref.js';
import type { Connection } from '../connect/connection.js';

/** Which domains to list. */
export interface ListFilter {
  /** Active and inactive (virsh --all). */
  all?: boolean;
  /** Inactive only (virsh --inactive). */
  inactive?: boolean;
  /** Read UUIDs too (default true). */
  uuid?: boolean;
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

/** The domains matching `filter`, in virsh's order (one container view, a constant number of calls). */
export async function listDomains(conn: Connection, filter: ListFilter = {}): Promise<DomainRef[]> {
  const doms = (await listDomainRefs(conn, [], { uuid: filter.uuid !== false })).map((x) => x.dom);
  const wanted = doms.filter((d) => (filter.inactive ? !isActive(d) : filter.all ? true : isActive(d)));
  return wanted.sort(compareDomains);
}

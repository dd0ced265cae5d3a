/** Listing domains as `virsh list` does: active ones by id, then inactive ones by name. */
import { VirtualMachineProps } from '../../vim25/index.js';
import { domainRefOfContent, type DomainRef } from './ref.js';
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

/**
 * virsh's order (virshDomainSorter): active by id, then inactive by name compared as strcasecmp does (ASCII letters
 * folded, everything else by code point).
 */
export function compareDomains(a: DomainRef, b: DomainRef): number {
  const aa = isActive(a);
  const ba = isActive(b);
  if (aa && ba && a.id !== b.id) return a.id - b.id;
  if (aa !== ba) return aa ? -1 : 1;
  return strcasecmp(a.name, b.name);
}

/** C's strcasecmp on the UTF-8 bytes: ASCII case folded; other characters in code point (= UTF-8 byte) order. */
export function strcasecmp(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x === y) continue;
    // UTF-16 puts U+E000–U+FFFF after the surrogates (U+10000 and up); code point order puts them before.
    if (x >= 0xd800 && y >= 0xd800) return (a.codePointAt(i) ?? x) - (b.codePointAt(i) ?? y);
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The domains matching `filter`, in virsh's order: one streamed listing (a constant number of calls) that keeps
 * only the domains asked for, as each VM is decoded.
 */
export async function listDomains(conn: Connection, filter: ListFilter = {}): Promise<DomainRef[]> {
  const withUuid = filter.uuid !== false;
  const paths = withUuid
    ? [VirtualMachineProps.name, VirtualMachineProps.uuid, VirtualMachineProps.powerState]
    : [VirtualMachineProps.name, VirtualMachineProps.powerState];
  const scope = conn.isVCenter ? { container: conn.host.hostSystem } : {};
  const wanted = (d: DomainRef): boolean => (filter.inactive ? !isActive(d) : filter.all ? true : isActive(d));
  // Keyed by VM: a page read again after a dropped connection must not list a VM twice.
  const found = new Map<string, DomainRef>();
  await conn.client.inventory.forEachVm(paths, scope, (oc) => {
    const dom = domainRefOfContent(oc, withUuid);
    if (wanted(dom)) found.set(oc.obj.value, dom);
    else found.delete(oc.obj.value);
  });
  return [...found.values()].sort(compareDomains);
}

/** Listing domains as `virsh list` does: active ones by id, then inactive ones by name, with virsh's filters. */
import { VirtualMachineProps, type AnyPropPath, type VirtualMachineSnapshotInfo } from '../../vim25/index.js';
import { domainRefOfContent, type DomainRef, type DomainState } from './ref.js';
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
 * The domains matching `filter`, in virsh's order: one streamed listing (a constant number of calls, plus the host's
 * autostart configuration when filtering on it) that keeps only the domains asked for, as each VM is decoded. As
 * virsh, a state, persistence, autostart or snapshot filter lists inactive domains too.
 */
export async function listDomains(conn: Connection, filter: ListFilter = {}): Promise<DomainRef[]> {
  const withUuid = filter.uuid !== false;
  const paths: AnyPropPath[] = withUuid
    ? [VirtualMachineProps.name, VirtualMachineProps.uuid, VirtualMachineProps.powerState]
    : [VirtualMachineProps.name, VirtualMachineProps.powerState];
  // `snapshot` rather than `rootSnapshot`: vcsim 0.24.2 never fills the latter
  if (filter.snapshot !== undefined) paths.push(VirtualMachineProps.snapshot);
  const autostart = filter.autostart !== undefined ? await readAutostart(conn) : undefined;
  const any =
    filter.states !== undefined || filter.persistent !== undefined || filter.autostart !== undefined || filter.snapshot !== undefined;
  const all = filter.all === true || (any && filter.inactive !== true);
  const scope = conn.isVCenter ? { container: conn.host.hostSystem } : {};
  const wanted = (d: DomainRef, hasSnapshot: boolean): boolean =>
    (filter.inactive ? !isActive(d) : all ? true : isActive(d)) &&
    (filter.states === undefined || filter.states.includes(d.state)) &&
    filter.persistent !== false &&
    (autostart === undefined || autostart.isAutostarted(d.ref) === filter.autostart) &&
    (filter.snapshot === undefined || hasSnapshot === filter.snapshot);
  // Keyed by VM: a page read again after a dropped connection must not list a VM twice.
  const found = new Map<string, DomainRef>();
  await conn.client.inventory.forEachVm(paths, scope, (oc) => {
    const dom = domainRefOfContent(oc, withUuid);
    let hasSnapshot = false;
    if (filter.snapshot !== undefined) {
      const info = oc.propSet?.find((p) => p.name === VirtualMachineProps.snapshot)?.val as VirtualMachineSnapshotInfo | undefined;
      hasSnapshot = (info?.rootSnapshotList ?? []).length > 0;
    }
    if (wanted(dom, hasSnapshot)) found.set(oc.obj.value, dom);
    else found.delete(oc.obj.value);
  });
  return [...found.values()].sort(compareDomains);
}

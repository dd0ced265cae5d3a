/** Finding the domain an operation works on: by name, UUID or id as virsh takes it, or a DomainRef looked up before. */
import { NotFoundError } from '../../errors.js';
import { retrieveOne, type AnyPropPath, type ObjectRecord } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { DOMAIN_REF_PATHS, domainRefOf, lookupDomain, type DomainRef, type DomainState } from './ref.js';

/** A domain as virsh takes it (name, UUID or id), or one already looked up. */
export type DomainArg = string | DomainRef;

/**
 * Finds the domain (or re-reads a given DomainRef, whose state may have changed) with `paths` besides its identity
 * and state, in one retrieve after the lookup.
 */
export async function resolveDomain(
  conn: Connection,
  domain: DomainArg,
  paths: readonly AnyPropPath[] = [],
): Promise<{ dom: DomainRef; rec: ObjectRecord }> {
  if (typeof domain === 'string') return lookupDomain(conn, domain, paths);
  try {
    const rec = await retrieveOne(conn.client, domain.ref, [...DOMAIN_REF_PATHS, ...paths]);
    return { dom: domainRefOf(rec), rec };
  } catch (e) {
    if (e instanceof NotFoundError)
      throw new NotFoundError(`Domain not found: no domain with matching uuid '${domain.uuid}' (${domain.name})`, { cause: e });
    throw e;
  }
}

/** True while the domain has an id (running or paused): libvirt's "active". */
export function isActiveState(state: DomainState): boolean {
  return state === 'running' || state === 'paused';
}

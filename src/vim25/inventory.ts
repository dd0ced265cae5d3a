/**
 * Inventory lookups of one connection: the host context (datacenter, compute resource, resource pool, host;
 * looked up once and cached, as libvirt's drvesx does), datacenters by inventory path, VMs by name, BIOS UUID
 * and numeric id, datastores by name, URL or volume UUID. Names are compared verbatim: escaping of vSphere
 * names (%XX for [%/\]) is the caller's business.
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ManagedObjectReference } from '../soap/codec.js';
import type { VimContext } from './context.js';
import { vmsFromRootSpec, vmsOfHostSpec } from './inventory-traversal.js';
import { isVimFault } from './faults.js';
import { FindByDatastorePath, FindByInventoryPath, FindByUuid } from './generated/methods.js';
import { isMoRef, type MoRef } from './generated/types.js';
import {
  datacenterInfo,
  resolveHostPath,
  resolveStandaloneHost,
  splitInventoryPath,
  walkToDatacenter,
  type DatacenterInfo,
  type HostContext,
} from './inventory-path.js';
import { DatastoreProps, VirtualMachineProps } from './generated/props.js';
import type { AnyPropPath } from './prop-path.js';
import { listObjects, prop, retrieveAll, retrieveOne, type ObjectRecord } from './property.js';

/** A datastore as lookups return it. */
export interface DatastoreEntry {
  ref: MoRef<'Datastore'>;
  name: string;
  /** summary.url, e.g. ds:///vmfs/volumes/4b0beb69-…/ */
  url: string;
}

/** Where to search. */
export interface LookupScope {
  /** Container to search under (default: the whole inventory). */
  container?: MoRef<'ManagedEntity'>;
}

/** The number in a VM's MOR value (vm-42 → 42 on vCenter, 42 on ESX); undefined when there is none. */
export function vmIdOf(ref: ManagedObjectReference): number | undefined {
  const m = /(\d+)$/.exec(ref.value);
  return m === null ? undefined : Number(m[1]);
}

/** The MOR values a VM id may have, the likelier first: vCenter writes vm-N, ESX the number itself. */
export function vmRefCandidates(id: number, isVCenter: boolean): string[] {
  return isVCenter ? [`vm-${id}`, String(id)] : [String(id), `vm-${id}`];
}

/** True when a datastore URL denotes `urlOrUuid`: the same URL (trailing slashes aside) or a path segment equal to a volume UUID. */
export function datastoreUrlMatches(url: string, urlOrUuid: string): boolean {
  const norm = (s: string): string => s.replace(/\/+$/, '');
  if (norm(url) === norm(urlOrUuid)) return true;
  if (urlOrUuid.includes('/')) return false;
  const want = urlOrUuid.toLowerCase();
  return url.split('/').some((seg) => seg.toLowerCase() === want);
}

/** Lookups with a per-connection cache of host contexts and datacenters. */
export class Inventory {
  readonly #ctx: VimContext;
  readonly #hosts = new Map<string, Promise<HostContext>>();
  readonly #datacenters = new Map<string, Promise<DatacenterInfo>>();

  constructor(ctx: VimContext) {
    this.#ctx = ctx;
  }

  /**
   * The host context: for vCenter `path` is `[folder/]dc[/folder]/computeResource[/host]` (required); for ESX/GSX it
   * is ignored and the single host is used. Resolved once per connection and path.
   */
  hostContext(path?: string): Promise<HostContext> {
    const key = this.#ctx.isVCenter ? splitInventoryPath(path ?? '').join('/') : '';
    return this.#cached(this.#hosts, key, () => (this.#ctx.isVCenter ? resolveHostPath(this.#ctx, key) : resolveStandaloneHost(this.#ctx)));
  }

  /** A datacenter by inventory path (folders allowed, e.g. 'folder1/dc1'); cached. */
  datacenter(path: string): Promise<DatacenterInfo> {
    const key = splitInventoryPath(path).join('/');
    if (key === '') return Promise.reject(new InvalidArgumentError('empty datacenter path'));
    return this.#cached(this.#datacenters, key, async () => {
      const si = this.#ctx.serviceContent.searchIndex;
      const ref = si === undefined ? undefined : await FindByInventoryPath(this.#ctx.soap, si, { inventoryPath: key });
      if (ref !== undefined && isMoRef(ref, 'Datacenter')) return datacenterInfo(this.#ctx, ref, key);
      const { datacenter, used } = await walkToDatacenter(this.#ctx, splitInventoryPath(key));
      if (used !== splitInventoryPath(key).length) throw new NotFoundError(`'${key}' is not a datacenter path`);
      return datacenter;
    });
  }

  /** The VM named `name` (exact vSphere name); InvalidArgumentError when several VMs share it. */
  async findVmByName(name: string, scope: LookupScope & { datacenterPath?: string } = {}): Promise<MoRef<'VirtualMachine'> | undefined> {
    const si = this.#ctx.serviceContent.searchIndex;
    if (scope.datacenterPath !== undefined && si !== undefined) {
      // Cheap first try: VMs directly in the datacenter's vm folder have the inventory path dc/vm/name.
      const ref = await FindByInventoryPath(this.#ctx.soap, si, { inventoryPath: `${scope.datacenterPath}/vm/${name}` });
      if (ref !== undefined && isMoRef(ref, 'VirtualMachine')) return ref;
    }
    const matches = (await this.listVms([VirtualMachineProps.name], scope)).filter((r) => prop(r, VirtualMachineProps.name) === name);
    if (matches.length > 1)
      throw new InvalidArgumentError(`${matches.length} VMs are named '${name}': ${matches.map((m) => m.ref.value).join(', ')}`);
    return matches[0]?.ref as MoRef<'VirtualMachine'> | undefined;
  }

  /** The VM with BIOS UUID `uuid` (config.uuid), searched by the server's SearchIndex. */
  async findVmByUuid(uuid: string, opts: { datacenter?: MoRef<'Datacenter'> } = {}): Promise<MoRef<'VirtualMachine'> | undefined> {
    const si = this.#ctx.serviceContent.searchIndex;
    if (si === undefined) throw new NotFoundError('the server offers no SearchIndex');
    const args: { uuid: string; vmSearch: boolean; instanceUuid: boolean; datacenter?: MoRef<'Datacenter'> } = {
      uuid,
      vmSearch: true,
      instanceUuid: false,
    };
    if (opts.datacenter !== undefined) args.datacenter = opts.datacenter;
    const ref = await FindByUuid(this.#ctx.soap, si, args);
    return ref !== undefined && isMoRef(ref, 'VirtualMachine') ? ref : undefined;
  }

  /** The VM registered with the VMX file `dsPath` (`[ds] dir/x.vmx`) in `datacenter`, searched by the SearchIndex. */
  async findVmByDatastorePath(datacenter: MoRef<'Datacenter'>, dsPath: string): Promise<MoRef<'VirtualMachine'> | undefined> {
    const si = this.#ctx.serviceContent.searchIndex;
    if (si === undefined) throw new NotFoundError('the server offers no SearchIndex');
    const ref = await FindByDatastorePath(this.#ctx.soap, si, { datacenter, path: dsPath });
    return ref !== undefined && isMoRef(ref, 'VirtualMachine') ? ref : undefined;
  }

  /** The VM whose MOR value carries number `id` (libvirt's domain id); checks that it exists. */
  async findVmById(id: number): Promise<MoRef<'VirtualMachine'> | undefined> {
    if (!Number.isSafeInteger(id) || id < 0) throw new InvalidArgumentError(`invalid VM id ${id}`);
    for (const value of vmRefCandidates(id, this.#ctx.isVCenter)) {
      const ref: MoRef<'VirtualMachine'> = { type: 'VirtualMachine', value };
      try {
        await retrieveOne(this.#ctx, ref, [VirtualMachineProps.name]);
        return ref;
      } catch (e) {
        if (!(e instanceof NotFoundError) && !isVimFault(e, 'ManagedObjectNotFound')) throw e;
      }
    }
    return undefined;
  }

  /** Every VM under the scope with the given properties (constant number of calls per page). */
  listVms(paths: readonly AnyPropPath[], scope: LookupScope = {}): Promise<ObjectRecord[]> {
    // On a single host a traversal from the root folder is one call instead of a view's three.
    if (scope.container === undefined && !this.#ctx.isVCenter) return retrieveAll(this.#ctx, [vmsFromRootSpec(this.#ctx, paths)]);
    if (scope.container?.type === 'HostSystem') return retrieveAll(this.#ctx, [vmsOfHostSpec(scope.container, paths)]);
    const o: { type: string; paths: readonly AnyPropPath[]; container?: MoRef<'ManagedEntity'> } = { type: 'VirtualMachine', paths };
    if (scope.container !== undefined) o.container = scope.container;
    return listObjects(this.#ctx, o);
  }

  /** Every datastore under the scope with its name and URL. */
  async listDatastores(scope: LookupScope = {}): Promise<DatastoreEntry[]> {
    const o: { type: string; paths: readonly AnyPropPath[]; container?: MoRef<'ManagedEntity'> } = {
      type: 'Datastore',
      paths: [DatastoreProps.name, DatastoreProps.url],
    };
    if (scope.container !== undefined) o.container = scope.container;
    const recs = await listObjects(this.#ctx, o);
    return recs.map((r) => ({
      ref: r.ref as MoRef<'Datastore'>,
      name: prop(r, DatastoreProps.name) ?? '',
      url: prop(r, DatastoreProps.url) ?? '',
    }));
  }

  /** The datastore named `name`. */
  async findDatastoreByName(name: string, scope: LookupScope = {}): Promise<DatastoreEntry | undefined> {
    return (await this.listDatastores(scope)).find((d) => d.name === name);
  }

  /** The datastore with URL `urlOrUuid`, or whose URL contains that volume UUID as a path segment. */
  async findDatastoreByUrl(urlOrUuid: string, scope: LookupScope = {}): Promise<DatastoreEntry | undefined> {
    return (await this.listDatastores(scope)).find((d) => datastoreUrlMatches(d.url, urlOrUuid));
  }

  /** Forgets cached host contexts and datacenters (e.g. after the inventory changed). */
  clear(): void {
    this.#hosts.clear();
    this.#datacenters.clear();
  }

  #cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (p === undefined) {
      p = load();
      map.set(key, p);
      // A failed lookup is not cached: the next call tries again.
      p.catch(() => map.delete(key));
    }
    return p;
  }
}

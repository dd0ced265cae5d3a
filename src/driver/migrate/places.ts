/**
 * Places in a vCenter's inventory that a migration names: hosts with their compute resource, root pool and
 * datacenter, clusters, datastores and resource pools. Lookups are cached per vCenter session (WeakMap on the
 * client), so migrating many VMs on one connection costs the same few calls each time.
 */
import { ConnectionError, InvalidArgumentError, NotFoundError } from '../../errors.js';
import {
  ComputeResourceProps,
  DatacenterProps,
  DatastoreProps,
  HostSystemProps,
  isMoRef,
  isRetryableError,
  ManagedEntityProps,
  methods,
  prop,
  retrieveMany,
  retrieveOne,
  splitInventoryPath,
  type MoRef,
  type VimClient,
} from '../../vim25/index.js';

/** A host as a migration target or source. */
export interface HostPlace {
  host: MoRef<'HostSystem'>;
  hostName: string;
  computeResource: MoRef<'ComputeResource'>;
  computeResourceName: string;
  isCluster: boolean;
  /** The compute resource's root resource pool. */
  pool: MoRef<'ResourcePool'>;
  datacenter: MoRef<'Datacenter'>;
}

/** A cluster as a migration target (DRS picks the host). */
export interface ClusterPlace {
  cluster: MoRef<'ClusterComputeResource'>;
  clusterName: string;
  pool: MoRef<'ResourcePool'>;
  datacenter: MoRef<'Datacenter'>;
  hosts: MoRef<'HostSystem'>[];
}

/** Where a destination URI path leads: a host, or a cluster. */
export type PathPlace = { kind: 'host'; place: HostPlace } | { kind: 'cluster'; place: ClusterPlace };

/** A datastore by reference and name. */
export interface DatastorePlace {
  ref: MoRef<'Datastore'>;
  name: string;
}

interface Cache {
  hosts: Map<string, Promise<HostPlace>>;
  paths: Map<string, Promise<PathPlace>>;
  datastores: Map<string, Promise<DatastorePlace[]>>;
  pools: Map<string, Promise<MoRef<'ResourcePool'>>>;
  /** Methods the server turned out not to offer (MethodNotFound …): not asked again on this session. */
  missing: Set<string>;
}

const caches = new WeakMap<VimClient, Cache>();

/** Transient failures after which a request may or may not have reached the server (or its answer was lost). */
export function connectionLost(e: unknown): boolean {
  return e instanceof ConnectionError || isRetryableError(e);
}

/** The per-session cache of a vCenter client. */
export function cacheOf(client: VimClient): Cache {
  let c = caches.get(client);
  if (c === undefined) {
    c = { hosts: new Map(), paths: new Map(), datastores: new Map(), pools: new Map(), missing: new Set() };
    caches.set(client, c);
  }
  return c;
}

function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (p === undefined) {
    p = load();
    map.set(key, p);
    p.catch(() => map.delete(key));
  }
  return p;
}

function searchIndex(client: VimClient): MoRef<'SearchIndex'> {
  const si = client.serviceContent.searchIndex;
  if (si === undefined) throw new NotFoundError(`${client.target} offers no SearchIndex`);
  return si;
}

/** Walks parents from `ref` up to its datacenter. */
async function datacenterAbove(client: VimClient, ref: MoRef<'ManagedEntity'>): Promise<MoRef<'Datacenter'>> {
  let cur: MoRef<'ManagedEntity'> | undefined = ref;
  for (let i = 0; cur !== undefined && i < 64; i++) {
    if (isMoRef(cur, 'Datacenter')) return cur;
    cur = prop(await retrieveOne(client, cur, [ManagedEntityProps.parent]), ManagedEntityProps.parent);
  }
  throw new NotFoundError(`${ref.type} ${ref.value} is in no datacenter`);
}

/** A host's name, compute resource, root pool and datacenter (cached). */
export function hostPlace(client: VimClient, host: MoRef<'HostSystem'>): Promise<HostPlace> {
  return cached(cacheOf(client).hosts, host.value, async () => {
    const h = await retrieveOne(client, host, [HostSystemProps.name, HostSystemProps.parent]);
    const parent = prop(h, HostSystemProps.parent);
    if (parent === undefined || !isMoRef(parent, 'ComputeResource')) throw new NotFoundError(`host ${host.value} has no compute resource`);
    const cr = await retrieveOne(client, parent, [
      ComputeResourceProps.name,
      ComputeResourceProps.resourcePool,
      ComputeResourceProps.parent,
    ]);
    const pool = prop(cr, ComputeResourceProps.resourcePool);
    if (pool === undefined) throw new NotFoundError(`compute resource ${parent.value} has no resource pool`);
    return {
      host,
      hostName: prop(h, HostSystemProps.name) ?? host.value,
      computeResource: parent,
      computeResourceName: prop(cr, ComputeResourceProps.name) ?? parent.value,
      isCluster: parent.type === 'ClusterComputeResource',
      pool,
      datacenter: await datacenterAbove(client, prop(cr, ComputeResourceProps.parent) ?? parent),
    };
  });
}

/**
 * Resolves a vpx:// path `[folder/]dc[/folder]/computeResource[/host]` in the vCenter: a host (a standalone
 * compute resource stands for its host), or a cluster named without a host (DRS then picks one). Cached.
 */
export function pathPlace(client: VimClient, path: readonly string[]): Promise<PathPlace> {
  const segments = splitInventoryPath(path.join('/'));
  return cached(cacheOf(client).paths, segments.join('/'), async () => {
    const si = searchIndex(client);
    let parent: MoRef<'ManagedEntity'> = client.serviceContent.rootFolder;
    let i = 0;
    let dc: MoRef<'Datacenter'> | undefined;
    for (; i < segments.length && dc === undefined; i++) {
      const child = await methods.FindChild(client.soap, si, { entity: parent, name: segments[i] as string });
      if (child === undefined)
        throw new NotFoundError(`no datacenter or folder '${segments[i]}' in '${segments.slice(0, i).join('/') || '/'}'`);
      if (isMoRef(child, 'Datacenter')) dc = child;
      else if (isMoRef(child, 'Folder')) parent = child;
      else throw new NotFoundError(`'${segments[i]}' is a ${child.type}, not a datacenter or folder`);
    }
    if (dc === undefined) throw new NotFoundError(`path '${segments.join('/')}' leads to no datacenter`);
    let container: MoRef<'ManagedEntity'> | undefined = prop(
      await retrieveOne(client, dc, [DatacenterProps.hostFolder]),
      DatacenterProps.hostFolder,
    );
    if (container === undefined) throw new NotFoundError(`datacenter ${dc.value} has no host folder`);
    let compute: MoRef<'ComputeResource'> | undefined;
    for (; i < segments.length && compute === undefined; i++) {
      const child = await methods.FindChild(client.soap, si, { entity: container, name: segments[i] as string });
      if (child === undefined)
        throw new NotFoundError(`no cluster, host or folder '${segments[i]}' in '${segments.slice(0, i).join('/')}'`);
      if (isMoRef(child, 'ComputeResource')) compute = child;
      else if (isMoRef(child, 'Folder')) container = child;
      else throw new NotFoundError(`'${segments[i]}' is a ${child.type}, not a cluster, host or folder`);
    }
    if (compute === undefined) throw new InvalidArgumentError(`path '${segments.join('/')}' names no cluster or host`);
    const hostName = segments[i];
    if (i + 1 < segments.length) throw new InvalidArgumentError(`path '${segments.join('/')}' continues after host '${hostName}'`);
    const cr = await retrieveOne(client, compute, [
      ComputeResourceProps.name,
      ComputeResourceProps.resourcePool,
      ComputeResourceProps.host,
    ]);
    const crName = prop(cr, ComputeResourceProps.name) ?? compute.value;
    const hosts = prop(cr, ComputeResourceProps.host) ?? [];
    let host: MoRef<'HostSystem'> | undefined;
    if (hostName !== undefined) {
      const child = await methods.FindChild(client.soap, si, { entity: compute, name: hostName });
      if (child === undefined || !isMoRef(child, 'HostSystem')) throw new NotFoundError(`no host '${hostName}' in '${crName}'`);
      host = child;
    } else if (!isMoRef(compute, 'ClusterComputeResource')) {
      host = hosts[0];
      if (host === undefined) throw new NotFoundError(`compute resource '${crName}' has no host`);
    }
    if (host !== undefined) return { kind: 'host', place: await hostPlace(client, host) };
    const pool = prop(cr, ComputeResourceProps.resourcePool);
    if (pool === undefined) throw new NotFoundError(`cluster '${crName}' has no resource pool`);
    return {
      kind: 'cluster',
      place: { cluster: compute as MoRef<'ClusterComputeResource'>, clusterName: crName, pool, datacenter: dc, hosts },
    };
  });
}

/** Every datastore of a datacenter with its name (cached). */
export function datacenterDatastores(client: VimClient, dc: MoRef<'Datacenter'>): Promise<DatastorePlace[]> {
  return cached(cacheOf(client).datastores, dc.value, async () =>
    (await client.inventory.listDatastores({ container: dc })).map((d) => ({ ref: d.ref, name: d.name })),
  );
}

/** The datastore named `name` in a datacenter. */
export async function datastoreByName(client: VimClient, dc: MoRef<'Datacenter'>, name: string): Promise<DatastorePlace> {
  const found = (await datacenterDatastores(client, dc)).find((d) => d.name === name);
  if (found === undefined) throw new NotFoundError(`no datastore '${name}' in the destination's datacenter`);
  return found;
}

/** Names of datastores (from the datacenter's cached list; others read in one call). */
export async function datastoreNames(client: VimClient, dc: MoRef<'Datacenter'>, refs: readonly MoRef<'Datastore'>[]): Promise<string[]> {
  const known = new Map((await datacenterDatastores(client, dc)).map((d) => [d.ref.value, d.name]));
  const unknown = refs.filter((r) => !known.has(r.value));
  for (const r of await retrieveMany(client, unknown, [DatastoreProps.name]))
    known.set(r.ref.value, prop(r, DatastoreProps.name) ?? r.ref.value);
  return refs.map((r) => known.get(r.value) ?? r.value);
}

/** A resource pool by path below a compute resource's root pool ('Pool1/Child'), cached. */
export function poolByPath(client: VimClient, root: MoRef<'ResourcePool'>, path: string): Promise<MoRef<'ResourcePool'>> {
  const segments = splitInventoryPath(path);
  return cached(cacheOf(client).pools, `${root.value}/${segments.join('/')}`, async () => {
    const si = searchIndex(client);
    let cur: MoRef<'ResourcePool'> = root;
    for (const name of segments) {
      const child = await methods.FindChild(client.soap, si, { entity: cur, name });
      if (child === undefined || !(isMoRef(child, 'ResourcePool') || isMoRef(child, 'VirtualApp'))) {
        throw new NotFoundError(`no resource pool '${path}' at the destination`);
      }
      cur = child as MoRef<'ResourcePool'>;
    }
    return cur;
  });
}

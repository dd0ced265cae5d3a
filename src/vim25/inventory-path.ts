/**
 * Resolving a connection's host context (libvirt's drvesx: `vpx://vcenter/[folder/]dc[/cluster]/host`, and the
 * single datacenter, compute resource and host of an ESX connection): datacenter, compute resource, host system
 * and root resource pool. Datacenters and compute resources may sit in folders; each name is looked up with
 * FindChild, so the cost grows with the path's depth, not with the inventory's size.
 */
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import type { VimContext } from './context.js';
import { FindChild } from './generated/methods.js';
import type { MoRef } from './generated/types.js';
import { isMoRef } from './generated/types.js';
import { ComputeResourceProps, DatacenterProps, ManagedEntityProps } from './generated/props.js';
import { hostsFromRootSpec } from './inventory-traversal.js';
import type { PropPath } from './prop-path.js';
import { prop, retrieveAll, retrieveOne, type ObjectRecord } from './property.js';

/** A datacenter with the folders helpers need. */
export interface DatacenterInfo {
  ref: MoRef<'Datacenter'>;
  name: string;
  /** Inventory path from the root folder, e.g. 'folder1/dc1': the dcPath of datastore file URLs. */
  path: string;
  vmFolder: MoRef<'Folder'>;
  hostFolder: MoRef<'Folder'>;
  datastoreFolder: MoRef<'Folder'> | undefined;
}

/** Where a connection works: the datacenter, compute resource, host and root resource pool (cached per connection). */
export interface HostContext {
  datacenter: DatacenterInfo;
  computeResource: MoRef<'ComputeResource'>;
  computeResourceName: string;
  /** True when the compute resource is a cluster. */
  isCluster: boolean;
  hostSystem: MoRef<'HostSystem'>;
  hostSystemName: string;
  resourcePool: MoRef<'ResourcePool'>;
}

/** Splits an inventory path into names; empty segments (leading, trailing, doubled slashes) are dropped. */
export function splitInventoryPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

const DC_PATHS = [DatacenterProps.name, DatacenterProps.vmFolder, DatacenterProps.hostFolder, DatacenterProps.datastoreFolder];
const CR_PATHS = [ComputeResourceProps.name, ComputeResourceProps.host, ComputeResourceProps.resourcePool];

/** Reads a datacenter's name and folders; `path` is its inventory path. */
export async function datacenterInfo(ctx: VimContext, ref: MoRef<'Datacenter'>, path?: string): Promise<DatacenterInfo> {
  return toDatacenterInfo(await retrieveOne(ctx, ref, DC_PATHS), path);
}

function toDatacenterInfo(r: ObjectRecord, path?: string): DatacenterInfo {
  const name = prop(r, DatacenterProps.name) ?? r.ref.value;
  return {
    ref: r.ref as MoRef<'Datacenter'>,
    name,
    path: path ?? name,
    vmFolder: need(r, DatacenterProps.vmFolder),
    hostFolder: need(r, DatacenterProps.hostFolder),
    datastoreFolder: prop(r, DatacenterProps.datastoreFolder),
  };
}

/** Finds the datacenter that `segments` lead to through folders; returns it and how many segments it used. */
export async function walkToDatacenter(
  ctx: VimContext,
  segments: readonly string[],
): Promise<{ datacenter: DatacenterInfo; used: number }> {
  const searchIndex = requireSearchIndex(ctx);
  let parent: MoRef<'ManagedEntity'> = ctx.serviceContent.rootFolder;
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i] as string;
    const child = await FindChild(ctx.soap, searchIndex, { entity: parent, name });
    const where = segments.slice(0, i).join('/') || '/';
    if (child === undefined) throw new NotFoundError(`no datacenter or folder '${name}' in '${where}'`);
    if (isMoRef(child, 'Datacenter')) {
      return { datacenter: await datacenterInfo(ctx, child, segments.slice(0, i + 1).join('/')), used: i + 1 };
    }
    if (!isMoRef(child, 'Folder')) throw new NotFoundError(`'${name}' in '${where}' is a ${child.type}, not a datacenter or folder`);
    parent = child;
  }
  throw new NotFoundError(`path '${segments.join('/')}' does not lead to a datacenter`);
}

/** Resolves `[folder/]dc[/folder]/computeResource[/host]` (vCenter) to a host context. */
export async function resolveHostPath(ctx: VimContext, path: string): Promise<HostContext> {
  const segments = splitInventoryPath(path);
  if (segments.length === 0) throw new InvalidArgumentError('a vCenter connection needs a path: datacenter[/cluster]/host');
  const searchIndex = requireSearchIndex(ctx);
  const { datacenter, used } = await walkToDatacenter(ctx, segments);
  let i = used;
  let parent: MoRef<'ManagedEntity'> = datacenter.hostFolder;
  let compute: MoRef<'ComputeResource'> | undefined;
  for (; i < segments.length && compute === undefined; i++) {
    const name = segments[i] as string;
    const child = await FindChild(ctx.soap, searchIndex, { entity: parent, name });
    if (child === undefined) throw new NotFoundError(`no compute resource, cluster or folder '${name}' in datacenter '${datacenter.path}'`);
    if (isMoRef(child, 'ComputeResource')) compute = child;
    else if (isMoRef(child, 'Folder')) parent = child;
    else throw new NotFoundError(`'${name}' in datacenter '${datacenter.path}' is a ${child.type}, not a cluster, host or folder`);
  }
  if (compute === undefined) throw new InvalidArgumentError(`path '${path}' names no host: expected datacenter[/cluster]/host`);
  const cr = await retrieveOne(ctx, compute, CR_PATHS);
  const crName = prop(cr, ComputeResourceProps.name) ?? compute.value;
  const hosts = prop(cr, ComputeResourceProps.host) ?? [];
  const isCluster = isMoRef(compute, 'ClusterComputeResource');
  let host: MoRef<'HostSystem'> | undefined;
  let hostName: string | undefined;
  const hostSegment = segments[i];
  if (hostSegment !== undefined) {
    const child = await FindChild(ctx.soap, searchIndex, { entity: compute, name: hostSegment });
    if (child === undefined || !isMoRef(child, 'HostSystem'))
      throw new NotFoundError(`no host '${hostSegment}' in ${isCluster ? 'cluster' : 'compute resource'} '${crName}'`);
    host = child;
    hostName = hostSegment;
    i++;
  } else if (isCluster) {
    throw new InvalidArgumentError(`path '${path}' names cluster '${crName}' but no host in it`);
  } else {
    host = hosts[0];
  }
  if (i < segments.length)
    throw new InvalidArgumentError(`path '${path}' continues after host '${hostName ?? crName}': '${segments.slice(i).join('/')}'`);
  if (host === undefined) throw new NotFoundError(`compute resource '${crName}' has no host`);
  hostName ??= prop(await retrieveOne(ctx, host, [ManagedEntityProps.name]), ManagedEntityProps.name) ?? host.value;
  return {
    datacenter,
    computeResource: compute,
    computeResourceName: crName,
    isCluster,
    hostSystem: host,
    hostSystemName: hostName,
    resourcePool: need(cr, ComputeResourceProps.resourcePool),
  };
}

/** The host context of an ESX/GSX connection: its one datacenter, compute resource and host (one listing). */
export async function resolveStandaloneHost(ctx: VimContext): Promise<HostContext> {
  // one call: a traversal from the root folder (a container view would take three)
  const recs = await retrieveAll(ctx, [hostsFromRootSpec(ctx, DC_PATHS, CR_PATHS, [ManagedEntityProps.name])]);
  const dc = recs.find((r) => r.ref.type === 'Datacenter');
  if (dc === undefined) throw new NotFoundError('the server has no datacenter');
  const cr = recs.find((r) => isMoRef(r.ref, 'ComputeResource'));
  const host = cr === undefined ? undefined : prop(cr, ComputeResourceProps.host)?.[0];
  if (cr === undefined || host === undefined)
    throw new NotFoundError(`datacenter '${prop(dc, DatacenterProps.name) ?? dc.ref.value}' has no host`);
  const hostRec = recs.find((r) => r.ref.type === 'HostSystem' && r.ref.value === host.value);
  return {
    datacenter: toDatacenterInfo(dc),
    computeResource: cr.ref as MoRef<'ComputeResource'>,
    computeResourceName: prop(cr, ComputeResourceProps.name) ?? cr.ref.value,
    isCluster: cr.ref.type === 'ClusterComputeResource',
    hostSystem: host,
    hostSystemName: (hostRec && prop(hostRec, ManagedEntityProps.name)) ?? host.value,
    resourcePool: need(cr, ComputeResourceProps.resourcePool),
  };
}

function requireSearchIndex(ctx: VimContext): MoRef<'SearchIndex'> {
  const si = ctx.serviceContent.searchIndex;
  if (si === undefined) throw new NotFoundError('the server offers no SearchIndex');
  return si;
}

function need<T>(r: ObjectRecord, path: PropPath<T>): T {
  const v = prop(r, path);
  if (v === undefined) throw new NotFoundError(`${r.ref.type} '${r.ref.value}' has no ${path}`);
  return v;
}

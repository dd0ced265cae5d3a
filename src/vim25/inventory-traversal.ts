/**
 * Inventory walks in one property-collector call, for single-host (ESX/GSX) connections: a
 * container view costs three calls (create, retrieve, destroy), a traversal from the root
 * folder one. Specs follow the vSphere inventory: Folder.childEntity, Datacenter.vmFolder/
 * hostFolder, ComputeResource.host, VirtualApp.vm.
 */
import type { VimContext } from './context.js';
import { ComputeResourceProps, DatacenterProps, FolderProps, HostSystemProps, VirtualAppProps } from './generated/props.js';
import type { ManagedObjectReference, PropertyFilterSpec, TraversalSpec } from './generated/types.js';
import type { AnyPropPath } from './prop-path.js';
import { propertySpec } from './property.js';

const ref = (name: string) => ({ _type: 'SelectionSpec', name });

function traversal(name: string, type: string, path: AnyPropPath, next: string[]): TraversalSpec {
  return { _type: 'TraversalSpec', name, type, path, skip: false, selectSet: next.map(ref) };
}

/** Every VirtualMachine below the root folder (folders, datacenters' vmFolder, vApps), with `paths`. */
export function vmsFromRootSpec(ctx: VimContext, paths: readonly AnyPropPath[]): PropertyFilterSpec {
  return {
    propSet: [propertySpec('VirtualMachine', paths)],
    objectSet: [
      {
        obj: ctx.serviceContent.rootFolder,
        skip: true,
        selectSet: [
          traversal('folderChildren', 'Folder', FolderProps.childEntity, ['folderChildren', 'datacenterVms', 'vappVms']),
          traversal('datacenterVms', 'Datacenter', DatacenterProps.vmFolder, ['folderChildren']),
          traversal('vappVms', 'VirtualApp', VirtualAppProps.vm, []),
        ],
      },
    ],
  };
}

/** The VMs registered on one host (HostSystem.vm), with `paths`: one call, where a view takes three. */
export function vmsOfHostSpec(host: ManagedObjectReference, paths: readonly AnyPropPath[]): PropertyFilterSpec {
  return {
    propSet: [propertySpec('VirtualMachine', paths)],
    objectSet: [{ obj: host, skip: true, selectSet: [traversal('hostVms', 'HostSystem', HostSystemProps.vm, [])] }],
  };
}

/** Datacenters, compute resources and hosts below the root folder, each with its own paths. */
export function hostsFromRootSpec(
  ctx: VimContext,
  dcPaths: readonly AnyPropPath[],
  crPaths: readonly AnyPropPath[],
  hostPaths: readonly AnyPropPath[],
): PropertyFilterSpec {
  return {
    propSet: [propertySpec('Datacenter', dcPaths), propertySpec('ComputeResource', crPaths), propertySpec('HostSystem', hostPaths)],
    objectSet: [
      {
        obj: ctx.serviceContent.rootFolder,
        skip: true,
        selectSet: [
          traversal('folderChildren', 'Folder', FolderProps.childEntity, ['folderChildren', 'datacenterHosts', 'computeHosts']),
          traversal('datacenterHosts', 'Datacenter', DatacenterProps.hostFolder, ['folderChildren']),
          traversal('computeHosts', 'ComputeResource', ComputeResourceProps.host, []),
        ],
      },
    ],
  };
}

/**
 * What a migration reads about its VM, in one retrieve: power state, host, pool, datastores and configuration
 * path (and the disks, when they move) — before planning, and again afterwards to verify where the VM landed.
 */
import { NotFoundError } from '../../errors.js';
import { tryParseDatastorePath } from '../../datastore-path.js';
import { prop, retrieveOne, VirtualMachineProps, type MoRef, type VimClient, type VirtualMachinePowerState } from '../../vim25/index.js';
import { datastoreNames, hostPlace, type HostPlace } from './places.js';

/** A VM's placement as read from the vCenter. */
export interface VmFacts {
  ref: MoRef<'VirtualMachine'>;
  powerState: VirtualMachinePowerState;
  host: MoRef<'HostSystem'>;
  pool: MoRef<'ResourcePool'> | undefined;
  datastores: MoRef<'Datastore'>[];
  /** `[datastore] dir/name.vmx`. */
  vmPathName: string;
  /** The datastore holding the configuration file (the VM's home), by name. */
  homeDatastore: string;
  /** Keys of the virtual disks (read only when asked). */
  diskKeys: number[];
}

/** Where a VM is, by name, for messages and results. */
export interface MigrationLocation {
  host: string;
  /** The cluster, or the standalone host's compute resource. */
  computeResource: string;
  isCluster: boolean;
  /** Every datastore the VM uses, its home first. */
  datastores: string[];
  vmPathName: string;
}

const BASE = [
  VirtualMachineProps.powerState,
  VirtualMachineProps.host,
  VirtualMachineProps.resourcePool,
  VirtualMachineProps.datastore,
  VirtualMachineProps.vmPathName,
] as const;

/** Reads the VM's placement; `disks` adds the disk keys (the whole hardware description: only for storage moves). */
export async function readVmFacts(client: VimClient, vm: MoRef<'VirtualMachine'>, opts: { disks?: boolean } = {}): Promise<VmFacts> {
  const rec = await retrieveOne(client, vm, opts.disks ? [...BASE, VirtualMachineProps.hardware] : BASE);
  const host = prop(rec, VirtualMachineProps.host);
  if (host === undefined) throw new NotFoundError(`VM ${vm.value} is on no host`);
  const vmPathName = prop(rec, VirtualMachineProps.vmPathName) ?? '';
  // a VM without a datastore path (rare) has no known home datastore
  const homeDatastore = tryParseDatastorePath(vmPathName)?.datastore ?? '';
  const devices = opts.disks ? (prop(rec, VirtualMachineProps.hardware)?.device ?? []) : [];
  return {
    ref: vm,
    powerState: prop(rec, VirtualMachineProps.powerState) ?? 'poweredOff',
    host,
    pool: prop(rec, VirtualMachineProps.resourcePool),
    datastores: prop(rec, VirtualMachineProps.datastore) ?? [],
    vmPathName,
    homeDatastore,
    diskKeys: devices.filter((d) => d._type === 'VirtualDisk').map((d) => d.key),
  };
}

/** The facts as names: host, compute resource, datastores (home first). */
export async function locationOf(client: VimClient, facts: VmFacts): Promise<{ location: MigrationLocation; place: HostPlace }> {
  const place = await hostPlace(client, facts.host);
  const names = await datastoreNames(client, place.datacenter, facts.datastores);
  const datastores = [...new Set([facts.homeDatastore, ...names].filter((n) => n !== ''))];
  return {
    place,
    location: {
      host: place.hostName,
      computeResource: place.computeResourceName,
      isCluster: place.isCluster,
      datastores,
      vmPathName: facts.vmPathName,
    },
  };
}

/** "host 'H' (cluster 'C'), datastore 'D'" for messages. */
export function describeLocation(l: MigrationLocation): string {
  const where = l.isCluster ? ` in cluster '${l.computeResource}'` : '';
  const ds =
    l.datastores.length === 0 ? '' : `, datastore${l.datastores.length > 1 ? 's' : ''} ${l.datastores.map((d) => `'${d}'`).join(', ')}`;
  return `host '${l.host}'${where}${ds}`;
}

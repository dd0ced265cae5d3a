/**
 * What the domain → vSphere direction needs from the world, as plain data and callbacks: the networks a bridge name
 * may denote, which disks are to be created, SCSI model detection and the guest's recommendations. The driver
 * gathers these (property collector, QueryConfigOption, datastore browser); the converter itself does no I/O.
 */
import type { DiskDef, ScsiModel } from '../conf/domain/domain-def.js';
import type { ManagedObjectReference } from '../vim25/generated/types.js';

/** A network a domain's `<source bridge=…>` / `<source network=…>` may name. */
export type NetworkInfo =
  | {
      /** A standard port group (managed object Network): backed by name, as ESX stores it. */
      kind: 'standard';
      name: string;
      ref?: ManagedObjectReference;
    }
  | {
      /** A distributed port group: backed by its switch's UUID and its key. */
      kind: 'distributed';
      name: string;
      ref?: ManagedObjectReference;
      /** DistributedVirtualSwitch.uuid as the server reports it ("50 2a 8c … -…"). */
      switchUuid: string;
      /** DistributedVirtualPortgroup.key ("dvportgroup-34"). */
      portgroupKey: string;
    };

/** How to create a disk that does not exist yet (the VirtualDisk gets fileOperation 'create'). */
export interface NewDiskOptions {
  capacityKiB: number;
  /** thin (the default), thick (lazily zeroed) or eagerzeroedthick. */
  provisioning?: 'thin' | 'thick' | 'eagerzeroedthick';
}

/** Callbacks and settings for turning domain devices into device changes. */
export interface VmConfigContext {
  /**
   * The networks visible to the VM (its host's or datacenter's); a bridge name must match exactly one. Without
   * the list, a bridge name goes out as a standard port group name and the server resolves it (as a VMX does).
   */
  networks?: readonly NetworkInfo[];
  /** Options to create `disk`'s file, or undefined when the file exists and is only attached. */
  newDisk?(disk: DiskDef): NewDiskOptions | undefined;
  /** Resolves SCSI controller model 'auto' from a disk on it (e.g. a .vmdk's ddb.adapterType), as src/vmx does. */
  autodetectScsiModel?(disk: DiskDef): ScsiModel | undefined;
  /** The guest OS descriptor's recommendations (GuestOsDescriptor.recommendedSCSIController/EthernetCard). */
  recommended?: { scsiModel?: ScsiModel; nicModel?: string };
  /** Receives notes on what has no vSphere form and is left out. */
  warn?(message: string): void;
}

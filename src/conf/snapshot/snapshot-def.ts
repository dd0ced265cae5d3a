/** libvirt's `<domainsnapshot>` document: the part ESX snapshots can hold (libvirt's formatdomainsnapshot page). */

/** libvirt's snapshot states (virDomainSnapshotState names). */
export type SnapshotState = 'running' | 'paused' | 'shutoff' | 'nostate' | 'disk-snapshot';

/** How a snapshot keeps the guest's memory: `no` (disk only), `internal` (with the snapshot), `external`. */
export type SnapshotMemory = 'no' | 'internal' | 'external';

/** A domain snapshot definition: what `snapshot-dumpxml` prints and `snapshot-create` reads. */
export interface SnapshotDef {
  name?: string;
  description?: string;
  state?: SnapshotState;
  /** The parent snapshot's name. */
  parent?: string;
  /** Seconds since the epoch. */
  creationTime?: number;
  /** `<memory snapshot=…>`. */
  memory?: SnapshotMemory;
  /** The domain's UUID (`<domain><uuid>`, as libvirt's ESX driver prints it). */
  domainUuid?: string;
}

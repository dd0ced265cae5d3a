/**
 * libvirt's `<pool>` document (libvirt's "Storage pool and volume XML format" page) for what ESX offers: datastores
 * as `dir` (local), `fs` (VMFS) and `netfs` (NFS, CIFS) pools, and iSCSI targets as `iscsi` pools.
 */

/** The pool types libvirt's ESX driver reports. */
export type PoolType = 'dir' | 'fs' | 'netfs' | 'iscsi';

/** `<source><host name= port=/>`. */
export interface PoolSourceHost {
  name: string;
  port?: number;
}

/** `<source>`: what the pool is made of. */
export interface PoolSource {
  hosts?: PoolSourceHost[];
  /** `<dir path=…/>`: the export of a netfs pool. */
  dir?: string;
  /** `<initiator><iqn name=…/></initiator>`. */
  initiatorIqn?: string;
  /** `<format type=…/>`: nfs or cifs for netfs, vmfs for fs. */
  format?: string;
}

/** `<target><permissions>`: libvirt's ESX driver prints mode 00, owner 0, group 0. */
export interface PoolPermissions {
  /** The mode as a number (formatted in octal with a leading 0). */
  mode: number;
  owner: number;
  group: number;
  label?: string;
}

/** `<target>`. */
export interface PoolTarget {
  path?: string;
  permissions?: PoolPermissions;
}

/** A storage pool definition: what `pool-dumpxml` prints. Sizes are bytes. */
export interface PoolDef {
  type: PoolType;
  name: string;
  uuid?: string;
  capacity: number;
  allocation: number;
  available: number;
  source: PoolSource;
  target?: PoolTarget;
}

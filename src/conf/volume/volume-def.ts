/**
 * libvirt's `<volume>` document (libvirt's "Storage pool and volume XML format" page) for what ESX offers: files on
 * datastores (virtual disks, ISO and floppy images) and iSCSI LUNs (block volumes).
 */

/** Volume types (virStorageVolType names) ESX volumes have. */
export type VolumeType = 'file' | 'block';

/** `<target>`: where the volume lives and its format (vmdk, iso, raw; absent for LUNs). */
export interface VolumeTarget {
  path?: string;
  format?: string;
}

/** A storage volume definition: what `vol-dumpxml` prints and `vol-create` reads. Sizes are bytes. */
export interface VolumeDef {
  type: VolumeType;
  name: string;
  key?: string;
  /** Absent only in input that omits `<capacity>` (which creation refuses). */
  capacity?: number;
  /** Absent in input without `<allocation>`: libvirt then allocates the whole capacity. */
  allocation?: number;
  target: VolumeTarget;
  /** `<backingStore><path>`: a copy-on-write parent, which ESX volumes cannot have. */
  backingStore?: string;
}

/** Storage: datastores and iSCSI targets as pools, their files and LUNs as volumes, transfers and VMDK images. */
export { listPools, lookupPool, refreshPool, setPoolAutostart, type PoolState, type StoragePool } from './pools.js';
export { iscsiLuns, type IscsiLun, type IscsiTarget } from './iscsi.js';
export { listVolumes, lookupVolume, volumeInPool, type StorageVolume, type VolumeKind, type VolumeSpec } from './volumes.js';
export {
  ADAPTER_TYPES,
  cloneVolume,
  createVolume,
  deleteVolume,
  DISK_TYPES,
  diskTypeOf,
  resizeVolume,
  wipeVolume,
  type AdapterType,
  type CopyTarget,
  type DiskOptions,
  type DiskType,
  type ResizeOptions,
} from './disks.js';
export {
  downloadVolume,
  openVolume,
  uploadVolume,
  type DownloadOptions,
  type ProgressFn,
  type TransferCommonOptions,
  type UploadInput,
  type UploadOptions,
} from './transfer.js';
export {
  adapterOfDescriptor,
  exportVolume,
  importVolume,
  type ExportOptions,
  type ExportSubformat,
  type ImportOptions,
  type ImportResult,
} from './images.js';
export { checkVolumeName, diskKey, escapedVolumeName, md5Uuid } from './names.js';
export { poolDefOf, volumeDefOf, volumeInfoOf, type VolumeInfo } from './describe.js';

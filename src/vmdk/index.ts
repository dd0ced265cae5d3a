/**
 * esxvirt's VMDK library: descriptors (parse, format, disk database), kind detection, readers that turn
 * flat, monolithicSparse and streamOptimized images into a stream of raw disk contents, and writers
 * from raw contents to flat + descriptor, streamOptimized and monolithicSparse. Pure: it imports only
 * errors.ts and node's stream/zlib/buffer; files.ts holds the thin file-system helpers.
 */
export {
  CREATE_TYPES,
  descriptorCapacity,
  formatVmdkDescriptor,
  NO_PARENT_CID,
  parseVmdkDescriptor,
  type DescriptorLimits,
  type VmdkDescriptor,
  type VmdkExtent,
  type VmdkExtentAccess,
  type VmdkExtentType,
} from './descriptor.js';
export {
  checkExtentFileName,
  defaultGeometry,
  diskInfo,
  newDiskDescriptor,
  scsiModelOfDescriptor,
  type DescriptorScsiModel,
  type NewDiskOptions,
  type VmdkAdapterType,
  type VmdkDiskInfo,
  type VmdkGeometry,
} from './ddb.js';
export {
  decodeSparseHeader,
  descriptorOfVmdkHead,
  detectVmdkKind,
  DEFAULT_MAX_CAPACITY,
  type SparseHeader,
  type VmdkKind,
} from './sparse-header.js';
export { type ByteSource, type RandomAccessSource, type SequentialSource } from './source.js';
export { openVmdkReader, type OpenVmdkOptions, type VmdkReader } from './reader.js';
export { createStreamOptimizedWriter, type StreamOptimizedOptions } from './write-stream-optimized.js';
export { writeMonolithicSparse, type MonolithicSparseOptions, type PositionalSink } from './write-sparse.js';
export { createFlatExtentWriter, flatExtentName, flatVmdkDescriptor, type FlatDescriptorOptions } from './write-flat.js';
export { MAX_SPARSE_CAPACITY } from './write-common.js';

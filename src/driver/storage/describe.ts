/** The libvirt documents and records of pools and volumes: pool-dumpxml's PoolDef, vol-dumpxml's VolumeDef, vol-info. */
import type { PoolDef } from '../../conf/pool/index.js';
import type { VolumeDef } from '../../conf/volume/index.js';
import type { StoragePool } from './pools.js';
import type { StorageVolume } from './volumes.js';

/** What pool-dumpxml prints. */
export function poolDefOf(pool: StoragePool): PoolDef {
  return pool.def;
}

/** What vol-dumpxml prints (libvirt's ESX driver: type, name, key, sizes, path, format). */
export function volumeDefOf(vol: StorageVolume): VolumeDef {
  return {
    type: vol.type,
    name: vol.name,
    ...(vol.key !== undefined ? { key: vol.key } : {}),
    capacity: vol.capacity,
    allocation: vol.allocation,
    target: { path: vol.path, ...(vol.format !== undefined ? { format: vol.format } : {}) },
  };
}

/** vol-info's record. */
export interface VolumeInfo {
  name: string;
  type: 'file' | 'block';
  capacity: number;
  allocation: number;
}

/** vol-info's record of a volume. */
export function volumeInfoOf(vol: StorageVolume): VolumeInfo {
  return { name: vol.name, type: vol.type, capacity: vol.capacity, allocation: vol.allocation };
}

/**
 * Creating, copying, deleting, wiping and growing volumes of datastore pools through the VirtualDiskManager, as
 * libvirt's ESX driver does (vol-create, vol-create-from, vol-delete, vol-wipe) and beyond it (vol-resize, disk
 * types and adapters). How a new disk's type is chosen:
 * - an explicit type (`--type`) wins: thin, zeroedthick (vSphere "preallocated"), eagerzeroedthick;
 * - else the XML's allocation decides, as in libvirt: 0 → thin; equal to the capacity, or absent (libvirt then
 *   allocates everything) → zeroedthick; anything between is refused.
 * The adapter type defaults to lsiLogic (ESX's own default); the API knows ide, busLogic and lsiLogic, so
 * lsiLogicsas and paraVirtual disks are created as lsiLogic disks (any SCSI controller can use them).
 */
import { InvalidArgumentError, InternalError, InvalidStateError, UnsupportedError } from '../../errors.js';
import type { VolumeDef } from '../../conf/volume/index.js';
import {
  deleteDatastoreFile,
  isVimFault,
  makeDirectory,
  putDatastoreFile,
  statDatastoreFile,
  VirtualDiskManagerHandle,
  type FileBackedVirtualDiskSpec,
  type VirtualDiskSpec,
} from '../../vim25/index.js';
import { Readable } from 'node:stream';
import type { Connection } from '../connect/connection.js';
import { converge } from './converge.js';
import { iscsiReadOnly } from './iscsi.js';
import { escapedVolumeName, splitName, volumePathText } from './names.js';
import { lookupPool, type StoragePool } from './pools.js';
import { storageCall } from './storage-errors.js';
import { datastoreFile, findFile, lookupVolume, type StorageVolume, type VolumeSpec } from './volumes.js';

/** How a disk's blocks are allocated (OpenNebula's names without its vmdk_ prefix). */
export type DiskType = 'thin' | 'zeroedthick' | 'eagerzeroedthick';

/** Disk adapter types (Nova's names). */
export type AdapterType = 'ide' | 'busLogic' | 'lsiLogic' | 'lsiLogicsas' | 'paraVirtual';

/** Every DiskType, for option parsing. */
export const DISK_TYPES: readonly DiskType[] = ['thin', 'zeroedthick', 'eagerzeroedthick'];

/** Every AdapterType, for option parsing. */
export const ADAPTER_TYPES: readonly AdapterType[] = ['ide', 'busLogic', 'lsiLogic', 'lsiLogicsas', 'paraVirtual'];

const API_DISK_TYPE: Record<DiskType, string> = { thin: 'thin', zeroedthick: 'preallocated', eagerzeroedthick: 'eagerZeroedThick' };
const API_ADAPTER: Record<AdapterType, string> = {
  ide: 'ide',
  busLogic: 'busLogic',
  lsiLogic: 'lsiLogic',
  lsiLogicsas: 'lsiLogic',
  paraVirtual: 'lsiLogic',
};
const CONTROLLER_ADAPTER: Record<string, AdapterType> = {
  VirtualIDEController: 'ide',
  VirtualBusLogicController: 'busLogic',
  VirtualLsiLogicController: 'lsiLogic',
  VirtualLsiLogicSASController: 'lsiLogicsas',
  ParaVirtualSCSIController: 'paraVirtual',
};

/** Options of volume creation and copies. */
export interface DiskOptions {
  diskType?: DiskType;
  adapter?: AdapterType;
  /** Warnings (e.g. a server that ignored the requested size). */
  warn?: (message: string) => void;
}

/** The disk type a volume definition asks for (see the module comment). */
export function diskTypeOf(def: Pick<VolumeDef, 'capacity' | 'allocation'>, explicit?: DiskType): DiskType {
  const capacity = def.capacity ?? 0;
  const allocation = def.allocation ?? capacity;
  if (explicit !== undefined) {
    if (def.allocation !== undefined && def.allocation !== 0 && def.allocation !== capacity)
      throw new InvalidArgumentError(
        `allocation ${def.allocation} contradicts disk type ${explicit}: give 0, the capacity, or no allocation`,
      );
    return explicit;
  }
  if (allocation === capacity) return 'zeroedthick';
  if (allocation === 0) return 'thin';
  throw new InternalError('Unsupported capacity-to-allocation relation');
}

function requireDatastore(pool: StoragePool, what: 'creation' | 'deletion' | 'wiping' | 'resizing'): void {
  if (pool.type === 'iscsi') throw iscsiReadOnly(what);
}

/** Creates the directory of `name` in the pool unless it is there (MakeDirectory with its parents). */
export async function ensureDirectory(conn: Connection, pool: string, name: string): Promise<void> {
  const { dir } = splitName(name);
  if (dir === '') return;
  const exists = async (): Promise<boolean> => (await statDatastoreFile(conn.client, datastoreFile(conn, pool, dir))).exists;
  if (await exists()) return;
  try {
    await converge(
      () => makeDirectory(conn.client, volumePathText(pool, dir), { datacenter: conn.host.datacenter.ref, createParents: true }),
      exists,
    );
  } catch (e) {
    if (!isVimFault(e, 'FileAlreadyExists')) throw e;
  }
}

function checkDiskName(name: string): void {
  if (!/\.vmdk$/i.test(name)) throw new UnsupportedError(`Volume name '${name}' has unsupported suffix, expecting '.vmdk'`);
}

/**
 * vol-create / vol-create-as: a new virtual disk of `def.capacity` bytes in a datastore pool (CreateVirtualDisk_Task).
 * The name is escaped as VMware escapes datastore items; its directory is created when missing.
 */
export async function createVolume(conn: Connection, poolName: string, def: VolumeDef, opts: DiskOptions = {}): Promise<StorageVolume> {
  const pool = await lookupPool(conn, poolName);
  requireDatastore(pool, 'creation');
  if (def.type !== 'file') throw new UnsupportedError('Creating non-file volumes is not supported');
  if (def.backingStore !== undefined) throw new UnsupportedError('ESX volumes cannot have a backing store');
  if (def.target.format !== undefined && def.target.format !== 'vmdk')
    throw new UnsupportedError(`Creation of ${def.target.format} volumes is not supported`);
  if (def.capacity === undefined || def.capacity <= 0) throw new InvalidArgumentError(`volume '${def.name}' needs a capacity`);
  checkDiskName(def.name);
  const type = diskTypeOf(def, opts.diskType);
  const name = escapedVolumeName(def.name);
  const path = volumePathText(pool.name, name);
  const spec: FileBackedVirtualDiskSpec = {
    _type: 'FileBackedVirtualDiskSpec',
    diskType: API_DISK_TYPE[type],
    adapterType: API_ADAPTER[opts.adapter ?? 'lsiLogic'],
    capacityKb: Math.ceil(def.capacity / 1024),
  };
  const action = { method: 'CreateVirtualDisk_Task', what: `create volume '${def.name}'`, volume: def.name, pool: pool.name };
  const vdm = new VirtualDiskManagerHandle(conn.client);
  await storageCall(action, async () => {
    await ensureDirectory(conn, pool.name, name);
    await converge(
      async () => void (await (await vdm.create({ name: path, datacenter: conn.host.datacenter.ref, spec })).wait()),
      () => existsNow(conn, pool.name, name),
    );
  });
  const vol = await createdVolume(conn, pool, name);
  if (vol.capacity < def.capacity)
    opts.warn?.(
      `the server created '${vol.path}' with a capacity of ${vol.capacity} bytes, not ${def.capacity}: it ignored the requested size`,
    );
  return vol;
}

async function existsNow(conn: Connection, pool: string, name: string): Promise<boolean> {
  return (await statDatastoreFile(conn.client, datastoreFile(conn, pool, name))).exists;
}

function createdVolume(conn: Connection, pool: StoragePool, name: string): Promise<StorageVolume> {
  return lookupVolume(conn, { pool: pool.name, vol: name });
}

/** What vol-clone and vol-create-from copy to. */
export interface CopyTarget {
  /** The target pool (default: the source's). */
  pool?: string;
  name: string;
  /** The new volume's definition (vol-create-from): its allocation may choose the type. */
  def?: VolumeDef;
}

/**
 * vol-clone / vol-create-from: copies a virtual disk (CopyVirtualDisk_Task), also to another datastore. On ESX the copy
 * keeps the source's type and adapter unless a type (or the XML's allocation) asks for another; through vCenter the
 * server keeps them and cannot convert (a conversion is left for the server to refuse).
 */
export async function cloneVolume(
  conn: Connection,
  source: VolumeSpec,
  target: CopyTarget,
  opts: DiskOptions = {},
): Promise<StorageVolume> {
  const src = await lookupVolume(conn, source);
  const pool = await lookupPool(conn, target.pool ?? src.pool);
  requireDatastore(pool, 'creation');
  if (src.kind !== 'disk') throw new UnsupportedError(`volume '${src.name}' is not a virtual disk: only disks can be cloned`);
  checkDiskName(target.name);
  const name = escapedVolumeName(target.name);
  const path = volumePathText(pool.name, name);
  let type = opts.diskType;
  if (type === undefined && target.def !== undefined && target.def.allocation !== undefined)
    type = diskTypeOf({ capacity: target.def.capacity ?? src.capacity, allocation: target.def.allocation });
  const sourceType: DiskType = src.disk?.thin === true ? 'thin' : 'zeroedthick';
  const adapter = opts.adapter ?? CONTROLLER_ADAPTER[src.disk?.controllerType ?? ''] ?? 'lsiLogic';
  // vCenter takes no destSpec (the API reference: conversions only on ESX); send one only when asked to convert.
  const sendSpec = !conn.isVCenter || type !== undefined || opts.adapter !== undefined;
  const destSpec: VirtualDiskSpec = {
    _type: 'VirtualDiskSpec',
    diskType: API_DISK_TYPE[type ?? sourceType],
    adapterType: API_ADAPTER[adapter],
  };
  const action = {
    method: 'CopyVirtualDisk_Task',
    what: `clone volume '${src.name}' to '${target.name}'`,
    volume: target.name,
    pool: pool.name,
    ...(conn.isVCenter && sendSpec
      ? { unimplemented: 'vCenter copies disks as they are (no destSpec): connect to the ESX host to change the type or adapter' }
      : {}),
  };
  const dc = conn.host.datacenter.ref;
  const vdm = new VirtualDiskManagerHandle(conn.client);
  await storageCall(action, async () => {
    await ensureDirectory(conn, pool.name, name);
    await converge(
      async () => {
        const task = await vdm.copy({
          sourceName: src.path,
          sourceDatacenter: dc,
          destName: path,
          destDatacenter: dc,
          ...(sendSpec ? { destSpec } : {}),
          force: false,
        });
        await task.wait();
      },
      () => existsNow(conn, pool.name, name),
    );
  });
  return createdVolume(conn, pool, name);
}

/** vol-delete: a virtual disk with its extents (DeleteVirtualDisk_Task), any other file (DeleteDatastoreFile_Task). */
export async function deleteVolume(conn: Connection, spec: VolumeSpec): Promise<StorageVolume> {
  const vol = await lookupVolume(conn, spec);
  const pool = await lookupPool(conn, vol.pool);
  requireDatastore(pool, 'deletion');
  const dc = conn.host.datacenter.ref;
  const method = vol.kind === 'disk' ? 'DeleteVirtualDisk_Task' : 'DeleteDatastoreFile_Task';
  await storageCall({ method, what: `delete volume '${vol.name}'`, volume: vol.name, pool: vol.pool }, () =>
    converge(
      async () => {
        if (vol.kind === 'disk') await (await new VirtualDiskManagerHandle(conn.client).delete({ name: vol.path, datacenter: dc })).wait();
        else await deleteDatastoreFile(conn.client, vol.path, { datacenter: dc });
      },
      async () => !(await existsNow(conn, vol.pool, vol.name)),
    ),
  );
  return vol;
}

/** vol-wipe: a disk is zero-filled by the server (ZeroFillVirtualDisk_Task); another file is overwritten with zeros. */
export async function wipeVolume(conn: Connection, spec: VolumeSpec, opts: { algorithm?: string } = {}): Promise<StorageVolume> {
  if (opts.algorithm !== undefined && opts.algorithm !== 'zero')
    throw new UnsupportedError(`wiping algorithm '${opts.algorithm}' is not supported: ESX zero-fills (algorithm zero)`);
  const vol = await lookupVolume(conn, spec);
  const pool = await lookupPool(conn, vol.pool);
  requireDatastore(pool, 'wiping');
  const action = { method: 'ZeroFillVirtualDisk_Task', what: `wipe volume '${vol.name}'`, volume: vol.name, pool: vol.pool };
  if (vol.kind === 'disk') {
    // Zero-filling twice does no harm: a lost answer is simply asked again.
    await storageCall(action, () =>
      converge(
        async () =>
          void (await (
            await new VirtualDiskManagerHandle(conn.client).zeroFill({ name: vol.path, datacenter: conn.host.datacenter.ref })
          ).wait()),
        async () => false,
      ),
    );
    return vol;
  }
  const size = vol.capacity;
  await storageCall({ ...action, method: 'PUT /folder' }, () =>
    putDatastoreFile(conn.client, datastoreFile(conn, vol.pool, vol.name), { open: () => zeros(size), size, reopenable: true }),
  );
  return vol;
}

function zeros(n: number): Readable {
  const chunk = Buffer.alloc(Math.min(n, 1024 * 1024));
  let left = n;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const k = Math.min(left, chunk.length);
      left -= k;
      this.push(k === chunk.length ? chunk : chunk.subarray(0, k));
    },
  });
}

/** Options of resizeVolume (virsh vol-resize's flags). */
export interface ResizeOptions {
  /** The size is added to the current capacity. */
  delta?: boolean;
  /** Allow shrinking (which ESX cannot do). */
  shrink?: boolean;
  /** Allocate (and zero) the new space now (ExtendVirtualDisk_Task's eagerZero). */
  allocate?: boolean;
}

/** vol-resize: grows a virtual disk (ExtendVirtualDisk_Task); shrinking is refused. */
export async function resizeVolume(conn: Connection, spec: VolumeSpec, capacity: number, opts: ResizeOptions = {}): Promise<StorageVolume> {
  const vol = await lookupVolume(conn, spec);
  const pool = await lookupPool(conn, vol.pool);
  requireDatastore(pool, 'resizing');
  if (vol.kind !== 'disk') throw new UnsupportedError(`volume '${vol.name}' is not a virtual disk: only disks can be resized`);
  const wanted = opts.delta ? vol.capacity + capacity : capacity;
  if (wanted < vol.capacity) {
    if (opts.shrink) throw new UnsupportedError('ESX cannot shrink virtual disks');
    throw new InvalidArgumentError("Can't shrink capacity below current capacity unless shrink flag explicitly specified");
  }
  if (wanted === vol.capacity) return vol;
  const action = { method: 'ExtendVirtualDisk_Task', what: `resize volume '${vol.name}'`, volume: vol.name, pool: vol.pool };
  await storageCall(action, () =>
    converge(
      async () => {
        const task = await new VirtualDiskManagerHandle(conn.client).extend({
          name: vol.path,
          datacenter: conn.host.datacenter.ref,
          newCapacityKb: Math.ceil(wanted / 1024),
          eagerZero: opts.allocate === true,
        });
        await task.wait();
      },
      async () => ((await findFile(conn, pool, vol.name))?.capacity ?? 0) >= wanted,
    ),
  );
  const after = await lookupVolume(conn, { pool: vol.pool, vol: vol.name });
  if (after.capacity < wanted)
    throw new InvalidStateError(`the server did not grow volume '${vol.name}' (capacity ${after.capacity} bytes)`);
  return after;
}

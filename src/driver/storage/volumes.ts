/**
 * Volumes of datastore pools: virtual disks, ISO and floppy images as libvirt's ESX driver lists them (one
 * SearchDatastoreSubFolders_Task from the datastore's root), and lookups by name in a pool, by path
 * (`[datastore] dir/file`) and by key (a disk's UUID, or a path). Searches always name patterns (`*.vmdk` …, or `*`),
 * as govmomi's simulator returns nothing without them; where a server leaves a disk's capacity out of the search
 * result, it is read from the disk's descriptor (or sparse header) and the extents' sizes.
 */
import { NotFoundError } from '../../errors.js';
import { datastoreChildPath, formatDatastorePath, tryParseDatastorePath } from '../../datastore-path.js';
import { descriptorCapacity, detectVmdkKind, decodeSparseHeader, parseVmdkDescriptor } from '../../vmdk/index.js';
import {
  DatastoreBrowserHandle,
  createDatastoreReadStream,
  isRetryableError,
  isVimFault,
  statDatastoreFile,
  VirtualDiskManagerHandle,
  type AnyFileInfo,
  type DatastoreFile,
  type HostDatastoreBrowserSearchResults,
  type HostDatastoreBrowserSearchSpec,
  type VmDiskFileInfo,
} from '../../vim25/index.js';
import { readBody } from '../../soap/transport.js';
import { withRetry } from '../../soap/retry.js';
import type { Connection } from '../connect/connection.js';
import { iscsiLuns, type IscsiLun } from './iscsi.js';
import { checkVolumeName, diskKey, escapedVolumeName, isDiskName, splitName } from './names.js';
import { listPools, lookupPool, type StoragePool } from './pools.js';

/** What a volume holds: a virtual disk, an ISO or floppy image, another file, or an iSCSI LUN. */
export type VolumeKind = 'disk' | 'iso' | 'floppy' | 'file' | 'lun';

/** A storage volume. Sizes are bytes. */
export interface StorageVolume {
  /** The pool's name (datastore name or target IQN). */
  pool: string;
  /** The path inside the datastore (`dir/disk.vmdk`), or a LUN's device path. */
  name: string;
  /** `[datastore] dir/disk.vmdk`, or the LUN's device path. */
  path: string;
  /** The disk's UUID, a LUN's key, or the path (set by lookups; listings leave it out). */
  key?: string;
  type: 'file' | 'block';
  kind: VolumeKind;
  /** libvirt's format name: vmdk, iso, raw; undefined for LUNs. */
  format: 'vmdk' | 'iso' | 'raw' | undefined;
  capacity: number;
  allocation: number;
  /** For disks: what the server says of them (absent parts it did not say). */
  disk?: { thin?: boolean; controllerType?: string; diskType?: string };
}

const DISK_QUERY = {
  _type: 'VmDiskFileQuery',
  details: { diskType: true, capacityKb: true, hardwareVersion: false, controllerType: true, thin: true },
};
const DETAILS = { fileType: true, fileSize: true, modification: false, fileOwner: false };

/** libvirt's listing: disks, ISO and floppy images, with explicit patterns. */
const LIST_SPEC: HostDatastoreBrowserSearchSpec = {
  query: [DISK_QUERY, { _type: 'IsoImageFileQuery' }, { _type: 'FloppyImageFileQuery' }],
  details: DETAILS,
  searchCaseInsensitive: true,
  matchPattern: ['*.vmdk', '*.iso', '*.flp', '*.img'],
};

/** One folder's files of every kind (names are compared here: a pattern cannot match every name literally). */
const LOOKUP_SPEC: HostDatastoreBrowserSearchSpec = {
  query: [DISK_QUERY, { _type: 'IsoImageFileQuery' }, { _type: 'FloppyImageFileQuery' }, { _type: 'FileQuery' }],
  details: DETAILS,
  matchPattern: ['*'],
};

/** The folder of a search result relative to the datastore root: '[ds] a/b/', '[ds]/a/b' (vcsim) → 'a/b'. */
export function folderOf(folderPath: string | undefined): string {
  const p = tryParseDatastorePath(folderPath ?? '');
  return (p?.path ?? '').replace(/^[/\s]+/, '').replace(/\/+$/, '');
}

function kindOf(f: AnyFileInfo): VolumeKind | undefined {
  switch (f._type) {
    case 'VmDiskFileInfo':
      return 'disk';
    case 'IsoImageFileInfo':
      return 'iso';
    case 'FloppyImageFileInfo':
      return 'floppy';
    case 'FolderFileInfo':
      return undefined;
  }
  if (/\.iso$/i.test(f.path)) return 'iso';
  if (/\.(flp|img)$/i.test(f.path)) return 'floppy';
  return isDiskName(f.path) ? 'disk' : 'file';
}

// Disks whose capacity the search did not report (completeDisk reads it from the disk itself).
const incomplete = new WeakSet<StorageVolume>();

const FORMATS: Record<VolumeKind, StorageVolume['format']> = { disk: 'vmdk', iso: 'iso', floppy: 'raw', file: 'raw', lun: undefined };

function toVolume(pool: string, folder: string, f: AnyFileInfo, kind: VolumeKind): StorageVolume {
  const name = folder === '' ? f.path : `${folder}/${f.path}`;
  const size = f.fileSize ?? 0;
  const v: StorageVolume = {
    pool,
    name,
    path: formatDatastorePath({ datastore: pool, path: name }),
    type: 'file',
    kind,
    format: FORMATS[kind],
    capacity: size,
    allocation: size,
  };
  if (kind === 'disk') {
    const d = f as VmDiskFileInfo;
    v.disk = {};
    if (d.thin !== undefined) v.disk.thin = d.thin;
    if (d.controllerType !== undefined) v.disk.controllerType = d.controllerType;
    if (d.diskType !== undefined) v.disk.diskType = d.diskType;
    if (d.capacityKb !== undefined) v.capacity = d.capacityKb * 1024;
    else incomplete.add(v);
  }
  return v;
}

/** The datastore file of a volume path, for the /folder service. */
export function datastoreFile(conn: Connection, pool: string, name: string): DatastoreFile {
  return { ...datastoreChildPath({ datastore: pool, path: '' }, name), dcPath: conn.host.datacenter.path };
}

async function search(conn: Connection, pool: StoragePool, folder: string, spec: HostDatastoreBrowserSearchSpec, recurse: boolean) {
  if (pool.browser === undefined) throw new NotFoundError(`pool '${pool.name}' has no datastore browser`);
  const browser = new DatastoreBrowserHandle(conn.client, pool.browser);
  const datastorePath = formatDatastorePath({ datastore: pool.name, path: folder });
  const args = { datastorePath, searchSpec: spec };
  // A search changes nothing: after a broken connection it is simply started again.
  const info = await withRetry(
    async () => {
      const task = recurse ? await browser.searchSubFolders(args) : await browser.search(args);
      return task.wait({ description: `searching ${datastorePath}` });
    },
    { isRetryable: isRetryableError, retries: 5, baseDelayMs: 200 },
  );
  const result = info.result as HostDatastoreBrowserSearchResults | HostDatastoreBrowserSearchResults[] | undefined;
  return result === undefined ? [] : Array.isArray(result) ? result : [result];
}

/**
 * Where a server left a disk's capacity out (govmomi's simulator), reads it from the disk itself: the descriptor's
 * extents (and adds the extents' sizes to the allocation), or a sparse file's header.
 */
async function completeDisk(conn: Connection, v: StorageVolume): Promise<StorageVolume> {
  if (!incomplete.has(v)) return v;
  incomplete.delete(v);
  const file = datastoreFile(conn, v.pool, v.name);
  const head = await readBody(createDatastoreReadStream(conn.client, file, { length: 64 * 1024 }).stream).catch(() => Buffer.alloc(0));
  const kind = head.length === 0 ? 'unknown' : detectVmdkKind(head);
  if (kind === 'descriptor') {
    const d = parseVmdkDescriptor(head);
    v.capacity = descriptorCapacity(d);
    const { dir } = splitName(v.name);
    for (const e of d.extents) {
      if (e.fileName === undefined || /[/\\]/.test(e.fileName)) continue;
      const st = await statDatastoreFile(conn.client, datastoreFile(conn, v.pool, dir === '' ? e.fileName : `${dir}/${e.fileName}`));
      v.allocation += st.size ?? 0;
    }
    v.disk = { ...v.disk, thin: d.ddb.thinProvisioned === '1' };
  } else if (kind === 'monolithicSparse' || kind === 'streamOptimized' || kind === 'sparseExtent') {
    v.capacity = decodeSparseHeader(head).capacity * 512;
    v.disk = { ...v.disk, thin: true };
  }
  return v;
}

/** vol-list: the disks, ISO and floppy images of a pool, or the LUNs of an iSCSI target. */
export async function listVolumes(conn: Connection, poolName: string): Promise<StorageVolume[]> {
  const pool = await lookupPool(conn, poolName);
  if (pool.type === 'iscsi') return (await iscsiLuns(conn, pool.name)).map(lunVolume);
  const out: StorageVolume[] = [];
  for (const r of await search(conn, pool, '', LIST_SPEC, true)) {
    const folder = folderOf(r.folderPath);
    for (const f of r.file ?? []) {
      const kind = kindOf(f);
      if (kind === undefined || (kind === 'file' && !/\.(vmdk|iso|flp|img)$/i.test(f.path))) continue;
      out.push(await completeDisk(conn, toVolume(pool.name, folder, f, kind)));
    }
  }
  return out;
}

function lunVolume(l: IscsiLun): StorageVolume {
  return {
    pool: l.pool,
    name: l.name,
    path: l.name,
    key: l.key,
    type: 'block',
    kind: 'lun',
    format: undefined,
    capacity: l.capacity,
    allocation: l.capacity,
  };
}

/** The key of a volume: a disk's UUID where the server has one (QueryVirtualDiskUuid), else its path. */
async function volumeKey(conn: Connection, v: StorageVolume): Promise<string> {
  if (v.kind !== 'disk' || conn.client.serviceContent.virtualDiskManager === undefined) return v.path;
  try {
    const uuid = await new VirtualDiskManagerHandle(conn.client).queryUuid(v.path, conn.host.datacenter.ref);
    return diskKey(uuid) ?? v.path;
  } catch (e) {
    // A file the server does not take for a disk has no UUID: libvirt's fallback, the path.
    if (isVimFault(e, 'FileFault', 'InvalidArgument', 'MethodNotFound', 'NotSupported', 'InvalidDatastore')) return v.path;
    throw e;
  }
}

/** One file of a datastore pool by its exact name (no key); undefined when there is none. */
export async function findFile(conn: Connection, pool: StoragePool, name: string): Promise<StorageVolume | undefined> {
  checkVolumeName(name);
  const { dir, base } = splitName(name);
  let results: HostDatastoreBrowserSearchResults[] = [];
  try {
    results = await search(conn, pool, dir, LOOKUP_SPEC, false);
  } catch (e) {
    if (!isVimFault(e, 'FileNotFound')) throw e;
    return undefined;
  }
  for (const r of results) {
    const f = (r.file ?? []).find((x) => x.path === base);
    const kind = f === undefined ? undefined : kindOf(f);
    if (f !== undefined && kind !== undefined) return completeDisk(conn, toVolume(pool.name, dir, f, kind));
  }
  // Files a search does not report (an extent beside its disk, names a server's patterns cannot match): ask /folder.
  const st = await statDatastoreFile(conn.client, datastoreFile(conn, pool.name, name));
  if (!st.exists) return undefined;
  const kind = /\.iso$/i.test(base) ? 'iso' : /\.(flp|img)$/i.test(base) ? 'floppy' : 'file';
  return toVolume(pool.name, dir, { path: base, fileSize: st.size ?? 0 }, kind);
}

/** A volume in a pool by name: the name as stored, else as esxvirt would have escaped it when creating it. */
export async function volumeInPool(conn: Connection, pool: StoragePool, name: string): Promise<StorageVolume | undefined> {
  if (pool.type === 'iscsi') {
    const lun = (await iscsiLuns(conn, pool.name)).find((l) => l.name === name);
    return lun === undefined ? undefined : lunVolume(lun);
  }
  let v = await findFile(conn, pool, name);
  if (v === undefined) {
    const escaped = escapedVolumeName(name);
    if (escaped !== name) v = await findFile(conn, pool, escaped);
  }
  if (v !== undefined) v.key = await volumeKey(conn, v);
  return v;
}

/** How to find a volume: virsh's `<vol>` (name, key or path) and `--pool`. */
export interface VolumeSpec {
  vol: string;
  pool?: string;
}

function notFound(spec: VolumeSpec): NotFoundError {
  const hint = spec.pool === undefined ? ', specifying --pool might help' : '';
  return new NotFoundError(`Storage volume not found: no storage volume with matching name, key or path '${spec.vol}'${hint}`);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A volume as virsh finds one: by name in `--pool`, then by key, then by path. Keys are disk UUIDs (every disk of
 * every pool is asked for its UUID, as libvirt does), LUN keys, or paths.
 */
export async function lookupVolume(conn: Connection, spec: VolumeSpec): Promise<StorageVolume> {
  if (spec.pool !== undefined) {
    const pool = await lookupPool(conn, spec.pool);
    const v = await volumeInPool(conn, pool, spec.vol);
    if (v !== undefined) return v;
  }
  const byPath = await volumeByPath(conn, spec.vol);
  if (byPath !== undefined) return byPath;
  if (UUID_RE.test(spec.vol)) {
    const byKey = await volumeByKey(conn, spec.vol.toLowerCase());
    if (byKey !== undefined) return byKey;
  }
  throw notFound(spec);
}

async function volumeByPath(conn: Connection, path: string): Promise<StorageVolume | undefined> {
  if (path.startsWith('/')) {
    const lun = (await iscsiLuns(conn)).find((l) => l.name === path);
    return lun === undefined ? undefined : lunVolume(lun);
  }
  const p = tryParseDatastorePath(path);
  if (p === undefined || p.path.trim() === '') return undefined;
  const pool = (await listPools(conn)).find((x) => x.name === p.datastore && x.type !== 'iscsi');
  return pool === undefined ? undefined : volumeInPool(conn, pool, p.path);
}

async function volumeByKey(conn: Connection, key: string): Promise<StorageVolume | undefined> {
  const lun = (await iscsiLuns(conn)).find((l) => l.key === key);
  if (lun !== undefined) return lunVolume(lun);
  for (const pool of await listPools(conn)) {
    if (pool.type === 'iscsi' || pool.state !== 'running') continue;
    for (const v of await listVolumes(conn, pool.name)) {
      if (v.kind !== 'disk') continue;
      if ((await volumeKey(conn, v)) === key) return { ...v, key };
    }
  }
  return undefined;
}

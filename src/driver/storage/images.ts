/**
 * VMDK images in and out of datastore pools (Nova's four kinds: monolithic sparse, VMFS flat thin, VMFS flat
 * preallocated, streamOptimized). vol-import reads the local image in TypeScript (src/vmdk: grain directories,
 * deflated grains, markers) and writes the disk out as a VMFS flat disk, `NAME-flat.vmdk` with the raw contents and
 * `NAME.vmdk` naming it, which any ESX host boots. That is correct on every server (govmomi's simulator converts
 * nothing, and no server converts a streamOptimized file with CopyVirtualDisk_Task); the price is that zero regions
 * travel as zeros. vol-export reads a datastore disk (flat extents streamed, sparse files by ranged reads) into one
 * local streamOptimized or monolithicSparse file. Memory stays bounded both ways.
 */
import { basename } from 'node:path';
import { InvalidStateError, OperationError, UnsupportedError } from '../../errors.js';
import {
  flatExtentName,
  flatVmdkDescriptor,
  openVmdkReader,
  scsiModelOfDescriptor,
  type RandomAccessSource,
  type VmdkAdapterType,
  type VmdkDescriptor,
} from '../../vmdk/index.js';
import { openVmdkFile, writeMonolithicSparseFile, writeStreamOptimizedFile } from '../../vmdk/files.js';
import { readBody } from '../../soap/transport.js';
import { createDatastoreReadStream, statDatastoreFile, type DatastoreFile } from '../../vim25/index.js';
import { Readable } from 'node:stream';
import type { Connection } from '../connect/connection.js';
import type { AdapterType } from './disks.js';
import { iscsiReadOnly } from './iscsi.js';
import { escapedVolumeName, splitName } from './names.js';
import { lookupPool } from './pools.js';
import { counted, removeFileQuietly, storeFile, writeLocalFile, type TransferCommonOptions } from './transfer.js';
import { datastoreFile, findFile, lookupVolume, type StorageVolume, type VolumeSpec } from './volumes.js';

const DDB_ADAPTER: Record<AdapterType, VmdkAdapterType> = {
  ide: 'ide',
  busLogic: 'buslogic',
  lsiLogic: 'lsilogic',
  lsiLogicsas: 'lsisas1068',
  paraVirtual: 'pvscsi',
};

const ADAPTER_OF_MODEL: Record<string, AdapterType> = {
  buslogic: 'busLogic',
  lsilogic: 'lsiLogic',
  lsisas1068: 'lsiLogicsas',
  vmpvscsi: 'paraVirtual',
};

/** The adapter an image's descriptor names (ddb.adapterType), if it names one esxvirt knows. */
export function adapterOfDescriptor(d: VmdkDescriptor | undefined): AdapterType | undefined {
  if (d?.ddb.adapterType?.toLowerCase() === 'ide') return 'ide';
  const model = scsiModelOfDescriptor(d);
  return model === undefined ? undefined : ADAPTER_OF_MODEL[model];
}

/** Options of importVolume. */
export interface ImportOptions extends TransferCommonOptions {
  /** The disk's adapter type (default: the image's ddb.adapterType, else lsiLogic). */
  adapter?: AdapterType;
}

/** What vol-import did: the new disk and the local image it came from. */
export interface ImportResult {
  vol: StorageVolume;
  /** The image's kind: descriptor (a flat disk), monolithicSparse or streamOptimized. */
  sourceKind: string;
  capacity: number;
}

/**
 * vol-import: a local VMDK (any of Nova's four kinds) becomes the flat VMFS disk `name` of a datastore pool. The
 * extent, then the descriptor, are uploaded through partial files and moved into place; a failure removes both.
 */
export async function importVolume(
  conn: Connection,
  poolName: string,
  localPath: string,
  name: string,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const probe = await openVmdkFile(localPath);
  await probe.close();
  const capacity = probe.capacity;
  const pool = await lookupPool(conn, poolName);
  if (pool.type === 'iscsi') throw iscsiReadOnly('creation');
  if (!/\.vmdk$/i.test(name)) throw new UnsupportedError(`Volume name '${name}' has unsupported suffix, expecting '.vmdk'`);
  const stored = escapedVolumeName(name);
  const existing = await findFile(conn, pool, stored);
  if (existing !== undefined && !opts.force)
    throw new InvalidStateError(`storage volume '${existing.name}' already exists in pool '${pool.name}': use --force to overwrite it`);
  if (capacity > pool.available + (existing?.allocation ?? 0))
    throw new OperationError(
      `not enough free space on pool '${pool.name}': the disk needs ${capacity} bytes, ${pool.available} are available`,
    );
  const { dir, base } = splitName(stored);
  const extent = flatExtentName(base);
  const extentName = dir === '' ? extent : `${dir}/${extent}`;
  const adapter = opts.adapter ?? adapterOfDescriptor(probe.descriptor) ?? 'lsiLogic';
  const descriptor = Buffer.from(
    flatVmdkDescriptor({ capacity, extentFileName: extent, createType: 'vmfs', adapterType: DDB_ADAPTER[adapter] }),
  );
  const common = {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  };
  const raw = {
    size: capacity,
    reopenable: true,
    open: async (): Promise<Readable> => (await openVmdkFile(localPath)).stream(),
  };
  await storeFile(conn, pool, extentName, raw, {
    ...common,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    replace: existing !== undefined,
  });
  try {
    await storeFile(
      conn,
      pool,
      stored,
      { size: descriptor.length, reopenable: true, open: () => Readable.from([descriptor]) },
      {
        ...common,
        replace: existing !== undefined,
      },
    );
  } catch (e) {
    // The extent alone is no disk: remove it, so the import leaves nothing behind.
    await removeFileQuietly(conn, pool.name, extentName);
    throw e;
  }
  return { vol: await lookupVolume(conn, { pool: pool.name, vol: stored }), sourceKind: probe.kind, capacity };
}

/** Subformats vol-export writes. */
export type ExportSubformat = 'streamOptimized' | 'monolithicSparse';

/** Options of exportVolume. */
export interface ExportOptions extends TransferCommonOptions {
  /** streamOptimized (default: compressed, what ESX imports and Glance stores) or monolithicSparse. */
  subformat?: ExportSubformat;
}

/** A datastore file read by ranges (for sparse disks, whose grain tables need random access). */
async function rangeSource(conn: Connection, file: DatastoreFile, signal?: AbortSignal): Promise<RandomAccessSource> {
  const st = await statDatastoreFile(conn.client, file, signal ? { signal } : {});
  const size = st.size ?? 0;
  return {
    size,
    read: (offset, length) =>
      readBody(
        createDatastoreReadStream(conn.client, file, {
          offset,
          length: Math.max(0, Math.min(length, size - offset)),
          ...(signal ? { signal } : {}),
        }).stream,
      ),
  };
}

/**
 * vol-export: a virtual disk of a datastore pool as one local VMDK file (streamOptimized or monolithicSparse), written
 * through a partial file (replaced only with `force`). Returns the disk's capacity.
 */
export async function exportVolume(
  conn: Connection,
  spec: VolumeSpec,
  localPath: string,
  opts: ExportOptions = {},
): Promise<{ vol: StorageVolume; capacity: number; subformat: ExportSubformat }> {
  const vol = await lookupVolume(conn, spec);
  if (vol.kind !== 'disk') throw new UnsupportedError(`volume '${vol.name}' is not a virtual disk: use vol-download for other files`);
  const subformat = opts.subformat ?? 'streamOptimized';
  const { dir } = splitName(vol.name);
  const signal = opts.signal;
  const source = await rangeSource(conn, datastoreFile(conn, vol.pool, vol.name), signal);
  if (source.size === 0) throw new OperationError(`volume '${vol.name}' is empty: the server made no descriptor for it`);
  const reader = await openVmdkReader(source, {
    openExtent: async (fileName) => {
      const stream = createDatastoreReadStream(conn.client, datastoreFile(conn, vol.pool, dir === '' ? fileName : `${dir}/${fileName}`), {
        ...(signal ? { signal } : {}),
        ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      }).stream;
      return Object.assign(stream, { close: async () => void stream.destroy() });
    },
  });
  const capacity = reader.capacity;
  const adapter = adapterOfDescriptor(reader.descriptor);
  const writerOpts = {
    capacity,
    fileName: basename(localPath),
    ...(adapter !== undefined ? { adapterType: DDB_ADAPTER[adapter] } : {}),
  };
  let done = 0;
  const raw = counted(reader.stream(), (c) => {
    done += c.length;
    opts.onProgress?.({ done, total: capacity });
  });
  signal?.addEventListener('abort', () => raw.destroy(new OperationError(`export of ${vol.path} interrupted`)), { once: true });
  try {
    await writeLocalFile(localPath, opts.force === true, async (partial) => {
      if (subformat === 'streamOptimized') await writeStreamOptimizedFile(raw, partial, writerOpts);
      else await writeMonolithicSparseFile(raw, partial, writerOpts);
    });
  } catch (e) {
    raw.destroy();
    if (signal?.aborted === true) throw new OperationError(`export of ${vol.path} interrupted: nothing was written`, { cause: e });
    throw e;
  }
  return { vol, capacity, subformat };
}

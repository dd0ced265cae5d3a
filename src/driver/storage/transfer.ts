/**
 * vol-upload and vol-download: any file of a datastore pool (a disk's descriptor or extent, an ISO) to or from a local
 * file or a stream, streamed with bounded memory. Uploads go to a hidden partial file beside the target and are moved
 * over it only when complete (MoveDatastoreFile_Task), so the target is never half-written; a failure or an abort
 * (Ctrl-C) removes the partial file. Downloads write a local partial file and rename it at the end. A broken
 * connection or an expired session is survived: downloads resume where they broke off, uploads start over.
 * Existing files are replaced only with `force`; `offset`/`length` work as virsh's.
 */
// fs.promises, not node:fs/promises: the bundled CLI then loads the module (~1 ms) only when a command reads files.
import { createReadStream, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidArgumentError, InvalidStateError, NotFoundError, OperationError } from '../../errors.js';
import { tryParseDatastorePath } from '../../datastore-path.js';
import { BufferPool } from '../../soap/http-bulk.js';
import {
  createDatastoreReadStream,
  deleteDatastoreFile,
  FileManagerHandle,
  putDatastoreFile,
  statDatastoreFile,
  type TransferEvent,
  type UploadSource,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { converge } from './converge.js';
import { ensureDirectory } from './disks.js';
import { iscsiReadOnly } from './iscsi.js';
import { escapedVolumeName, partialName, volumePathText } from './names.js';
import { lookupPool, type StoragePool } from './pools.js';
import { storageCall } from './storage-errors.js';
import { datastoreFile, lookupVolume, volumeInPool, type StorageVolume, type VolumeSpec } from './volumes.js';

/** Progress of a transfer: bytes moved and the total when known. */
export type ProgressFn = (progress: { done: number; total: number | undefined }) => void;

/** Options shared by transfers. */
export interface TransferCommonOptions {
  /** Replace an existing target (default: refuse). */
  force?: boolean;
  onProgress?: ProgressFn;
  /** Aborting stops the transfer and removes what it wrote. */
  signal?: AbortSignal;
  /** Re-logins, resumes and restarts (for --debug and tests). */
  onEvent?: (event: TransferEvent) => void;
}

/** Options of uploadVolume. */
export interface UploadOptions extends TransferCommonOptions {
  /** Write the data at this offset of the existing volume, keeping the rest of it (virsh's --offset). */
  offset?: number;
  /** Upload at most this many bytes of the source (virsh's --length). */
  length?: number;
}

/** A local file, or bytes from elsewhere (a stream can be read once: no restart after a failure then). */
export type UploadInput = string | UploadSource | Readable;

/** Where an upload goes: an existing volume, or a new file of a pool. */
interface UploadTarget {
  pool: StoragePool;
  name: string;
  existing: StorageVolume | undefined;
}

async function uploadTarget(conn: Connection, spec: VolumeSpec): Promise<UploadTarget> {
  if (spec.pool !== undefined) {
    const pool = await lookupPool(conn, spec.pool);
    if (pool.type === 'iscsi') throw iscsiReadOnly('upload');
    const existing = await volumeInPool(conn, pool, spec.vol);
    return { pool, name: existing?.name ?? escapedVolumeName(spec.vol), existing };
  }
  try {
    const existing = await lookupVolume(conn, spec);
    const pool = await lookupPool(conn, existing.pool);
    if (pool.type === 'iscsi') throw iscsiReadOnly('upload');
    return { pool, name: existing.name, existing };
  } catch (e) {
    const p = tryParseDatastorePath(spec.vol);
    if (!(e instanceof NotFoundError) || p === undefined || p.path.trim() === '') throw e;
    // A datastore file needs no allocation first: a path to a new file is a new volume.
    return { pool: await lookupPool(conn, p.datastore), name: escapedVolumeName(p.path), existing: undefined };
  }
}

async function localSource(path: string, length: number | undefined): Promise<UploadSource> {
  const st = await fs.stat(path).catch((e: unknown) => {
    throw new NotFoundError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  });
  if (!st.isFile()) throw new InvalidArgumentError(`cannot upload ${path}: not a regular file`);
  const size = length === undefined ? st.size : Math.min(length, st.size);
  return {
    size,
    reopenable: true,
    open: () => (size === 0 ? Readable.from([]) : createReadStream(path, { start: 0, end: size - 1, highWaterMark: 1024 * 1024 })),
  };
}

function sourceOf(input: UploadInput, length: number | undefined): Promise<UploadSource> | UploadSource {
  if (typeof input === 'string') return localSource(input, length);
  if (input instanceof Readable) {
    let used = false;
    return {
      size: length,
      reopenable: false,
      open: () => {
        if (used) throw new OperationError('the upload source stream cannot be read twice');
        used = true;
        return length === undefined ? input : limit(input, length);
      },
    };
  }
  return input;
}

/** `src` passed through, `onChunk` told of every chunk (errors of `src` end the result too). */
export function counted(src: Readable, onChunk: (chunk: Buffer) => void): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  src.on('error', (e) => out.destroy(e));
  out.on('close', () => {
    if (!src.readableEnded) src.destroy();
  });
  return src
    .pipe(
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          onChunk(chunk);
          cb(null, chunk);
        },
      }),
    )
    .pipe(out);
}

/** The first `n` bytes of a stream. */
function limit(src: Readable, n: number): Readable {
  let left = n;
  const out = new PassThrough();
  src.on('data', (c: Buffer) => {
    if (left <= 0) return;
    const k = Math.min(left, c.length);
    left -= k;
    if (!out.write(k === c.length ? c : c.subarray(0, k))) src.pause();
    if (left <= 0) {
      out.end();
      src.destroy();
    }
  });
  out.on('drain', () => src.resume());
  src.on('end', () => out.end());
  src.on('error', (e) => out.destroy(e));
  return out;
}

/** Bytes `start` .. `end` of a datastore file, then `data`, then the file from `resume` on: a patch of a volume. */
function patched(conn: Connection, t: UploadTarget, src: UploadSource, offset: number, existingSize: number): UploadSource {
  const dataLen = src.size ?? 0;
  const total = Math.max(existingSize, offset + dataLen);
  const file = datastoreFile(conn, t.pool.name, t.name);
  return {
    size: total,
    reopenable: src.reopenable,
    open: async () => {
      const parts = async function* (): AsyncGenerator<Buffer> {
        const head = Math.min(offset, existingSize);
        if (head > 0) yield* createDatastoreReadStream(conn.client, file, { length: head }).stream as AsyncIterable<Buffer>;
        for (let gap = offset - head; gap > 0; gap -= 1024 * 1024) yield Buffer.alloc(Math.min(gap, 1024 * 1024));
        yield* (await src.open()) as AsyncIterable<Buffer>;
        const tail = existingSize - (offset + dataLen);
        if (tail > 0)
          yield* createDatastoreReadStream(conn.client, file, { offset: offset + dataLen, length: tail }).stream as AsyncIterable<Buffer>;
      };
      return Readable.from(parts(), { objectMode: false });
    },
  };
}

/** Deletes a datastore file if it is there, ignoring failures (cleanup must not hide the error that caused it). */
export async function removeFileQuietly(conn: Connection, pool: string, name: string): Promise<boolean> {
  try {
    await deleteDatastoreFile(conn.client, volumePathText(pool, name), { datacenter: conn.host.datacenter.ref });
    return true;
  } catch {
    return !(await statDatastoreFile(conn.client, datastoreFile(conn, pool, name)).catch(() => ({ exists: true }))).exists;
  }
}

/** Moves the complete partial file over the target (converging after a lost answer). */
async function commit(conn: Connection, pool: string, partial: string, name: string, replace: boolean): Promise<void> {
  const dc = conn.host.datacenter.ref;
  await storageCall({ method: 'MoveDatastoreFile_Task', what: `store '${name}'`, volume: name, pool }, () =>
    converge(
      async () => {
        const task = await new FileManagerHandle(conn.client).move({
          sourceName: volumePathText(pool, partial),
          sourceDatacenter: dc,
          destinationName: volumePathText(pool, name),
          destinationDatacenter: dc,
          force: replace,
        });
        await task.wait();
      },
      async () =>
        !(await statDatastoreFile(conn.client, datastoreFile(conn, pool, partial))).exists &&
        (await statDatastoreFile(conn.client, datastoreFile(conn, pool, name))).exists,
    ),
  );
}

function interrupted(e: unknown, what: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted === true) return new OperationError(`${what} interrupted: nothing was changed`, { cause: e });
  return e;
}

/**
 * Stores `data` as the file `name` of a pool through a partial file: PUT, then a move over the target. What a failed
 * or interrupted attempt left is removed.
 */
export async function storeFile(
  conn: Connection,
  pool: StoragePool,
  name: string,
  data: UploadSource,
  opts: TransferCommonOptions & { replace: boolean },
): Promise<void> {
  const partial = partialName(name);
  const what = `upload to ${volumePathText(pool.name, name)}`;
  await ensureDirectory(conn, pool.name, name);
  try {
    await storageCall({ method: 'PUT /folder', what }, () =>
      putDatastoreFile(conn.client, datastoreFile(conn, pool.name, partial), data, {
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      }),
    );
    opts.signal?.throwIfAborted();
    await commit(conn, pool.name, partial, name, opts.replace);
  } catch (e) {
    const removed = await removeFileQuietly(conn, pool.name, partial);
    const err = interrupted(e, what, opts.signal);
    if (!removed && err instanceof Error)
      throw new OperationError(`${err.message}; the partial file ${volumePathText(pool.name, partial)} could not be removed`, {
        cause: err,
      });
    throw err;
  }
}

/**
 * vol-upload: writes a local file (or a stream) into a volume, creating the file when it does not exist yet (a
 * datastore file needs no allocation first). Refuses to replace an existing volume without `force`, and an upload
 * larger than the pool's free space before sending anything.
 */
export async function uploadVolume(
  conn: Connection,
  spec: VolumeSpec,
  input: UploadInput,
  opts: UploadOptions = {},
): Promise<StorageVolume> {
  const t = await uploadTarget(conn, spec);
  if (opts.offset !== undefined && t.existing === undefined)
    throw new NotFoundError(`cannot write at an offset of volume '${spec.vol}': it does not exist`);
  if (t.existing !== undefined && !opts.force && opts.offset === undefined)
    throw new InvalidStateError(`storage volume '${t.existing.name}' already exists in pool '${t.pool.name}': use --force to overwrite it`);
  let data = await sourceOf(input, opts.length);
  if (opts.offset !== undefined) {
    if (data.size === undefined) throw new InvalidArgumentError('writing at an offset needs a source of known size (--length)');
    const existingSize = (await statDatastoreFile(conn.client, datastoreFile(conn, t.pool.name, t.name))).size ?? 0;
    data = patched(conn, t, data, opts.offset, existingSize);
  }
  const needed = (data.size ?? 0) - (t.existing?.allocation ?? 0);
  if (data.size !== undefined && needed > t.pool.available)
    throw new OperationError(
      `not enough free space on pool '${t.pool.name}': the upload needs ${needed} bytes, ${t.pool.available} are available`,
    );
  await storeFile(conn, t.pool, t.name, data, { ...opts, replace: t.existing !== undefined });
  return lookupVolume(conn, { pool: t.pool.name, vol: t.name });
}

/** Options of downloadVolume and openVolume. */
export interface DownloadOptions extends TransferCommonOptions {
  /** First byte (virsh's --offset). */
  offset?: number;
  /** Bytes at most (virsh's --length). */
  length?: number;
  /** openVolume: buffers for the stream's chunks, for a reader that hands them back once done (see BufferPool). */
  bufferPool?: BufferPool;
}

/** A volume's bytes as a stream (resumed across broken connections); `size` resolves once the server said it. */
export async function openVolume(
  conn: Connection,
  spec: VolumeSpec,
  opts: DownloadOptions = {},
): Promise<{ vol: StorageVolume; stream: Readable; size: Promise<number | undefined> }> {
  const vol = await lookupVolume(conn, spec);
  if (vol.type === 'block') throw new InvalidArgumentError(`volume '${vol.name}' is an iSCSI LUN: its blocks cannot be read over HTTP`);
  const { stream, size } = createDatastoreReadStream(conn.client, datastoreFile(conn, vol.pool, vol.name), {
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.offset !== undefined ? { offset: opts.offset } : {}),
    ...(opts.length !== undefined ? { length: opts.length } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.bufferPool ? { bufferPool: opts.bufferPool } : {}),
  });
  return { vol, stream, size };
}

/** A local file written through a partial file beside it, renamed into place at the end (removed on failure). */
export async function writeLocalFile(path: string, force: boolean, write: (partial: string) => Promise<void>): Promise<void> {
  if (
    !force &&
    (await fs.stat(path).then(
      () => true,
      () => false,
    ))
  )
    throw new InvalidStateError(`${path} already exists: use --force to overwrite it`);
  const partial = join(dirname(path), `.${basename(path)}.esxvirt-${process.pid}-${Date.now().toString(36)}.part`);
  try {
    await write(partial);
    await fs.rename(partial, path);
  } catch (e) {
    await fs.unlink(partial).catch(() => undefined);
    throw e;
  }
}

/**
 * A local file written from a stream of chunks, each handed back to `pool` once written (fs.WriteStream cannot say
 * when it is done with a chunk). Writes batch what arrived meanwhile (writev); the file is closed when the stream ends.
 */
export class FileSink extends Writable {
  readonly #path: string;
  readonly #pool: BufferPool | undefined;
  #fh: FileHandle | undefined;

  constructor(path: string, pool?: BufferPool) {
    super({ highWaterMark: 1024 * 1024 });
    this.#path = path;
    this.#pool = pool;
  }

  override _construct(cb: (e?: Error | null) => void): void {
    fs.open(this.#path, 'w').then((fh) => {
      this.#fh = fh;
      cb();
    }, cb);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.#writeAll([chunk]).then(() => cb(), cb);
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (e?: Error | null) => void): void {
    this.#writeAll(chunks.map((c) => c.chunk)).then(() => cb(), cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    const fh = this.#fh;
    this.#fh = undefined;
    (fh ? fh.close() : Promise.resolve()).then(() => cb(), cb);
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    const fh = this.#fh;
    this.#fh = undefined;
    if (fh === undefined) return cb(err);
    fh.close().then(
      () => cb(err),
      () => cb(err),
    );
  }

  async #writeAll(chunks: Buffer[]): Promise<void> {
    const fh = this.#fh;
    if (fh === undefined) throw new OperationError(`${this.#path} is closed`);
    let rest = chunks.filter((c) => c.length > 0);
    while (rest.length > 0) {
      // Short writes (a full disk on its way) resume after the bytes written.
      let { bytesWritten } = rest.length === 1 ? await fh.write(rest[0] as Buffer) : await fh.writev(rest.slice(0, 1024));
      while (rest.length > 0 && bytesWritten >= (rest[0] as Buffer).length) {
        bytesWritten -= (rest[0] as Buffer).length;
        rest = rest.slice(1);
      }
      if (bytesWritten > 0) rest[0] = (rest[0] as Buffer).subarray(bytesWritten);
    }
    for (const c of chunks) this.#pool?.give(c);
  }
}

/**
 * vol-download: a volume's bytes into a local file (replaced only with `force`; written through a partial file) or a
 * stream. Returns the volume and the number of bytes written.
 */
export async function downloadVolume(
  conn: Connection,
  spec: VolumeSpec,
  dest: string | Writable,
  opts: DownloadOptions = {},
): Promise<{ vol: StorageVolume; bytes: number }> {
  let bytes = 0;
  // Into a local file, the chunks' buffers go back to the reader once written: nothing else sees them.
  const pool = typeof dest === 'string' ? new BufferPool() : undefined;
  const { vol, stream } = await openVolume(conn, spec, {
    ...opts,
    ...(pool ? { bufferPool: pool } : {}),
    onProgress: (p) => {
      bytes = p.done;
      opts.onProgress?.(p);
    },
  });
  const what = `download of ${vol.path}`;
  const signal = opts.signal ? { signal: opts.signal } : {};
  try {
    if (typeof dest === 'string') {
      await writeLocalFile(dest, opts.force === true, (partial) => pipeline(stream, new FileSink(partial, pool), signal));
    } else {
      await pipeline(stream, dest, signal);
    }
  } catch (e) {
    stream.destroy();
    throw interrupted(e, what, opts.signal);
  }
  return { vol, bytes };
}

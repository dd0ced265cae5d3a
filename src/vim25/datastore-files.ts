/**
 * Datastore files: streamed GET/PUT through the `/folder` service (nothing is buffered whole, progress is
 * reported per chunk), and the FileManager calls MakeDirectory and DeleteDatastoreFile_Task.
 */
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AuthError, HttpError, InvalidArgumentError, NotFoundError } from '../errors.js';
import { withRetry } from '../soap/retry.js';
import { readBody, type TransportResponse } from '../soap/transport.js';
import { isRetryableError } from './call-policy.js';
import type { VimContext } from './context.js';
import { formatDatastorePath, parseDatastorePath, type DatastorePath } from '../datastore-path.js';
import { DeleteDatastoreFile_Task, MakeDirectory } from './generated/methods.js';
import type { MoRef } from './generated/types.js';
import { waitForTask, type WaitForTaskOptions } from './task.js';

/** A datastore file with the datacenter path the `/folder` service needs (e.g. 'ha-datacenter', 'folder1/dc1'). */
export interface DatastoreFile extends DatastorePath {
  dcPath: string;
}

/**
 * The request path (with query) of a datastore file in the `/folder` service: each path segment and both query
 * values percent-encoded, so names with spaces, '&', '#', '?' or non-ASCII characters reach the server intact.
 */
export function datastoreFileUrl(p: DatastorePath, dcPath: string): string {
  const segments = p.path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..'))
    throw new InvalidArgumentError(`datastore path '${formatDatastorePath(p)}' must not contain '.' or '..'`);
  const encoded = segments.map(encodeURIComponent).join('/');
  const query = `dcPath=${encodeURIComponent(dcPath)}&dsName=${encodeURIComponent(p.datastore)}`;
  return `/folder${encoded === '' ? '' : '/' + encoded}?${query}`;
}

/** Options of transfers. */
export interface TransferOptions {
  /** Bytes moved so far and the total when known; called per chunk. */
  onProgress?: (progress: { done: number; total: number | undefined }) => void;
  signal?: AbortSignal;
}

/** An open download: read `stream` to the end or destroy it. */
export interface Download {
  stream: Readable;
  /** Content-Length, when the server sent one. */
  size: number | undefined;
}

/** Opens a datastore file for streamed reading; NotFoundError when it does not exist. */
export async function openDatastoreFile(ctx: VimContext, file: DatastoreFile, opts: TransferOptions = {}): Promise<Download> {
  const url = datastoreFileUrl(file, file.dcPath);
  const get = (): Promise<TransportResponse> =>
    withRetry(() => ctx.transport.get(url, requestOptions(opts)), { isRetryable: isRetryableError, signal: opts.signal, retries: 3 });
  const generation = ctx.sessionGeneration;
  let res = await get();
  if (res.status === 401 || res.status === 403) {
    // The cookie's session expired: log in again and ask once more (a GET can be repeated).
    res.body.destroy();
    await ctx.ensureSession(generation);
    res = await get();
  }
  await checkStatus(res, 'GET', file, [200]);
  const length = Number(res.headers['content-length']);
  return { stream: res.body, size: Number.isSafeInteger(length) && length >= 0 ? length : undefined };
}

/** Reads a (small) datastore file whole, e.g. a .vmx; fails beyond maxBytes (default 16 MiB). */
export async function readDatastoreFile(
  ctx: VimContext,
  file: DatastoreFile,
  opts: TransferOptions & { maxBytes?: number } = {},
): Promise<Buffer> {
  const { stream } = await openDatastoreFile(ctx, file, opts);
  return readBody(stream, opts.maxBytes ?? 16 * 1024 * 1024);
}

/** Streams a datastore file into `dest`; returns the number of bytes written. */
export async function downloadDatastoreFile(
  ctx: VimContext,
  file: DatastoreFile,
  dest: Writable,
  opts: TransferOptions = {},
): Promise<number> {
  const { stream } = await openDatastoreFile(ctx, file, opts);
  let bytes = 0;
  stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await pipeline(stream, dest, opts.signal === undefined ? {} : { signal: opts.signal });
  return bytes;
}

/**
 * Streams `source` into a datastore file (created or replaced). With `size` the body is sent with Content-Length
 * and must have exactly that many bytes; without it, chunked. Not repeated on failure: a stream cannot be replayed.
 */
export async function uploadDatastoreFile(
  ctx: VimContext,
  file: DatastoreFile,
  source: Readable | Buffer,
  size?: number,
  opts: TransferOptions = {},
): Promise<void> {
  const url = datastoreFileUrl(file, file.dcPath);
  const headers = { 'content-type': 'application/octet-stream' };
  const res = await ctx.transport.put(url, source, Buffer.isBuffer(source) ? source.length : size, { ...requestOptions(opts), headers });
  await checkStatus(res, 'PUT', file, [200, 201, 204]);
  res.body.resume();
}

/** Creates a directory (and by default its parents) given as `[datastore] path`. */
export async function makeDirectory(
  ctx: VimContext,
  dsPath: string,
  opts: { datacenter?: MoRef<'Datacenter'>; createParents?: boolean } = {},
): Promise<void> {
  parseDatastorePath(dsPath);
  const fm = fileManager(ctx);
  const args: { name: string; createParentDirectories: boolean; datacenter?: MoRef<'Datacenter'> } = {
    name: dsPath,
    createParentDirectories: opts.createParents ?? true,
  };
  if (opts.datacenter !== undefined) args.datacenter = opts.datacenter;
  await MakeDirectory(ctx.soap, fm, args);
}

/** Deletes a file or directory (recursively) given as `[datastore] path` and waits for the task. */
export async function deleteDatastoreFile(
  ctx: VimContext,
  dsPath: string,
  opts: { datacenter?: MoRef<'Datacenter'> } & WaitForTaskOptions = {},
): Promise<void> {
  parseDatastorePath(dsPath);
  const fm = fileManager(ctx);
  const args: { name: string; datacenter?: MoRef<'Datacenter'> } = { name: dsPath };
  if (opts.datacenter !== undefined) args.datacenter = opts.datacenter;
  const task = await DeleteDatastoreFile_Task(ctx.soap, fm, args);
  await waitForTask(ctx, task, { description: `deleting ${dsPath}`, ...opts });
}

function fileManager(ctx: VimContext): MoRef<'FileManager'> {
  const fm = ctx.serviceContent.fileManager;
  if (fm === undefined) throw new NotFoundError('the server offers no FileManager');
  return fm;
}

function requestOptions(opts: TransferOptions): { signal?: AbortSignal; onProgress?: TransferOptions['onProgress'] } {
  const o: { signal?: AbortSignal; onProgress?: TransferOptions['onProgress'] } = {};
  if (opts.signal !== undefined) o.signal = opts.signal;
  if (opts.onProgress !== undefined) o.onProgress = opts.onProgress;
  return o;
}

async function checkStatus(res: TransportResponse, method: string, file: DatastoreFile, ok: number[]): Promise<void> {
  if (ok.includes(res.status)) return;
  // The error body is short (an HTML or text message); read a little of it for the message, then drop the rest.
  const text = (await readBody(res.body, 64 * 1024).catch(() => Buffer.alloc(0)))
    .toString('utf8')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  const what = `${method} ${formatDatastorePath(file)} (datacenter '${file.dcPath}')`;
  if (res.status === 404) throw new NotFoundError(`${what}: no such file or directory${text ? `: ${text}` : ''}`);
  if (res.status === 401 || res.status === 403) throw new AuthError(`${what}: refused with HTTP ${res.status}`);
  throw new HttpError(res.status, `${what}: HTTP ${res.status} ${res.statusText}${text ? `: ${text}` : ''}`);
}

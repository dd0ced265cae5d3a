/**
 * Datastore transfers that survive a broken connection or an expired session: a read stream that resumes where it
 * broke off (HTTP Range; when a server ignores Range it restarts and skips what was already delivered), an upload
 * that restarts from a fresh source (a PUT cannot be resumed on ESX's /folder service), and a cheap existence check.
 * A 401/403 means the session cookie expired: the session is renewed and the request repeated. Memory stays bounded:
 * data flows chunk by chunk with stream backpressure.
 */
import { Readable } from 'node:stream';
import { ConnectionError, HttpError, NotFoundError, OperationError } from '../errors.js';
import { backoffDelay } from '../soap/retry.js';
import { readBody, type TransportResponse } from '../soap/transport.js';
import { formatDatastorePath } from '../datastore-path.js';
import { isRetryableError } from './call-policy.js';
import type { VimContext } from './context.js';
import { datastoreFileUrl, type DatastoreFile, type TransferOptions } from './datastore-files.js';

/** What happened during a transfer besides moving bytes (for logs and tests). */
export type TransferEvent =
  | { type: 'relogin'; method: 'GET' | 'PUT' }
  | { type: 'resume'; at: number; error: unknown }
  | { type: 'restart'; at: number; error: unknown };

/** Options of resilient transfers. */
export interface ResilientOptions extends TransferOptions {
  /** Attempts after a transient failure without progress in between (default 5). */
  retries?: number;
  /** First backoff delay in ms (default 200). */
  retryDelayMs?: number;
  onEvent?: (event: TransferEvent) => void;
}

/** Options of createDatastoreReadStream. */
export interface ReadStreamOptions extends ResilientOptions {
  /** First byte to read (default 0). */
  offset?: number;
  /** Bytes to read at most (default: to the end of the file). */
  length?: number;
}

/** A datastore file as a stream of its bytes, resumed across connection failures and session expiries. */
export interface DatastoreReadStream {
  stream: Readable;
  /** The file's size, known once the first response arrived (undefined when the server sent none). */
  size: Promise<number | undefined>;
}

/** Existence and size of a datastore file. */
export interface DatastoreFileStat {
  exists: boolean;
  size: number | undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/** Bytes handed on at once by read streams: large enough to amortise per-chunk costs, small enough to stay bounded. */
const BATCH = 256 * 1024;

function what(method: string, file: DatastoreFile): string {
  return `${method} ${formatDatastorePath(file)} (datacenter '${file.dcPath}')`;
}

async function failStatus(res: TransportResponse, method: string, file: DatastoreFile): Promise<never> {
  const text = (await readBody(res.body, 64 * 1024).catch(() => Buffer.alloc(0)))
    .toString('utf8')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  if (res.status === 404) throw new NotFoundError(`${what(method, file)}: no such file or directory`);
  throw new HttpError(res.status, `${what(method, file)}: HTTP ${res.status} ${res.statusText}${text ? `: ${text}` : ''}`);
}

/** Sends a request, renewing the session once when the server says the cookie is no longer valid. */
async function withSession(
  ctx: VimContext,
  method: 'GET' | 'PUT',
  send: () => Promise<TransportResponse>,
  onEvent?: (e: TransferEvent) => void,
): Promise<TransportResponse> {
  const generation = ctx.sessionGeneration;
  const res = await send();
  if (res.status !== 401 && res.status !== 403) return res;
  res.body.destroy();
  await ctx.ensureSession(generation);
  onEvent?.({ type: 'relogin', method });
  return send();
}

function rangeTotal(res: TransportResponse): number | undefined {
  const m = /\/(\d+)\s*$/.exec(String(res.headers['content-range'] ?? ''));
  if (m) return Number(m[1]);
  const n = Number(res.headers['content-length']);
  return res.status === 200 && Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Existence and size of a datastore file, by a one-byte ranged GET (works on every server, whatever characters the
 * name holds, where a datastore search would need a pattern that matches it).
 */
export async function statDatastoreFile(ctx: VimContext, file: DatastoreFile, opts: TransferOptions = {}): Promise<DatastoreFileStat> {
  const url = datastoreFileUrl(file, file.dcPath);
  const headers = { range: 'bytes=0-0' };
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await withSession(ctx, 'GET', () => ctx.transport.get(url, { headers, ...(opts.signal ? { signal: opts.signal } : {}) }));
      if (res.status === 404) {
        res.body.resume();
        return { exists: false, size: undefined };
      }
      // 416: the file exists and is empty, so not even byte 0 can be served.
      if (res.status === 416) {
        res.body.resume();
        return { exists: true, size: 0 };
      }
      // A folder: the server redirects to its listing (path with a trailing slash) or serves the listing.
      if (res.status >= 300 && res.status < 400) {
        res.body.resume();
        return { exists: true, size: undefined };
      }
      if (res.status !== 200 && res.status !== 206) await failStatus(res, 'GET', file);
      res.body.destroy();
      return { exists: true, size: rangeTotal(res) };
    } catch (e) {
      if (attempt >= 3 || !isRetryableError(e)) throw e;
      await sleep(backoffDelay(attempt + 1, 200, 5000), opts.signal);
    }
  }
}

/**
 * Opens a datastore file for reading from `offset` for `length` bytes. A broken connection resumes at the next
 * byte with a Range request; an expired session is renewed first. The stream errors with NotFoundError when the
 * file does not exist, and with the last error after `retries` failures in a row.
 */
export function createDatastoreReadStream(ctx: VimContext, file: DatastoreFile, opts: ReadStreamOptions = {}): DatastoreReadStream {
  const url = datastoreFileUrl(file, file.dcPath);
  const start = opts.offset ?? 0;
  const end = opts.length === undefined ? undefined : start + opts.length;
  const retries = opts.retries ?? 5;
  let resolveSize: (n: number | undefined) => void = () => undefined;
  const size = new Promise<number | undefined>((r) => (resolveSize = r));
  // Rejections surface through the stream; the promise resolves undefined then.
  const body = async function* (): AsyncGenerator<Buffer> {
    let pos = start;
    let failures = 0;
    let total: number | undefined;
    // TLS delivers 16 KiB records; handing them on in batches saves a write (and a stream hop) per record.
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = (): Buffer => {
      const out = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batched);
      batch = [];
      batched = 0;
      const want = end ?? total;
      opts.onProgress?.({ done: pos - start, total: want === undefined ? undefined : want - start });
      return out;
    };
    try {
      while (end === undefined || pos < end) {
        const headers: Record<string, string> = {};
        if (pos > 0 || end !== undefined) headers.range = `bytes=${pos}-${end === undefined ? '' : end - 1}`;
        let res: TransportResponse;
        try {
          res = await withSession(
            ctx,
            'GET',
            () => ctx.transport.get(url, { headers, ...(opts.signal ? { signal: opts.signal } : {}) }),
            opts.onEvent,
          );
        } catch (e) {
          if (++failures > retries || !isRetryableError(e)) throw e;
          await sleep(backoffDelay(failures, opts.retryDelayMs ?? 200, 5000), opts.signal);
          continue;
        }
        if (res.status === 416) {
          // Asked past the end: the file ends here (an empty file, or an offset beyond its size).
          res.body.resume();
          total ??= rangeTotal(res) ?? pos;
          resolveSize(total);
          return;
        }
        if (res.status !== 200 && res.status !== 206) await failStatus(res, 'GET', file);
        total ??= rangeTotal(res);
        resolveSize(total);
        // A server that ignores Range sends the whole file again: skip what was delivered (a restart, not a resume).
        let skip = res.status === 200 ? pos : 0;
        if (skip > 0) opts.onEvent?.({ type: 'restart', at: pos, error: undefined });
        if (res.status === 206) {
          const m = /bytes\s+(\d+)-/.exec(String(res.headers['content-range'] ?? ''));
          if (m === null || Number(m[1]) !== pos)
            throw new OperationError(`${what('GET', file)}: the server answered a range starting at ${m?.[1] ?? '?'}, not ${pos}`);
        }
        const expected = Number(res.headers['content-length']);
        let received = 0;
        try {
          for await (const raw of res.body as AsyncIterable<Buffer>) {
            received += raw.length;
            let chunk = raw;
            if (skip > 0) {
              const k = Math.min(skip, chunk.length);
              skip -= k;
              chunk = chunk.subarray(k);
            }
            if (end !== undefined && pos + chunk.length > end) chunk = chunk.subarray(0, end - pos);
            if (chunk.length === 0) continue;
            pos += chunk.length;
            failures = 0;
            batch.push(chunk);
            batched += chunk.length;
            if (batched >= BATCH) yield flush();
            if (end !== undefined && pos >= end) {
              res.body.destroy();
              if (batched > 0) yield flush();
              return;
            }
          }
          if (Number.isSafeInteger(expected) && received < expected)
            throw new ConnectionError(`${what('GET', file)}: the connection closed after ${received} of ${expected} bytes`, {
              cause: Object.assign(new Error('short body'), { code: 'ECONNRESET' }),
            });
          if (batched > 0) yield flush();
          return;
        } catch (e) {
          res.body.destroy();
          // What arrived before the break is good: it goes out before the rest is asked for.
          if (batched > 0) yield flush();
          if (++failures > retries || !isRetryableError(e)) throw e;
          opts.onEvent?.({ type: 'resume', at: pos, error: e });
          await sleep(backoffDelay(failures, opts.retryDelayMs ?? 200, 5000), opts.signal);
        }
      }
    } finally {
      resolveSize(total);
    }
  };
  const stream = Readable.from(body(), { objectMode: false, highWaterMark: 1024 * 1024 });
  return { stream, size };
}

/** A source of upload bytes: a fresh stream per attempt (so a failed upload can start over), and its size. */
export interface UploadSource {
  /** Opens the data from its beginning. */
  open(): Readable | Promise<Readable>;
  /** Bytes the source yields (sent as Content-Length); undefined sends chunked. */
  size: number | undefined;
  /** False when the source cannot be opened twice (standard input): no restart then. */
  reopenable: boolean;
}

/**
 * PUTs `source` to a datastore file (created or replaced). A broken connection restarts the upload from a fresh
 * source, as ESX's /folder service has no partial PUT; an expired session is renewed. What a broken attempt left on
 * the server is overwritten by the next one; the caller removes it when every attempt failed.
 */
export async function putDatastoreFile(
  ctx: VimContext,
  file: DatastoreFile,
  source: UploadSource,
  opts: ResilientOptions = {},
): Promise<void> {
  const url = datastoreFileUrl(file, file.dcPath);
  const headers = { 'content-type': 'application/octet-stream' };
  const retries = source.reopenable ? (opts.retries ?? 5) : 0;
  for (let attempt = 0; ; attempt++) {
    let sent = 0;
    try {
      const ro = {
        headers,
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (p: { done: number; total: number | undefined }) => {
          sent = p.done;
          opts.onProgress?.(p);
        },
      };
      const res = await withSession(ctx, 'PUT', async () => ctx.transport.put(url, await source.open(), source.size, ro), opts.onEvent);
      if (res.status !== 200 && res.status !== 201 && res.status !== 204) await failStatus(res, 'PUT', file);
      res.body.resume();
      return;
    } catch (e) {
      if (attempt >= retries || !isRetryableError(e) || opts.signal?.aborted === true) throw e;
      opts.onEvent?.({ type: 'restart', at: sent, error: e });
      await sleep(backoffDelay(attempt + 1, opts.retryDelayMs ?? 200, 5000), opts.signal);
      // A session that expired while the body was on its way may show only as a broken connection: a small request
      // first renews it, so the next attempt does not race a 401 against a large body.
      await statDatastoreFile(ctx, file, opts.signal ? { signal: opts.signal } : {}).catch(() => undefined);
    }
  }
}

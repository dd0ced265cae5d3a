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
import type { BufferPool } from '../soap/http-bulk.js';
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
  /** Buffers for the body's chunks, handed back by a reader that is done with them (see BufferPool). */
  bufferPool?: BufferPool;
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
 * A datastore file as a Readable that resumes: each attempt is one GET (ranged after the first byte), whose body's
 * chunks are pushed as they arrive, the body paused while the consumer is behind. A transient failure opens a new
 * request at the next byte after a backoff; a server that ignores Range is read from the start, skipping what was
 * delivered.
 */
class ResumingReader extends Readable {
  readonly #ctx: VimContext;
  readonly #file: DatastoreFile;
  readonly #url: string;
  readonly #opts: ReadStreamOptions;
  readonly #start: number;
  readonly #end: number | undefined;
  readonly #retries: number;
  readonly #onSize: (n: number | undefined) => void;
  #pos: number;
  #failures = 0;
  #total: number | undefined;
  #body: Readable | undefined;
  #opening = false;
  #attempt = 0;

  constructor(ctx: VimContext, file: DatastoreFile, opts: ReadStreamOptions, onSize: (n: number | undefined) => void) {
    super({ highWaterMark: 1024 * 1024 });
    this.#ctx = ctx;
    this.#file = file;
    this.#url = datastoreFileUrl(file, file.dcPath);
    this.#opts = opts;
    this.#start = opts.offset ?? 0;
    this.#end = opts.length === undefined ? undefined : this.#start + opts.length;
    this.#retries = opts.retries ?? 5;
    this.#onSize = onSize;
    this.#pos = this.#start;
  }

  override _read(): void {
    if (this.#body !== undefined) this.#body.resume();
    else if (!this.#opening) void this.#open();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.#attempt++;
    this.#body?.destroy();
    this.#body = undefined;
    this.#onSize(this.#total);
    cb(err);
  }

  #finish(): void {
    this.#attempt++;
    this.#body = undefined;
    this.#onSize(this.#total);
    this.push(null);
  }

  async #open(): Promise<void> {
    this.#opening = true;
    const attempt = ++this.#attempt;
    const headers: Record<string, string> = {};
    const pos = this.#pos;
    if (pos > 0 || this.#end !== undefined) headers.range = `bytes=${pos}-${this.#end === undefined ? '' : this.#end - 1}`;
    let res: TransportResponse;
    try {
      res = await withSession(
        this.#ctx,
        'GET',
        () =>
          this.#ctx.transport.get(this.#url, {
            headers,
            bulk: true,
            ...(this.#opts.signal ? { signal: this.#opts.signal } : {}),
            ...(this.#opts.bufferPool ? { bufferPool: this.#opts.bufferPool } : {}),
          }),
        this.#opts.onEvent,
      );
      if (attempt !== this.#attempt || this.destroyed) {
        res.body.destroy();
        return;
      }
      if (res.status === 416) {
        // Asked past the end: the file ends here (an empty file, or an offset beyond its size).
        res.body.resume();
        this.#total ??= rangeTotal(res) ?? pos;
        this.#opening = false;
        this.#finish();
        return;
      }
      if (res.status !== 200 && res.status !== 206) await failStatus(res, 'GET', this.#file);
      if (res.status === 206) {
        const m = /bytes\s+(\d+)-/.exec(String(res.headers['content-range'] ?? ''));
        if (m === null || Number(m[1]) !== pos)
          throw new OperationError(`${what('GET', this.#file)}: the server answered a range starting at ${m?.[1] ?? '?'}, not ${pos}`);
      }
    } catch (e) {
      this.#opening = false;
      this.#failed(e, attempt);
      return;
    }
    this.#opening = false;
    this.#total ??= rangeTotal(res);
    this.#onSize(this.#total);
    this.#attach(res, attempt);
  }

  #attach(res: TransportResponse, attempt: number): void {
    const body = res.body;
    this.#body = body;
    // A server that ignores Range sends the whole file again: skip what was delivered (a restart, not a resume).
    let skip = res.status === 200 ? this.#pos : 0;
    if (skip > 0) this.#opts.onEvent?.({ type: 'restart', at: this.#pos, error: undefined });
    const expected = Number(res.headers['content-length']);
    let received = 0;
    const end = this.#end;
    body.on('data', (raw: Buffer) => {
      if (attempt !== this.#attempt) return;
      received += raw.length;
      let chunk = raw;
      if (skip > 0) {
        const k = Math.min(skip, chunk.length);
        skip -= k;
        chunk = chunk.subarray(k);
      }
      if (end !== undefined && this.#pos + chunk.length > end) chunk = chunk.subarray(0, end - this.#pos);
      if (chunk.length === 0) return;
      this.#pos += chunk.length;
      this.#failures = 0;
      const want = end ?? this.#total;
      this.#opts.onProgress?.({ done: this.#pos - this.#start, total: want === undefined ? undefined : want - this.#start });
      const more = this.push(chunk);
      if (end !== undefined && this.#pos >= end) {
        body.destroy();
        this.#finish();
      } else if (!more) body.pause();
    });
    body.on('end', () => {
      if (attempt !== this.#attempt) return;
      if (Number.isSafeInteger(expected) && received < expected) {
        const err = new ConnectionError(`${what('GET', this.#file)}: the connection closed after ${received} of ${expected} bytes`, {
          cause: Object.assign(new Error('short body'), { code: 'ECONNRESET' }),
        });
        this.#failed(err, attempt);
        return;
      }
      this.#finish();
    });
    body.on('error', (e: unknown) => this.#failed(e, attempt));
  }

  #failed(e: unknown, attempt: number): void {
    if (attempt !== this.#attempt || this.destroyed) return;
    this.#attempt++;
    this.#body?.destroy();
    this.#body = undefined;
    if (++this.#failures > this.#retries || !isRetryableError(e) || this.#opts.signal?.aborted === true) {
      this.destroy(e instanceof Error ? e : new OperationError(String(e)));
      return;
    }
    this.#opts.onEvent?.({ type: 'resume', at: this.#pos, error: e });
    this.#opening = true;
    sleep(backoffDelay(this.#failures, this.#opts.retryDelayMs ?? 200, 5000), this.#opts.signal).then(
      () => {
        this.#opening = false;
        if (!this.destroyed) void this.#open();
      },
      (err: unknown) => this.destroy(err instanceof Error ? err : new OperationError(String(err))),
    );
  }
}

/**
 * Opens a datastore file for reading from `offset` for `length` bytes. A broken connection resumes at the next
 * byte with a Range request; an expired session is renewed first. The stream errors with NotFoundError when the
 * file does not exist, and with the last error after `retries` failures in a row.
 */
export function createDatastoreReadStream(ctx: VimContext, file: DatastoreFile, opts: ReadStreamOptions = {}): DatastoreReadStream {
  let resolveSize: (n: number | undefined) => void = () => undefined;
  const size = new Promise<number | undefined>((r) => (resolveSize = r));
  return { stream: new ResumingReader(ctx, file, opts, (n) => resolveSize(n)), size };
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

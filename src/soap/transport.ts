/**
 * The HTTP(S) transport to one ESX/vCenter endpoint: pooled keep-alive connections (optionally through a proxy),
 * TLS policy, the session cookie, streamed SOAP posts and streamed datastore file GET/PUT. It knows nothing of SOAP
 * or vSphere types; HTTP statuses are returned, not judged.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { pipeline, Readable } from 'node:stream';
import { EsxError, InvalidArgumentError, InvalidStateError, OperationError } from '../errors.js';
import { createAgent, openDedicated } from './http-agent.js';
import { BODY_CHUNK_BYTES, bulkExchange, type BufferPool } from './http-bulk.js';
import { CookieJar, SESSION_COOKIE } from './http-cookie-jar.js';
import { Limiter } from './http-limiter.js';
import { ProgressCounter, type ProgressListener } from './http-progress.js';
import { parseProxy, type ProxySpec } from './proxy.js';
import { hostPort } from './proxy-connect.js';
import { buildTlsSettings, type TlsVerifyOptions } from './tls-options.js';
import { stalledError, toTransportError } from './transport-errors.js';
import { Watchdog } from './http-watchdog.js';

/** Options of createTransport; TLS options are ignored for http:// URLs. */
export interface TransportOptions extends TlsVerifyOptions {
  /** Endpoint origin: `https://host[:port]` or `http://host[:port]` (no path). */
  url: string;
  /** Proxy as `[type://]host[:port]` (see parseProxy) or already parsed. */
  proxy?: string | ProxySpec | undefined;
  /** Connections kept to the endpoint at most (default 4); also the bound on requests in flight. */
  maxSockets?: number;
  /** Deadline for TCP connect + proxy negotiation + TLS handshake (default 30 s). */
  connectTimeoutMs?: number;
  /**
   * Longest time without progress while a request is in flight — waiting for the answer, or inside a body we are
   * ready to read (default 60 s). A trickle counts as no progress: the clock restarts only after idleMinBytes.
   */
  idleTimeoutMs?: number;
  /** Bytes that count as progress for the idle clock (default 256). */
  idleMinBytes?: number;
  /** Former name of idleTimeoutMs. */
  requestTimeoutMs?: number;
  /** Idle pooled connections are closed after this long (default 30 s). */
  freeSocketTimeoutMs?: number;
  /** User-Agent header (default 'esxvirt'). */
  userAgent?: string;
}

/** Per-request options. */
export interface RequestOptions {
  headers?: Readonly<Record<string, string>>;
  signal?: AbortSignal;
  /** Overrides idleTimeoutMs, e.g. for WaitForUpdatesEx calls that block by design. */
  timeoutMs?: number;
  /** Deadline of the whole exchange, response body included (default: none; SOAP calls set one). */
  deadlineMs?: number;
  /** Progress of the download (GET) or upload (PUT) body (not reported for a bulk GET). */
  onProgress?: ProgressListener;
  /**
   * GET only: a large body, read on a connection of its own (closed after it) into one reused buffer and delivered
   * in chunks of up to 1 MiB, at a fraction of node's HTTP client's CPU cost per byte (see http-bulk.ts).
   */
  bulk?: boolean;
  /** Bulk GET: body buffers to reuse, handed back by a reader that is done with its chunks. */
  bufferPool?: BufferPool;
}

/** A response whose body is still streaming; read it or destroy it, or the connection stays busy. */
export interface TransportResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Readable;
}

/** A response with the body collected as UTF-8 text. */
export interface TextResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One pooled endpoint; every method rejects with an EsxError. */
export interface Transport {
  /** `https://host:port` as used for requests. */
  readonly origin: string;
  /** `host:port`, as named in error messages. */
  readonly target: string;
  /** The jar holding cookies from this endpoint (the session cookie among them). */
  readonly cookies: CookieJar;
  /** Whether close() has been called. */
  readonly closed: boolean;
  /** Sends any request; `body` may be text, bytes or a stream (`size` sets Content-Length for streams). */
  request(
    method: string,
    path: string,
    body?: string | Buffer | Readable,
    size?: number,
    opts?: RequestOptions,
  ): Promise<TransportResponse>;
  /** POSTs a (SOAP) document and returns the streamed response. */
  post(path: string, body: string | Buffer, headers?: Readonly<Record<string, string>>, opts?: RequestOptions): Promise<TransportResponse>;
  /** POSTs and collects the whole response body as text. */
  postText(path: string, body: string | Buffer, headers?: Readonly<Record<string, string>>, opts?: RequestOptions): Promise<TextResponse>;
  /** GETs a resource with a streamed body (progress counts body bytes as they are read). */
  get(path: string, opts?: RequestOptions): Promise<TransportResponse>;
  /** PUTs a stream; with `size` it is sent with Content-Length and must yield exactly that many bytes. */
  put(path: string, source: Readable | Buffer, size?: number, opts?: RequestOptions): Promise<TransportResponse>;
  /** The raw `vmware_soap_session` cookie value (quotes kept), if any. */
  getSessionCookie(): string | undefined;
  /** Sets (or with undefined removes) the `vmware_soap_session` cookie. */
  setSessionCookie(value: string | undefined): void;
  /** Destroys pooled connections; later requests fail with InvalidStateError. */
  close(): void;
}

/** Collects a stream into one Buffer; with `maxBytes` fails (and destroys the stream) beyond that size. */
export async function readBody(body: Readable, maxBytes?: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (maxBytes !== undefined && size > maxBytes) {
      body.destroy();
      throw new OperationError(`response body exceeds the limit of ${maxBytes} bytes`);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Creates a transport for one endpoint; validates options (InvalidArgumentError) and reads the CA file now. */
export function createTransport(opts: TransportOptions): Transport {
  const url = parseOrigin(opts.url);
  const secure = url.protocol === 'https:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  const target = hostPort(host, port);
  const maxSockets = positiveInt('maxSockets', opts.maxSockets, 4);
  const idleTimeoutMs = positiveInt('idleTimeoutMs', opts.idleTimeoutMs ?? opts.requestTimeoutMs, 60_000);
  const idleMinBytes = positiveInt('idleMinBytes', opts.idleMinBytes, 256);
  const proxy = typeof opts.proxy === 'string' ? parseProxy(opts.proxy) : opts.proxy;
  const agent = createAgent({
    secure,
    maxSockets,
    freeSocketTimeoutMs: positiveInt('freeSocketTimeoutMs', opts.freeSocketTimeoutMs, 30_000),
    connectTimeoutMs: positiveInt('connectTimeoutMs', opts.connectTimeoutMs, 30_000),
    proxy,
    tls: secure ? buildTlsSettings(opts) : undefined,
  });
  const limiter = new Limiter(maxSockets);
  const cookies = new CookieJar();
  const userAgent = opts.userAgent ?? 'esxvirt';
  let closed = false;

  const request = async (
    method: string,
    path: string,
    body?: string | Buffer | Readable,
    size?: number,
    ro: RequestOptions = {},
  ): Promise<TransportResponse> => {
    if (closed) throw new InvalidStateError(`transport to ${target} is closed`);
    if (!path.startsWith('/')) throw new InvalidArgumentError(`request path must start with '/': '${path}'`);
    let release: () => void;
    try {
      release = await limiter.acquire(ro.signal);
    } catch (e) {
      throw toTransportError(e, target);
    }
    try {
      if (ro.bulk === true && method === 'GET' && body === undefined) return await bulkGet(path, ro, release);
      return await exchange(method, path, body, size, ro, release);
    } catch (e) {
      release();
      throw e;
    }
  };

  const requestHeaders = (ro: RequestOptions): Record<string, string> => {
    const headers: Record<string, string> = { 'user-agent': userAgent };
    for (const [k, v] of Object.entries(ro.headers ?? {})) headers[k.toLowerCase()] = v;
    const jar = cookies.header();
    if (jar !== undefined) headers['cookie'] = headers['cookie'] === undefined ? jar : `${headers['cookie']}; ${jar}`;
    return headers;
  };

  const bulkGet = async (path: string, ro: RequestOptions, release: () => void): Promise<TransportResponse> => {
    const headers: Record<string, string> = { host: port === (secure ? 443 : 80) ? hostPort(host, port).replace(/:\d+$/, '') : target };
    Object.assign(headers, requestHeaders(ro), { connection: 'close' });
    const head = `GET ${path} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    // The idle clock and the deadline end the exchange through this signal, as does the caller's.
    const stop = new AbortController();
    const forward = (): void => stop.abort(ro.signal?.reason);
    if (ro.signal?.aborted === true) forward();
    else ro.signal?.addEventListener('abort', forward, { once: true });
    const got: { body?: Readable } = {};
    const watch = new Watchdog(ro.timeoutMs ?? idleTimeoutMs, idleMinBytes, ro.deadlineMs, (why) =>
      stop.abort(stalledError(`GET ${path} on ${target}: ${why}`)),
    );
    watch.waiting = () => got.body === undefined || got.body.destroyed || got.body.readableLength < BODY_CHUNK_BYTES;
    const res = await bulkExchange({
      open: (onread) => openDedicated(agent, host, port, onread),
      head,
      pool: ro.bufferPool,
      signal: stop.signal,
      mapError: (e) => toTransportError(e, target),
      progress: (n) => watch.progress(n),
      done: () => {
        watch.stop();
        ro.signal?.removeEventListener('abort', forward);
        release();
      },
    });
    cookies.storeFrom(res.headers['set-cookie']);
    got.body = res.body;
    // Callers that ignore a body must not crash the process when the connection fails later (as for exchange).
    res.body.on('error', () => {});
    return { status: res.status, statusText: res.statusText, headers: res.headers, body: res.body };
  };

  const exchange = (
    method: string,
    path: string,
    body: string | Buffer | Readable | undefined,
    size: number | undefined,
    ro: RequestOptions,
    release: () => void,
  ): Promise<TransportResponse> =>
    new Promise<TransportResponse>((resolve, reject) => {
      const headers = requestHeaders(ro);
      if (typeof body === 'string' || Buffer.isBuffer(body)) headers['content-length'] = String(Buffer.byteLength(body));
      else if (body !== undefined && size !== undefined) headers['content-length'] = String(size);
      else delete headers['content-length'];

      const idleMs = ro.timeoutMs ?? idleTimeoutMs;
      // The first failure wins: later socket noise ('aborted', EPIPE) would hide a timeout or abort.
      let failure: EsxError | undefined;
      let responded = false;
      let out: ProgressCounter | undefined;
      const fail = (e: unknown): EsxError => (failure ??= toTransportError(e, target));
      const req = (secure ? https : http).request({ agent, host, port, method, path, headers, signal: ro.signal });
      const watch = new Watchdog(idleMs, idleMinBytes, ro.deadlineMs, (why) => {
        const err = fail(stalledError(`${method} ${path} on ${target}: ${why}`));
        req.destroy(err);
        out?.destroy(err);
      });
      // The idle clock only runs while we wait for the server: not while a body reader applies backpressure.
      watch.waiting = () => out === undefined || out.destroyed || out.readableLength < out.readableHighWaterMark;
      req.once('close', release);
      req.on('error', (e) => {
        watch.stop();
        const err = fail(e);
        if (!responded) reject(err);
      });
      req.on('response', (res) => {
        responded = true;
        cookies.storeFrom(res.headers['set-cookie']);
        const length = Number(res.headers['content-length']);
        const total = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
        out = new ProgressCounter(total, method === 'GET' ? ro.onProgress : undefined);
        const stream = out;
        res.on('error', (e) => stream.destroy(failure ?? fail(e)));
        res.on('data', (d: Buffer) => watch.progress(d.length));
        res.on('end', () => watch.stop());
        // Callers that ignore a body (e.g. after reading only the status) must not crash the process when the
        // connection fails later; readers still get the error through pipeline, for-await or their own listener.
        stream.on('error', () => {});
        // A consumer that stops early leaves the connection mid-body: it cannot be reused.
        stream.on('close', () => {
          watch.stop();
          if (!res.complete) res.destroy();
        });
        res.pipe(stream);
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: stream });
      });

      if (body === undefined) {
        req.end();
      } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
        req.end(body);
      } else {
        let sourceError: unknown;
        body.once('error', (e) => (sourceError ??= e));
        const counter = new ProgressCounter(
          size,
          (p) => {
            watch.progress(idleMinBytes);
            ro.onProgress?.(p);
          },
          true,
        );
        pipeline(body, counter, req, (err) => {
          if (err === undefined || err === null || responded) return;
          let mapped: EsxError;
          if (err instanceof EsxError) mapped = err;
          else if (sourceError !== undefined) {
            const why = sourceError instanceof Error ? sourceError.message : String(sourceError);
            mapped = new OperationError(`reading the upload source for ${method} ${path} failed: ${why}`, { cause: sourceError });
          } else mapped = fail(err);
          failure ??= mapped;
          req.destroy();
          reject(mapped);
        });
      }
    });

  return {
    origin: `${url.protocol}//${target}`,
    target,
    cookies,
    get closed() {
      return closed;
    },
    request,
    post: (path, body, headers, ro) => request('POST', path, body, undefined, { ...ro, headers: { ...ro?.headers, ...headers } }),
    async postText(path, body, headers, ro) {
      const res = await this.post(path, body, headers, ro);
      const text = (await readBodyMapped(res.body)).toString('utf8');
      return { status: res.status, statusText: res.statusText, headers: res.headers, body: text };
    },
    get: (path, ro) => request('GET', path, undefined, undefined, ro),
    put: (path, source, size, ro) =>
      Buffer.isBuffer(source) ? request('PUT', path, Readable.from([source]), source.length, ro) : request('PUT', path, source, size, ro),
    getSessionCookie: () => cookies.get(SESSION_COOKIE),
    setSessionCookie: (value) => (value === undefined ? cookies.delete(SESSION_COOKIE) : cookies.set(SESSION_COOKIE, value)),
    close() {
      if (closed) return;
      closed = true;
      limiter.close(`transport to ${target} is closed`);
      agent.destroy();
    },
  };

  async function readBodyMapped(body: Readable): Promise<Buffer> {
    try {
      return await readBody(body);
    } catch (e) {
      throw toTransportError(e, target);
    }
  }
}

function parseOrigin(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (e) {
    // Userinfo is cut so a password pasted into the URL never reaches a message.
    throw new InvalidArgumentError(`invalid endpoint URL '${text.replace(/\/\/[^/]*@/, '//')}'`, { cause: e });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidArgumentError(`invalid endpoint URL '${text}': scheme must be https or http`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new InvalidArgumentError(`invalid endpoint URL '${url.protocol}//${url.host}…': expected only scheme://host[:port]`);
  }
  return url;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
  return value;
}

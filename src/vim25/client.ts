/**
 * VimClient: one connection to an ESX/GSX host or a vCenter. Connecting retrieves the service content, logs in
 * and (optionally) starts a keepalive; calls go through the session (re-login once on NotAuthenticated) and the
 * channel (idempotent calls retried with backoff after connection failures); close() logs out.
 */
import { InvalidArgumentError } from '../errors.js';
import type { SoapCaller } from '../soap/codec.js';
import type { ProxySpec } from '../soap/proxy.js';
import type { TlsVerifyOptions } from '../soap/tls-options.js';
import { createTransport, type Transport } from '../soap/transport.js';
import type { VimContext } from './context.js';
import { mapCallError } from './faults.js';
import { RetrieveServiceContent } from './generated/methods.js';
import type { MoRef, ServiceContent, UserSession } from './generated/types.js';
import { Inventory } from './inventory.js';
import { Session } from './session.js';
import { SoapChannel, type CallOptions, type CallStats, type VimEvent } from './soap-channel.js';

/** Everything needed to connect. */
export interface ConnectOptions extends TlsVerifyOptions {
  /** `https://host[:port]` or `http://host[:port]` (transport=http); an optional path names the SDK endpoint (default /sdk). */
  url: string;
  username: string;
  password: string;
  /** Proxy as `[http|socks|socks4|socks4a|socks5]://host[:port]` (libvirt's proxy parameter) or parsed. */
  proxy?: string | ProxySpec;
  /** Retries of idempotent calls after connection failures (default 10, Nova's api_retry_count). */
  retries?: number;
  /** First retry delay in ms (default 500; doubles per retry up to 30 s). */
  retryDelayMs?: number;
  /** Seconds between keepalive calls (CurrentTime) that keep an idle session from expiring; 0 (default): none. */
  keepaliveSeconds?: number;
  /** Objects per RetrievePropertiesEx page (default 1000; Nova's maximum_objects). */
  pageSize?: number;
  /** Answer VM questions with their default choice (libvirt's auto_answer, default false). */
  autoAnswer?: boolean;
  /** Polling interval for tasks where WaitForUpdatesEx is unavailable, in ms (default 500; Nova's task_poll_interval). */
  taskPollIntervalMs?: number;
  /** 'updates' (default) waits for tasks with WaitForUpdatesEx; 'poll' polls. */
  taskWait?: 'updates' | 'poll';
  /** Pooled connections (default 4). */
  maxSockets?: number;
  /** TCP + proxy + TLS setup deadline in ms (default 30 s). */
  connectTimeoutMs?: number;
  /**
   * Longest time without progress during a request in ms (default 60 s; a trickle of bytes counts as none). Calls that
   * wait by design (WaitForUpdatesEx) set their own.
   */
  idleTimeoutMs?: number;
  /** Former name of idleTimeoutMs. */
  requestTimeoutMs?: number;
  /** Deadline of one SOAP call, answer included, in ms (default 300 s; 0: none). */
  callTimeoutMs?: number;
  /** No retry of a call starts later than this many ms after its first attempt (default 120 s; 0: none). */
  retryDeadlineMs?: number;
  /** User-Agent header. */
  userAgent?: string;
  /** Receives retries, re-logins, keepalive failures and answered questions (for logging; never credentials). */
  onEvent?: (event: VimEvent) => void;
}

/** A logged-in connection; implements the VimContext the helper modules take. */
export class VimClient implements VimContext {
  readonly transport: Transport;
  readonly serviceContent: ServiceContent;
  readonly pageSize: number;
  readonly autoAnswer: boolean;
  readonly taskPollIntervalMs: number;
  taskWait: 'updates' | 'poll';
  /** Lookups with this connection's cache. */
  readonly inventory: Inventory;
  readonly vmTasksInFlight = new Set<string>();
  readonly soap: SoapCaller;
  readonly #channel: SoapChannel;
  readonly #session: Session;
  readonly #onEvent: ((e: VimEvent) => void) | undefined;
  #closed = false;

  private constructor(init: {
    transport: Transport;
    channel: SoapChannel;
    session: Session;
    serviceContent: ServiceContent;
    opts: ConnectOptions;
  }) {
    this.transport = init.transport;
    this.#channel = init.channel;
    this.#session = init.session;
    this.serviceContent = init.serviceContent;
    this.pageSize = init.opts.pageSize ?? 1000;
    this.autoAnswer = init.opts.autoAnswer ?? false;
    this.taskPollIntervalMs = init.opts.taskPollIntervalMs ?? 500;
    this.taskWait = init.opts.taskWait ?? 'updates';
    this.#onEvent = init.opts.onEvent;
    this.soap = this.#session.caller();
    this.inventory = new Inventory(this);
  }

  /** Connects and logs in. Errors: TlsError (mentions no_verify=1), ConnectionError, AuthError, InvalidArgumentError … */
  static async connect(opts: ConnectOptions): Promise<VimClient> {
    const { origin, sdkPath } = splitUrl(opts.url);
    checkOptions(opts);
    const transport = createTransport({
      url: origin,
      proxy: opts.proxy,
      noVerify: opts.noVerify,
      caFile: opts.caFile,
      caMode: opts.caMode,
      thumbprint: opts.thumbprint,
      maxSockets: opts.maxSockets,
      connectTimeoutMs: opts.connectTimeoutMs,
      idleTimeoutMs: opts.idleTimeoutMs ?? opts.requestTimeoutMs,
      userAgent: opts.userAgent,
    });
    try {
      const channel = new SoapChannel(transport, {
        sdkPath,
        retries: opts.retries,
        retryBaseDelayMs: opts.retryDelayMs,
        callTimeoutMs: opts.callTimeoutMs,
        retryDeadlineMs: opts.retryDeadlineMs,
        onEvent: opts.onEvent,
      });
      let serviceContent: ServiceContent;
      try {
        // The first contact retries little: a host that is down or refuses should fail the connect in seconds,
        // not after api_retry_count backoffs; the retry budget is for connections that broke while in use.
        serviceContent = await RetrieveServiceContent(callerOf(channel, { retries: Math.min(opts.retries ?? 10, 2) }), {
          type: 'ServiceInstance',
          value: 'ServiceInstance',
        });
      } catch (e) {
        throw mapCallError(e, 'RetrieveServiceContent');
      }
      // Answers follow the version the server speaks; members newer than our declaration are skipped when decoding.
      channel.soapAction = `urn:vim25/${serviceContent.about.apiVersion}`;
      const session = new Session(channel, serviceContent, {
        username: opts.username,
        password: opts.password,
        target: transport.target,
        keepaliveSeconds: opts.keepaliveSeconds,
        onEvent: opts.onEvent,
        clearSessionCookie: () => transport.setSessionCookie(undefined),
      });
      await session.login();
      return new VimClient({ transport, channel, session, serviceContent, opts });
    } catch (e) {
      transport.close();
      throw e;
    }
  }

  /** A SoapCaller with per-call options (abort signal, timeout, retries). */
  caller(opts: CallOptions): SoapCaller {
    return this.#session.caller(opts);
  }

  /** True for vCenter, false for ESX/GSX. */
  get isVCenter(): boolean {
    return this.serviceContent.about.apiType === 'VirtualCenter';
  }

  /** The server's API version, e.g. '6.5'. */
  get apiVersion(): string {
    return this.serviceContent.about.apiVersion;
  }

  /** `host:port` of the server. */
  get target(): string {
    return this.transport.target;
  }

  /** The logged-in user's name as given at connect time. */
  get username(): string {
    return this.#session.username;
  }

  /** The user session returned by the last Login. */
  get userSession(): UserSession | undefined {
    return this.#session.userSession;
  }

  /** Counts logins (1 after connect; more after re-logins). */
  get sessionGeneration(): number {
    return this.#session.generation;
  }

  /** SOAP requests, retries and re-logins so far. */
  get stats(): CallStats {
    return this.#channel.stats;
  }

  /** The service instance reference, for CurrentTime and the like. */
  get serviceInstance(): MoRef<'ServiceInstance'> {
    return { type: 'ServiceInstance', value: 'ServiceInstance' };
  }

  /** Whether close() has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  ensureSession(failedGeneration: number): Promise<void> {
    return this.#session.ensureSession(failedGeneration);
  }

  emit(event: VimEvent): void {
    this.#onEvent?.(event);
  }

  /** Logs out and closes the connections; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#session.logout();
    } finally {
      this.transport.close();
    }
  }
}

function callerOf(channel: SoapChannel, opts: CallOptions): SoapCaller {
  return { invoke: (method, thisRef, params, returns) => channel.invoke(method, thisRef, params, returns, opts) };
}

/** Splits `scheme://host[:port][/path]` into the origin and the SDK path (default /sdk). */
export function splitUrl(url: string): { origin: string; sdkPath: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch (e) {
    throw new InvalidArgumentError(`invalid server URL '${url.replace(/\/\/[^/]*@/, '//')}'`, { cause: e });
  }
  if (u.username !== '' || u.password !== '')
    throw new InvalidArgumentError('the server URL must not carry credentials: pass username and password');
  if (u.search !== '' || u.hash !== '')
    throw new InvalidArgumentError(`server URL '${u.origin}${u.pathname}…' must not have a query or fragment`);
  const path = u.pathname === '/' || u.pathname === '' ? '/sdk' : u.pathname.replace(/\/+$/, '');
  return { origin: `${u.protocol}//${u.host}`, sdkPath: path };
}

function checkOptions(o: ConnectOptions): void {
  const nonNegInt = (name: string, v: number | undefined): void => {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0))
      throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${v}`);
  };
  nonNegInt('retries', o.retries);
  nonNegInt('pageSize', o.pageSize);
  nonNegInt('retryDelayMs', o.retryDelayMs);
  nonNegInt('taskPollIntervalMs', o.taskPollIntervalMs);
  nonNegInt('callTimeoutMs', o.callTimeoutMs);
  nonNegInt('retryDeadlineMs', o.retryDeadlineMs);
  nonNegInt('idleTimeoutMs', o.idleTimeoutMs);
  if (o.keepaliveSeconds !== undefined && !(o.keepaliveSeconds >= 0 && Number.isFinite(o.keepaliveSeconds))) {
    throw new InvalidArgumentError(`keepaliveSeconds must be a non-negative number, got ${o.keepaliveSeconds}`);
  }
  if (typeof o.username !== 'string' || o.username === '') throw new InvalidArgumentError('a user name is required');
  if (typeof o.password !== 'string') throw new InvalidArgumentError('a password is required');
}

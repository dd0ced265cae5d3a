/**
 * A driver connection (libvirt's virConnect for the ESX driver): parses the URI, finds
 * credentials, logs in, checks that the server is what the scheme says (esx:// a host, vpx://
 * a vCenter, gsx:// VMware Server) and resolves the one host it manages, cached for the
 * connection's life (libvirt's ESX driver page).
 */
import { InternalError, InvalidArgumentError } from '../../errors.js';
import { VimClient, type HostContext, type VimEvent } from '../../vim25/index.js';
import { defaultUsername, KNOWN_URI_PARAMS, parseUri, type EsxUri } from './uri.js';
import { getCredentials, type Prompter } from './auth.js';

/** How to open a connection. */
export interface OpenOptions {
  prompter?: Prompter;
  env?: NodeJS.ProcessEnv;
  /** Debug messages (never credentials). */
  debug?: (message: string) => void;
  /** Warnings about the connection, such as ignored URI parameters (libvirt logs those as warnings). */
  warn?: (message: string) => void;
  /** Objects per property page (default 1000). */
  pageSize?: number;
  /** Retries of idempotent calls after connection failures (default 10). */
  retries?: number;
  /** Seconds between keepalive calls; 0: none. */
  keepaliveSeconds?: number;
  /** Timeouts in ms (see VimClient's ConnectOptions): idle time without progress, one call's deadline, retries' deadline. */
  idleTimeoutMs?: number;
  callTimeoutMs?: number;
  retryDeadlineMs?: number;
  /**
   * esx://, gsx:// only: resolve the host context on first use (`await conn.ready()`) rather than
   * at once; a command that needs none (list) then saves a round trip. vpx:// always resolves
   * at once, since the URI's path must be checked.
   */
  deferHost?: boolean;
}

/** An open connection to one ESX/GSX host, or to one host through a vCenter. */
export class Connection {
  readonly uri: EsxUri;
  readonly client: VimClient;
  #host: HostContext | undefined;

  private constructor(uri: EsxUri, client: VimClient, host: HostContext | undefined) {
    this.uri = uri;
    this.client = client;
    this.#host = host;
  }

  /** The datacenter, compute resource, host and resource pool this connection manages. */
  get host(): HostContext {
    if (!this.#host) throw new InternalError('the host context is not resolved yet: await conn.ready() first');
    return this.#host;
  }

  /** Resolves the host context (once; cached by the inventory) and returns it. */
  async ready(): Promise<HostContext> {
    this.#host ??= await this.client.inventory.hostContext(this.uri.scheme === 'vpx' ? this.uri.path.join('/') : undefined);
    return this.#host;
  }

  /** Opens `uriText`; throws InvalidArgumentError, AuthError, TlsError, ConnectionError … */
  static async open(uriText: string, opts: OpenOptions = {}): Promise<Connection> {
    const uri = parseUri(uriText);
    for (const name of uri.ignoredParams)
      opts.warn?.(`ignoring unexpected query parameter '${name}' in URI (known: ${KNOWN_URI_PARAMS.join(', ')})`);
    const creds = await getCredentials({
      host: uri.host,
      ...(uri.username !== undefined ? { uriUsername: uri.username } : {}),
      defaultUsername: defaultUsername(uri.scheme),
      ...(uri.authFile !== undefined ? { authFile: uri.authFile } : {}),
      ...(opts.prompter !== undefined ? { prompter: opts.prompter } : {}),
      ...(opts.env !== undefined ? { env: opts.env } : {}),
    });
    const debug = opts.debug;
    const host = uri.host.includes(':') ? `[${uri.host}]` : uri.host;
    const client = await VimClient.connect({
      url: `${uri.transport}://${host}:${uri.port}/sdk`,
      username: creds.username,
      password: creds.password,
      noVerify: uri.noVerify,
      autoAnswer: uri.autoAnswer,
      ...(uri.proxy ? { proxy: uri.proxy } : {}),
      ...(uri.thumbprint ? { thumbprint: uri.thumbprint } : {}),
      ...(uri.caFile ? { caFile: uri.caFile } : {}),
      ...(opts.pageSize !== undefined ? { pageSize: opts.pageSize } : {}),
      ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      ...(opts.keepaliveSeconds !== undefined ? { keepaliveSeconds: opts.keepaliveSeconds } : {}),
      ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
      ...(opts.callTimeoutMs !== undefined ? { callTimeoutMs: opts.callTimeoutMs } : {}),
      ...(opts.retryDeadlineMs !== undefined ? { retryDeadlineMs: opts.retryDeadlineMs } : {}),
      ...(debug ? { onEvent: (e: VimEvent) => debug(describeEvent(e)) } : {}),
    });
    try {
      checkProduct(uri, client);
      const conn = new Connection(uri, client, undefined);
      if (opts.deferHost && uri.scheme !== 'vpx') {
        debug?.(`connected to ${client.serviceContent.about.fullName}`);
        return conn;
      }
      const ctx = await conn.ready();
      debug?.(`connected to ${client.serviceContent.about.fullName}; host ${ctx.hostSystemName} in datacenter ${ctx.datacenter.path}`);
      return conn;
    } catch (e) {
      await client.close().catch(() => undefined);
      throw e;
    }
  }

  /** True for vpx:// connections. */
  get isVCenter(): boolean {
    return this.client.isVCenter;
  }

  /** The server's product name and version, e.g. 'VMware ESXi 6.5.0 build-5969303'. */
  get product(): { name: string; version: string; fullName: string; build: string; apiVersion: string } {
    const a = this.client.serviceContent.about;
    return { name: a.name, version: a.version, fullName: a.fullName, build: a.build, apiVersion: a.apiVersion };
  }

  /** Logs out and closes the pooled connections. */
  async close(): Promise<void> {
    await this.client.close();
  }
}

function checkProduct(uri: EsxUri, client: VimClient): void {
  const about = client.serviceContent.about;
  // host[:port] as the user wrote it, for the URI the message suggests
  const at = /^[a-z]+:\/\/(?:[^@/]*@)?([^/?]+)/.exec(uri.text)?.[1] ?? uri.host;
  const isVc = about.apiType === 'VirtualCenter';
  if (uri.scheme === 'vpx' && !isVc) {
    throw new InvalidArgumentError(`${uri.host} is not a vCenter but ${about.fullName}: connect with esx://${at}/ instead of vpx://`);
  }
  if (uri.scheme !== 'vpx' && isVc) {
    throw new InvalidArgumentError(`${uri.host} is a vCenter (${about.fullName}): connect with vpx://${at}/DATACENTER/[CLUSTER/]HOST`);
  }
  const line = (about.productLineId ?? '').toLowerCase();
  if (uri.scheme === 'gsx' && line !== 'gsx') {
    throw new InvalidArgumentError(`${uri.host} is not VMware GSX/Server but ${about.fullName}: use esx://`);
  }
  if (uri.scheme === 'esx' && line === 'gsx') {
    throw new InvalidArgumentError(`${uri.host} is VMware GSX/Server (${about.fullName}): connect with gsx://`);
  }
}

function describeEvent(e: VimEvent): string {
  switch (e.type) {
    case 'retry':
      return `retrying ${e.method} (attempt ${e.attempt}) in ${e.delayMs} ms: ${e.error instanceof Error ? e.error.message : String(e.error)}`;
    case 'relogin':
      return `session expired during ${e.method}: logged in again`;
    case 'keepalive-failed':
      return `keepalive failed: ${e.error instanceof Error ? e.error.message : String(e.error)}`;
    case 'question-answered':
      return `answered question '${e.question}' of ${e.vm} with '${e.choice}'`;
  }
}

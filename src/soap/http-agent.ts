/**
 * Keep-alive agents whose `createConnection` adds what node's agents lack: a connect deadline covering proxy and TLS
 * handshake, proxy tunnels (so pooling keeps working through a proxy), and the thumbprint check after the handshake.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { formatProxy, type ProxySpec } from './proxy.js';
import { hostPort, openProxyTunnel } from './proxy-connect.js';
import { checkPinnedCertificate, type TlsSettings } from './tls-options.js';
import { timeoutError, toTransportError } from './transport-errors.js';

/** What the agent needs to open connections: scheme, pool bounds, deadlines, proxy and TLS policy. */
export interface AgentSettings {
  readonly secure: boolean;
  readonly maxSockets: number;
  /** Idle time after which a pooled socket is closed. */
  readonly freeSocketTimeoutMs: number;
  /** Deadline for TCP connect, proxy negotiation and TLS handshake together. */
  readonly connectTimeoutMs: number;
  readonly proxy?: ProxySpec | undefined;
  readonly tls?: TlsSettings | undefined;
}

type Callback = (err: Error | null, stream: Duplex) => void;
type BaseConnect = (options: http.ClientRequestArgs) => net.Socket;

/** Creates the pooled agent for one transport (an https.Agent or http.Agent depending on `secure`). */
export function createAgent(settings: AgentSettings): http.Agent {
  const common: http.AgentOptions = {
    keepAlive: true,
    maxSockets: settings.maxSockets,
    maxFreeSockets: settings.maxSockets,
    timeout: settings.freeSocketTimeoutMs,
  };
  if (!settings.secure) return new PlainAgent(settings, common);
  const pins = settings.tls?.pins ?? [];
  return new SecureAgent(settings, {
    ...common,
    ...settings.tls?.connectOptions,
    // A resumed session skips certificate checks; with pins every connection must show its certificate.
    ...(pins.length > 0 ? { maxCachedSessions: 0 } : {}),
  });
}

class PlainAgent extends http.Agent {
  readonly #settings: AgentSettings;
  constructor(settings: AgentSettings, options: http.AgentOptions) {
    super(options);
    this.#settings = settings;
  }
  override createConnection(options: http.ClientRequestArgs, callback?: Callback): Duplex | null | undefined {
    return establish(this.#settings, options, callback, (o) => super.createConnection(o) as net.Socket);
  }
}

class SecureAgent extends https.Agent {
  readonly #settings: AgentSettings;
  constructor(settings: AgentSettings, options: https.AgentOptions) {
    super(options);
    this.#settings = settings;
  }
  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    return establish(this.#settings, options, callback, (o) => super.createConnection(o) as tls.TLSSocket);
  }
}

function establish(
  settings: AgentSettings,
  options: http.ClientRequestArgs,
  callback: Callback | undefined,
  base: BaseConnect,
): net.Socket | undefined {
  const host = options.host ?? options.hostname ?? 'localhost';
  const port = Number(options.port);
  const target = hostPort(host, port);
  const via = settings.proxy === undefined ? '' : ` via ${formatProxy(settings.proxy)}`;
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(timeoutError(`connecting to ${target}${via}`, settings.connectTimeoutMs)),
    settings.connectTimeoutMs,
  );

  const watch = (socket: net.Socket): net.Socket => {
    const onAbort = (): void => {
      socket.destroy(deadline.signal.reason as Error);
    };
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      clearTimeout(timer);
      deadline.signal.removeEventListener('abort', onAbort);
    };
    socket.once('close', settle);
    if (socket instanceof tls.TLSSocket) {
      socket.once('secureConnect', () => {
        settle();
        const err = checkPinnedCertificate(socket, settings.tls?.pins ?? [], target);
        if (err !== undefined) socket.destroy(err);
      });
    } else if (socket.connecting) {
      socket.once('connect', settle);
    } else {
      settle();
    }
    return socket;
  };

  if (settings.proxy === undefined) return watch(base(options));

  openProxyTunnel(settings.proxy, host, port, deadline.signal).then(
    (tunnel) => {
      if (settings.secure) {
        callback?.(null, watch(base({ ...options, socket: tunnel } as http.ClientRequestArgs)));
      } else {
        watch(tunnel);
        // The tunnel was paused so no byte got lost between CONNECT and the HTTP client taking over.
        tunnel.resume();
        callback?.(null, tunnel);
      }
    },
    (err: unknown) => {
      clearTimeout(timer);
      callback?.(toTransportError(err, target), undefined as unknown as Duplex);
    },
  );
  return undefined;
}

/**
 * Opens a connection of the agent's kind outside its pool, with its TLS policy, proxy tunnel, deadline and pins:
 * for a bulk GET that reads its response itself. `onread` makes the socket read into one reused buffer (ignored on a
 * proxy tunnel, whose bytes come as 'data' events).
 */
export function openDedicated(agent: http.Agent, host: string, port: number, onread: net.OnReadOpts): Promise<net.Socket> {
  if (!(agent instanceof PlainAgent || agent instanceof SecureAgent)) return Promise.reject(new Error('not an esxvirt agent'));
  return new Promise((resolve, reject) => {
    const options = {
      ...(agent as http.Agent & { options: http.AgentOptions }).options,
      host,
      port,
      onread,
      ...(agent instanceof SecureAgent && net.isIP(host) === 0 ? { servername: host } : {}),
    } as http.ClientRequestArgs;
    const socket = agent.createConnection(options, (err, stream) => (err ? reject(err) : resolve(stream as net.Socket)));
    if (socket !== null && socket !== undefined) resolve(socket as net.Socket);
  });
}

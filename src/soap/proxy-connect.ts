/**
 * Opens a raw TCP stream to a target through a proxy: HTTP CONNECT for `http` proxies (also for plain-HTTP targets,
 * so one code path serves both transports), the `socks` package for SOCKS4/4a/5. The caller runs TLS on top.
 */
import * as net from 'node:net';
import { ConnectionError } from '../errors.js';
import { formatProxy, type ProxySpec } from './proxy.js';
import { toTransportError } from './transport-errors.js';

const MAX_CONNECT_RESPONSE = 16 * 1024;

/** `host:port` with IPv6 hosts in brackets, as used in messages, CONNECT lines and Host headers. */
export function hostPort(host: string, port: number): string {
  return net.isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Opens a tunnel to host:port through the proxy; rejects with ConnectionError, or the signal's reason on abort. */
export async function openProxyTunnel(proxy: ProxySpec, host: string, port: number, signal?: AbortSignal): Promise<net.Socket> {
  const socket = await connectTcp(proxy, signal);
  try {
    if (proxy.type === 'http') return await httpConnect(socket, proxy, host, port, signal);
    return await socksConnect(socket, proxy, host, port, signal);
  } catch (e) {
    socket.destroy();
    throw e;
  }
}

/** Rejects with the abort reason as soon as the signal fires (and at once if it already has). */
function abortable<T>(
  signal: AbortSignal | undefined,
  work: (settle: { resolve: (v: T) => void; reject: (e: unknown) => void }) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let cleanup = (): void => {};
    const onAbort = (): void => {
      cleanup();
      reject(signal?.reason);
    };
    const done = (): void => {
      cleanup();
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = work({
      resolve: (v) => {
        done();
        resolve(v);
      },
      reject: (e) => {
        done();
        reject(e);
      },
    });
  });
}

function connectTcp(proxy: ProxySpec, signal: AbortSignal | undefined): Promise<net.Socket> {
  const label = `proxy ${hostPort(proxy.host, proxy.port)}`;
  return abortable<net.Socket>(signal, ({ resolve, reject }) => {
    const socket = net.connect({ host: proxy.host, port: proxy.port });
    socket.setNoDelay(true);
    const onError = (err: Error): void => reject(toTransportError(err, label));
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
    return () => {
      socket.removeListener('error', onError);
      if (socket.connecting) socket.destroy();
    };
  });
}

function httpConnect(
  socket: net.Socket,
  proxy: ProxySpec,
  host: string,
  port: number,
  signal: AbortSignal | undefined,
): Promise<net.Socket> {
  const target = hostPort(host, port);
  const label = formatProxy(proxy);
  return abortable<net.Socket>(signal, ({ resolve, reject }) => {
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > MAX_CONNECT_RESPONSE)
          reject(new ConnectionError(`proxy ${label} sent an oversized answer to CONNECT ${target}`));
        return;
      }
      detach();
      const statusLine = received.subarray(0, received.indexOf('\r\n')).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (m === null) {
        reject(new ConnectionError(`proxy ${label} sent an invalid answer to CONNECT ${target}: '${statusLine.slice(0, 80)}'`));
        return;
      }
      if (m[1] !== '200') {
        reject(new ConnectionError(`proxy ${label} refused the tunnel to ${target}: ${m[1]} ${m[2] ?? ''}`.trim()));
        return;
      }
      const rest = received.subarray(end + 4);
      // Bytes after the header already belong to the tunnel (a server that speaks first); hand them back.
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    const onError = (err: Error): void => reject(toTransportError(err, `proxy ${label}`));
    const onClose = (): void => reject(new ConnectionError(`proxy ${label} closed the connection before answering CONNECT ${target}`));
    const detach = (): void => {
      socket.removeListener('data', onData);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      socket.pause();
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
    return detach;
  });
}

async function socksConnect(
  socket: net.Socket,
  proxy: ProxySpec,
  host: string,
  port: number,
  signal: AbortSignal | undefined,
): Promise<net.Socket> {
  const label = formatProxy(proxy);
  let destination = host;
  // SOCKS4 carries only IPv4 addresses, so the client resolves; socks4a and socks5 let the proxy resolve the name,
  // which matters when the ESX host is only resolvable on the proxy's side.
  if (proxy.type === 'socks4' && net.isIP(host) === 0) {
    try {
      // Imported here: the bundled CLI would otherwise load node:dns/promises at every start.
      const { lookup } = await import('node:dns/promises');
      destination = (await lookup(host, { family: 4 })).address;
    } catch (e) {
      throw toTransportError(e, hostPort(host, port));
    }
  }
  // Loaded on first use: most connections use no SOCKS proxy, and the package costs ~40 ms at start.
  const { SocksClient } = await import('socks');
  const established = SocksClient.createConnection({
    command: 'connect',
    proxy: { host: proxy.host, port: proxy.port, type: proxy.type === 'socks5' ? 5 : 4 },
    destination: { host: destination, port },
    existing_socket: socket,
    // Our own deadline (the signal) governs; the package's timer is only a backstop.
    timeout: 24 * 3600 * 1000,
  });
  return abortable<net.Socket>(signal, ({ resolve, reject }) => {
    established.then(
      (info) => resolve(info.socket),
      (err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        reject(new ConnectionError(`SOCKS proxy ${label} could not open a connection to ${hostPort(host, port)}: ${why}`, { cause: err }));
      },
    );
    return () => {
      if (signal?.aborted) socket.destroy();
    };
  });
}

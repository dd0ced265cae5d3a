/**
 * An HTTP or HTTPS server on 127.0.0.1 that counts TCP connections (total, open, most open at once) and the SNI
 * names it saw, so tests can check pooling and what the client really did on the wire.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** A running test server and its counters. */
export interface TestServer {
  readonly port: number;
  /** `http(s)://127.0.0.1:PORT`. */
  readonly url: string;
  readonly stats: { connections: number; open: number; maxOpen: number; servernames: (string | false | null)[] };
  /** Closes the server and every connection. */
  close(): Promise<void>;
}

/** Starts a server; with `tls` it is HTTPS. */
export async function startServer(handler: http.RequestListener, tls?: { key: string; cert: string }): Promise<TestServer> {
  const server = tls === undefined ? http.createServer(handler) : https.createServer({ key: tls.key, cert: tls.cert }, handler);
  const stats = { connections: 0, open: 0, maxOpen: 0, servernames: [] as (string | false | null)[] };
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    stats.connections++;
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    sockets.add(socket);
    socket.once('close', () => {
      stats.open--;
      sockets.delete(socket);
    });
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    stats.servernames.push(socket.servername);
  });
  // Client-side pools must be the ones deciding about reuse; keep server connections open long enough.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

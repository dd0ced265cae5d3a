/**
 * A minimal HTTP proxy for tests: answers CONNECT host:port by opening a TCP tunnel and counts tunnels. It can be
 * told to refuse, to check how the client reports a proxy's "no".
 */
import * as net from 'node:net';

/** A running CONNECT proxy. */
export interface ConnectProxy {
  readonly port: number;
  /** Tunnels opened so far and the `host:port` each CONNECT asked for. */
  readonly stats: { tunnels: number; open: number; maxOpen: number; targets: string[] };
  /** When set, CONNECT is answered with this status line (e.g. '403 Forbidden') instead of a tunnel. */
  refuseWith: string | undefined;
  close(): Promise<void>;
}

/** Starts a CONNECT proxy on 127.0.0.1. */
export async function startConnectProxy(): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const proxy: ConnectProxy = {
    port: 0,
    stats: { tunnels: 0, open: 0, maxOpen: 0, targets: [] },
    refuseWith: undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((client) => {
    track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.removeListener('data', onData);
      client.pause();
      const m = /^CONNECT (\S+):(\d+) HTTP\/1\.[01]\r\n/.exec(head.toString('latin1'));
      if (m === null || m[1] === undefined) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      const host = m[1].replace(/^\[(.*)\]$/, '$1');
      proxy.stats.targets.push(`${m[1]}:${m[2]}`);
      if (proxy.refuseWith !== undefined) {
        client.end(`HTTP/1.1 ${proxy.refuseWith}\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const upstream = net.connect(Number(m[2]), host, () => {
        proxy.stats.tunnels++;
        proxy.stats.open++;
        proxy.stats.maxOpen = Math.max(proxy.stats.maxOpen, proxy.stats.open);
        upstream.once('close', () => proxy.stats.open--);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = head.subarray(end + 4);
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      track(upstream);
      upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { port: number }).port = (server.address() as net.AddressInfo).port;
  return proxy;
}

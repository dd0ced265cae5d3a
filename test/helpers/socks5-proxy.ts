/**
 * A minimal SOCKS server for tests: SOCKS5 without authentication and SOCKS4/4a, CONNECT only. Counts connections
 * and records the destination exactly as the client sent it (name or address), so tests can tell who resolved it.
 */
import * as net from 'node:net';

/** A running SOCKS proxy. */
export interface SocksProxy {
  readonly port: number;
  /** Established connections, and `vN host:port` per request as received. */
  readonly stats: { connections: number; open: number; maxOpen: number; requests: string[] };
  close(): Promise<void>;
}

/** Starts the SOCKS proxy on 127.0.0.1. */
export async function startSocksProxy(): Promise<SocksProxy> {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const proxy: SocksProxy = {
    port: 0,
    stats: { connections: 0, open: 0, maxOpen: 0, requests: [] },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const tunnel = (client: net.Socket, host: string, port: number, rest: Buffer, reply: (ok: boolean) => Buffer): void => {
    const upstream = net.connect(port, host, () => {
      proxy.stats.connections++;
      proxy.stats.open++;
      proxy.stats.maxOpen = Math.max(proxy.stats.maxOpen, proxy.stats.open);
      upstream.once('close', () => proxy.stats.open--);
      client.write(reply(true));
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    track(upstream);
    upstream.once('error', () => client.end(reply(false)));
    upstream.once('close', () => client.destroy());
    client.once('close', () => upstream.destroy());
  };

  const server = net.createServer((client) => {
    track(client);
    let buf = Buffer.alloc(0);
    let greeted = false;
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const v = buf[0];
      if (v === 4) {
        // VN CD DSTPORT(2) DSTIP(4) USERID NUL [HOSTNAME NUL when DSTIP is 0.0.0.x]
        const userEnd = buf.indexOf(0, 8);
        if (buf.length < 9 || userEnd < 0) return;
        const ip = [...buf.subarray(4, 8)].join('.');
        let host = ip;
        let end = userEnd + 1;
        if (ip.startsWith('0.0.0.') && ip !== '0.0.0.0') {
          const nameEnd = buf.indexOf(0, end);
          if (nameEnd < 0) return;
          host = buf.subarray(end, nameEnd).toString('latin1');
          end = nameEnd + 1;
        }
        client.removeListener('data', onData);
        client.pause();
        const port = buf.readUInt16BE(2);
        proxy.stats.requests.push(`v4 ${host}:${port}`);
        tunnel(client, host, port, buf.subarray(end), (ok) => Buffer.from([0, ok ? 0x5a : 0x5b, 0, 0, 0, 0, 0, 0]));
        return;
      }
      if (v !== 5) {
        client.destroy();
        return;
      }
      if (!greeted) {
        const n = buf[1];
        if (n === undefined || buf.length < 2 + n) return;
        const noAuth = buf.subarray(2, 2 + n).includes(0);
        client.write(Buffer.from([5, noAuth ? 0 : 0xff]));
        if (!noAuth) {
          client.end();
          return;
        }
        greeted = true;
        buf = buf.subarray(2 + n);
        if (buf.length === 0) return;
      }
      // VER CMD RSV ATYP DST.ADDR DST.PORT
      if (buf.length < 5) return;
      const atyp = buf[3];
      let host: string;
      let at: number;
      if (atyp === 1) {
        if (buf.length < 10) return;
        host = [...buf.subarray(4, 8)].join('.');
        at = 8;
      } else if (atyp === 3) {
        const len = buf[4] ?? 0;
        if (buf.length < 5 + len + 2) return;
        host = buf.subarray(5, 5 + len).toString('latin1');
        at = 5 + len;
      } else if (atyp === 4) {
        if (buf.length < 22) return;
        const groups: string[] = [];
        for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(4 + i * 2).toString(16));
        host = groups.join(':');
        at = 20;
      } else {
        client.destroy();
        return;
      }
      client.removeListener('data', onData);
      client.pause();
      const port = buf.readUInt16BE(at);
      if (buf[1] !== 1) {
        client.end(Buffer.from([5, 7, 0, 1, 0, 0, 0, 0, 0, 0]));
        return;
      }
      proxy.stats.requests.push(`v5 ${host}:${port}`);
      tunnel(client, host, port, buf.subarray(at + 2), (ok) => Buffer.from([5, ok ? 0 : 5, 0, 1, 0, 0, 0, 0, 0, 0]));
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { port: number }).port = (server.address() as net.AddressInfo).port;
  return proxy;
}

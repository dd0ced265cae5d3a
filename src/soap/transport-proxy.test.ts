import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, test } from 'node:test';
import { ConnectionError, TlsError } from '../errors.js';
import { startConnectProxy, type ConnectProxy } from '../../test/helpers/http-connect-proxy.js';
import { startSocksProxy, type SocksProxy } from '../../test/helpers/socks5-proxy.js';
import { startServer, unusedPort, type TestServer } from '../../test/helpers/test-server.js';
import { makeSelfSignedCert, type TestCert } from '../../test/helpers/tls-cert.js';
import { createTransport, readBody, type Transport, type TransportOptions } from './transport.js';

let cert: TestCert;
let secure: TestServer;
let plain: TestServer;
let httpProxy: ConnectProxy;
let socks: SocksProxy;

before(async () => {
  cert = makeSelfSignedCert();
  const handler = (req: { url?: string }, res: { end: (s: string) => void }): void => {
    if (req.url === '/slow') setTimeout(() => res.end('slow'), 30);
    else res.end(`via ${req.url}`);
  };
  secure = await startServer(handler, { key: cert.key, cert: cert.cert });
  plain = await startServer(handler);
  httpProxy = await startConnectProxy();
  socks = await startSocksProxy();
});

after(async () => {
  await Promise.all([secure.close(), plain.close(), httpProxy.close(), socks.close()]);
  cert.cleanup();
});

async function withTransport<T>(opts: TransportOptions, fn: (t: Transport) => Promise<T>): Promise<T> {
  const t = createTransport(opts);
  try {
    return await fn(t);
  } finally {
    t.close();
  }
}

const text = async (t: Transport, path: string): Promise<string> => (await readBody((await t.get(path)).body)).toString();

for (const [name, scheme] of [
  ['HTTPS', 'https'],
  ['HTTP', 'http'],
] as const) {
  test(`bulk GETs (their own connections) go through HTTP CONNECT and SOCKS5 proxies too (${name})`, async () => {
    const target = scheme === 'https' ? secure : plain;
    for (const proxy of [`127.0.0.1:${httpProxy.port}`, `socks5://127.0.0.1:${socks.port}`]) {
      await withTransport({ url: `${scheme}://localhost:${target.port}`, caFile: cert.certFile, proxy }, async (t) => {
        for (let i = 0; i < 2; i++) assert.equal((await readBody((await t.get(`/b${i}`, { bulk: true })).body)).toString(), `via /b${i}`);
      });
    }
  });

  test(`HTTP CONNECT proxy carries ${name} requests, one tunnel per pooled connection`, async () => {
    const target = scheme === 'https' ? secure : plain;
    const before = { tunnels: httpProxy.stats.tunnels, conns: target.stats.connections };
    await withTransport(
      { url: `${scheme}://localhost:${target.port}`, caFile: cert.certFile, proxy: `127.0.0.1:${httpProxy.port}` },
      async (t) => {
        for (let i = 0; i < 3; i++) assert.equal(await text(t, `/h${i}`), `via /h${i}`);
      },
    );
    assert.equal(httpProxy.stats.tunnels - before.tunnels, 1);
    assert.equal(target.stats.connections - before.conns, 1);
    assert.equal(httpProxy.stats.targets.at(-1), `localhost:${target.port}`);
  });

  test(`SOCKS5 proxy carries ${name} requests, the name resolved by the proxy`, async () => {
    const target = scheme === 'https' ? secure : plain;
    const before = socks.stats.connections;
    await withTransport(
      { url: `${scheme}://localhost:${target.port}`, caFile: cert.certFile, proxy: `socks://127.0.0.1:${socks.port}` },
      async (t) => {
        for (let i = 0; i < 3; i++) assert.equal(await text(t, `/s${i}`), `via /s${i}`);
      },
    );
    assert.equal(socks.stats.connections - before, 1);
    assert.equal(socks.stats.requests.at(-1), `v5 localhost:${target.port}`);
  });
}

test('TLS through a tunnel verifies the target and sends its name as SNI', async () => {
  const n = secure.stats.servernames.length;
  await withTransport(
    { url: `https://localhost:${secure.port}`, caFile: cert.certFile, proxy: `http://127.0.0.1:${httpProxy.port}` },
    async (t) => {
      assert.equal(await text(t, '/sni'), 'via /sni');
    },
  );
  assert.deepEqual(secure.stats.servernames.slice(n), ['localhost']);
  // Verification still applies through the tunnel.
  await assert.rejects(
    withTransport({ url: `https://localhost:${secure.port}`, proxy: `http://127.0.0.1:${httpProxy.port}` }, (t) => t.get('/')),
    (e: unknown) => e instanceof TlsError && new RegExp(`verification failed for localhost:${secure.port}: self-signed`).test(e.message),
  );
  await withTransport({ url: secure.url, thumbprint: cert.sha1, proxy: `socks5://127.0.0.1:${socks.port}` }, async (t) => {
    assert.equal(await text(t, '/pinned'), 'via /pinned');
  });
});

test('socks4 resolves the name locally, socks4a lets the proxy resolve it', async () => {
  await withTransport({ url: `http://localhost:${plain.port}`, proxy: `socks4://127.0.0.1:${socks.port}` }, async (t) => {
    assert.equal(await text(t, '/v4'), 'via /v4');
  });
  assert.equal(socks.stats.requests.at(-1), `v4 127.0.0.1:${plain.port}`);
  await withTransport({ url: `http://localhost:${plain.port}`, proxy: `socks4a://127.0.0.1:${socks.port}` }, async (t) => {
    assert.equal(await text(t, '/v4a'), 'via /v4a');
  });
  assert.equal(socks.stats.requests.at(-1), `v4 localhost:${plain.port}`);
});

test('maxSockets also bounds tunnels opened concurrently (asynchronous connection setup)', async () => {
  for (const [proxy, count] of [
    [`127.0.0.1:${httpProxy.port}`, () => httpProxy.stats.tunnels],
    [`socks5://127.0.0.1:${socks.port}`, () => socks.stats.connections],
  ] as const) {
    const before = count();
    await withTransport({ url: secure.url, thumbprint: cert.sha256, proxy, maxSockets: 2 }, async (t) => {
      const results = await Promise.all(Array.from({ length: 8 }, () => text(t, '/slow')));
      assert.deepEqual(results, Array(8).fill('slow'));
    });
    assert.equal(count() - before, 2, proxy);
  }
});

test('a proxy that refuses the tunnel is a ConnectionError quoting its answer', async () => {
  httpProxy.refuseWith = '403 Forbidden';
  try {
    await assert.rejects(
      withTransport({ url: secure.url, noVerify: true, proxy: `127.0.0.1:${httpProxy.port}` }, (t) => t.get('/')),
      (e: unknown) =>
        e instanceof ConnectionError &&
        e.message === `proxy http://127.0.0.1:${httpProxy.port} refused the tunnel to 127.0.0.1:${secure.port}: 403 Forbidden`,
    );
  } finally {
    httpProxy.refuseWith = undefined;
  }
});

test('an unreachable proxy is a ConnectionError naming the proxy', async () => {
  const port = await unusedPort();
  for (const proxy of [`127.0.0.1:${port}`, `socks5://127.0.0.1:${port}`]) {
    await assert.rejects(
      withTransport({ url: secure.url, noVerify: true, proxy }, (t) => t.get('/')),
      (e: unknown) => e instanceof ConnectionError && e.message === `cannot connect to proxy 127.0.0.1:${port}: connection refused`,
    );
  }
});

test('a SOCKS proxy that cannot reach the target is a ConnectionError', async () => {
  const port = await unusedPort();
  await assert.rejects(
    withTransport({ url: `http://127.0.0.1:${port}`, proxy: `socks5://127.0.0.1:${socks.port}` }, (t) => t.get('/')),
    (e: unknown) =>
      e instanceof ConnectionError &&
      new RegExp(`^SOCKS proxy socks5://127\\.0\\.0\\.1:${socks.port} could not open a connection to 127\\.0\\.0\\.1:${port}: `).test(
        e.message,
      ),
  );
});

test('the connect deadline covers a proxy that never answers', async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((s) => sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  try {
    for (const type of ['http', 'socks5']) {
      await assert.rejects(
        withTransport({ url: secure.url, noVerify: true, proxy: `${type}://127.0.0.1:${port}`, connectTimeoutMs: 80 }, (t) => t.get('/')),
        (e: unknown) =>
          e instanceof ConnectionError &&
          new RegExp(`^connecting to 127\\.0\\.0\\.1:${secure.port} via ${type}://127\\.0\\.0\\.1:${port} timed out after 80 ms$`).test(
            e.message,
          ),
      );
    }
    assert.equal(sockets.size, 2);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});

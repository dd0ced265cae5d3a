import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, test } from 'node:test';
import { ConnectionError, InvalidArgumentError, InvalidStateError, OperationError } from '../errors.js';
import { startServer, unusedPort, type TestServer } from '../../test/helpers/test-server.js';
import { makeSelfSignedCert, type TestCert } from '../../test/helpers/tls-cert.js';
import { createTransport, readBody, type Transport } from './transport.js';

let cert: TestCert;
let server: TestServer;
let inFlight = 0;
let maxInFlight = 0;
const seen: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

before(async () => {
  cert = makeSelfSignedCert();
  server = await startServer(
    (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        if (req.url === '/login') {
          res.setHeader('Set-Cookie', 'vmware_soap_session="52c0ffee"; Path=/; HttpOnly; Secure');
          res.end('<ok/>');
        } else if (req.url === '/logout') {
          res.setHeader('Set-Cookie', 'vmware_soap_session=; Max-Age=0; Path=/');
          res.end();
        } else if (req.url === '/slow') {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          setTimeout(() => {
            inFlight--;
            res.end('slow');
          }, 30);
        } else if (req.url === '/never') {
          // no answer: exercises the request timeout
        } else if (req.url === '/trickle') {
          // one byte every 20 ms, for ever: progress too slow to count
          res.writeHead(200);
          const timer = setInterval(() => res.write('x'), 20);
          res.on('close', () => clearInterval(timer));
        } else if (req.url === '/steady') {
          // 4 KiB every 20 ms for 300 ms: slow but real progress
          res.writeHead(200);
          let n = 0;
          const timer = setInterval(() => {
            if (++n > 15) {
              clearInterval(timer);
              res.end();
            } else res.write('y'.repeat(4096));
          }, 20);
        } else if (req.url === '/big') {
          res.end(Buffer.alloc(4 << 20, 7));
        } else if (req.url === '/half') {
          res.writeHead(200, { 'content-length': '100' });
          res.write('x'.repeat(10));
          setTimeout(() => res.socket?.destroy(), 10);
        } else if (req.url === '/status') {
          res.writeHead(500, 'Internal Server Error', { 'content-type': 'text/xml' });
          res.end('<fault/>');
        } else {
          res.end(`echo ${req.method} ${req.url}`);
        }
      });
    },
    { key: cert.key, cert: cert.cert },
  );
});

after(async () => {
  await server.close();
  cert.cleanup();
});

function transport(extra: Partial<Parameters<typeof createTransport>[0]> = {}): Transport {
  return createTransport({ url: server.url, thumbprint: cert.sha256, ...extra });
}

const text = async (t: Transport, path: string): Promise<string> => (await readBody((await t.get(path)).body)).toString();

test('sequential requests reuse one keep-alive connection', async () => {
  const before = server.stats.connections;
  const t = transport();
  try {
    for (let i = 0; i < 5; i++) assert.equal(await text(t, `/n${i}`), `echo GET /n${i}`);
    assert.equal(server.stats.connections - before, 1);
  } finally {
    t.close();
  }
});

test('concurrent requests never use more than maxSockets connections', async () => {
  const before = server.stats.connections;
  maxInFlight = 0;
  const t = transport({ maxSockets: 3 });
  try {
    const results = await Promise.all(Array.from({ length: 12 }, () => text(t, '/slow')));
    assert.deepEqual(results, Array(12).fill('slow'));
    assert.equal(server.stats.connections - before, 3);
    assert.equal(maxInFlight, 3);
  } finally {
    t.close();
  }
});

test('the default pool holds 4 connections', async () => {
  const before = server.stats.connections;
  maxInFlight = 0;
  const t = transport();
  try {
    await Promise.all(Array.from({ length: 10 }, () => text(t, '/slow')));
    assert.equal(server.stats.connections - before, 4);
    assert.equal(maxInFlight, 4);
  } finally {
    t.close();
  }
});

test("post sends the body with Content-Length and the caller's headers; postText collects the answer", async () => {
  const t = transport();
  try {
    const body = '<Envelope>é</Envelope>';
    const res = await t.postText('/sdk', body, { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'urn:vim25/8.0' });
    assert.equal(res.status, 200);
    assert.equal(res.body, 'echo POST /sdk');
    const last = seen.at(-1);
    assert.equal(last?.body, body);
    assert.equal(last?.headers['content-length'], String(Buffer.byteLength(body)));
    assert.equal(last?.headers['soapaction'], 'urn:vim25/8.0');
    assert.equal(last?.headers['content-type'], 'text/xml; charset=utf-8');
    assert.equal(last?.headers['user-agent'], 'esxvirt');
  } finally {
    t.close();
  }
});

test('HTTP error statuses are returned, not thrown', async () => {
  const t = transport();
  try {
    const res = await t.postText('/status', '<x/>');
    assert.equal(res.status, 500);
    assert.equal(res.statusText, 'Internal Server Error');
    assert.equal(res.headers['content-type'], 'text/xml');
    assert.equal(res.body, '<fault/>');
  } finally {
    t.close();
  }
});

test('the session cookie is stored, resent, settable, and removed by Max-Age=0', async () => {
  const t = transport();
  try {
    await text(t, '/first');
    assert.equal(seen.at(-1)?.headers['cookie'], undefined);
    assert.equal(t.getSessionCookie(), undefined);
    await t.postText('/login', '<Login/>');
    assert.equal(t.getSessionCookie(), '"52c0ffee"');
    await t.postText('/sdk', '<x/>');
    assert.equal(seen.at(-1)?.headers['cookie'], 'vmware_soap_session="52c0ffee"');
    await text(t, '/folder/a.vmx');
    assert.equal(seen.at(-1)?.headers['cookie'], 'vmware_soap_session="52c0ffee"');
    t.setSessionCookie('"resumed"');
    await t.post('/sdk', '<x/>', { Cookie: 'extra=1' }).then((r) => readBody(r.body));
    assert.equal(seen.at(-1)?.headers['cookie'], 'extra=1; vmware_soap_session="resumed"');
    await text(t, '/logout');
    assert.equal(t.getSessionCookie(), undefined);
    await text(t, '/after');
    assert.equal(seen.at(-1)?.headers['cookie'], undefined);
    t.setSessionCookie('"x"');
    t.setSessionCookie(undefined);
    assert.equal(t.cookies.header(), undefined);
  } finally {
    t.close();
  }
});

test('a request without an answer fails after the inactivity timeout with ConnectionError', async () => {
  const t = transport({ requestTimeoutMs: 5_000 });
  try {
    await assert.rejects(t.get('/never', { timeoutMs: 80 }), (e: unknown) => {
      assert.ok(e instanceof ConnectionError, String(e));
      assert.match(e.message, /^GET \/never on 127\.0\.0\.1:\d+: no progress for 80 ms \(idle timeout\)$/);
      return true;
    });
    // The pool recovers: the timed-out connection was dropped, a new one serves the next request.
    assert.equal(await text(t, '/again'), 'echo GET /again');
  } finally {
    t.close();
  }
});

test('a server trickling a byte at a time counts as idle and times out; steady progress does not', async () => {
  const t = transport({ idleTimeoutMs: 120 });
  try {
    const started = Date.now();
    await assert.rejects(
      async () => readBody((await t.get('/trickle')).body),
      (e: unknown) => {
        assert.ok(e instanceof ConnectionError, String(e));
        assert.match(e.message, /^GET \/trickle on 127\.0\.0\.1:\d+: no progress for 120 ms \(idle timeout\)$/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 2000);
    assert.equal((await readBody((await t.get('/steady')).body)).length, 15 * 4096);
  } finally {
    t.close();
  }
});

test('the deadline bounds a whole exchange however steadily the server sends', async () => {
  const t = transport({ idleTimeoutMs: 5_000 });
  try {
    await assert.rejects(
      async () => readBody((await t.get('/steady', { deadlineMs: 100 })).body),
      (e: unknown) => {
        assert.ok(e instanceof ConnectionError, String(e));
        assert.match(e.message, /^GET \/steady on 127\.0\.0\.1:\d+: no complete answer within the deadline of 100 ms$/);
        return true;
      },
    );
  } finally {
    t.close();
  }
});

test('a slow reader is not a stalled server: backpressure stops the idle clock', async () => {
  const t = transport({ idleTimeoutMs: 200 });
  try {
    const res = await t.get('/big');
    let size = 0;
    let reads = 0;
    for await (const c of res.body) {
      size += (c as Buffer).length;
      // a consumer slower than the idle timeout between reads, while the server waits for it
      if (++reads === 2) await new Promise((r) => setTimeout(r, 800));
    }
    assert.equal(size, 4 << 20);
  } finally {
    t.close();
  }
});

test('a connection that dies mid-body fails the body stream with ConnectionError', async () => {
  const t = transport();
  try {
    const res = await t.get('/half');
    await assert.rejects(
      readBody(res.body),
      (e: unknown) => e instanceof ConnectionError && /closed before the response was complete/.test(e.message),
    );
  } finally {
    t.close();
  }
});

test('a TLS handshake that never finishes hits the connect timeout', async () => {
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((s) => sockets.add(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  const t = createTransport({ url: `https://127.0.0.1:${port}`, connectTimeoutMs: 80 });
  try {
    await assert.rejects(
      t.get('/'),
      (e: unknown) =>
        e instanceof ConnectionError && new RegExp(`^connecting to 127\\.0\\.0\\.1:${port} timed out after 80 ms$`).test(e.message),
    );
  } finally {
    t.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});

test('connection refused names host:port', async () => {
  const port = await unusedPort();
  const t = createTransport({ url: `http://127.0.0.1:${port}` });
  try {
    await assert.rejects(
      t.get('/'),
      (e: unknown) => e instanceof ConnectionError && e.message === `cannot connect to 127.0.0.1:${port}: connection refused`,
    );
  } finally {
    t.close();
  }
});

test('unresolvable host names are ConnectionError', async () => {
  const t = createTransport({ url: 'http://no-such-host.invalid:8080', connectTimeoutMs: 5_000 });
  try {
    await assert.rejects(
      t.get('/'),
      (e: unknown) => e instanceof ConnectionError && /cannot resolve the host name of no-such-host\.invalid:8080/.test(e.message),
    );
  } finally {
    t.close();
  }
});

test('an aborted request rejects with OperationError, also while waiting for a pool slot', async () => {
  const t = transport({ maxSockets: 1 });
  try {
    const ac = new AbortController();
    const busy = t.get('/slow');
    const waiting = t.get('/slow', { signal: ac.signal });
    ac.abort();
    await assert.rejects(waiting, (e: unknown) => e instanceof OperationError && /was aborted/.test(e.message));
    assert.equal(await readBody((await busy).body).then(String), 'slow');
    const ac2 = new AbortController();
    const p = t.get('/never', { signal: ac2.signal });
    setTimeout(() => ac2.abort(), 20);
    await assert.rejects(p, OperationError);
    assert.equal(await text(t, '/ok'), 'echo GET /ok');
  } finally {
    t.close();
  }
});

test('close() rejects later requests with InvalidStateError', async () => {
  const t = transport();
  assert.equal(t.closed, false);
  t.close();
  t.close();
  assert.equal(t.closed, true);
  await assert.rejects(t.get('/'), InvalidStateError);
});

test('invalid URLs, paths and numbers are InvalidArgumentError; passwords never echoed', async () => {
  assert.throws(() => createTransport({ url: 'ftp://h' }), /scheme must be https or http/);
  assert.throws(() => createTransport({ url: 'https://h/sdk' }), /expected only scheme:\/\/host\[:port\]/);
  assert.throws(
    () => createTransport({ url: 'https://root:secret@h' }),
    (e: unknown) => e instanceof InvalidArgumentError && !e.message.includes('secret'),
  );
  assert.throws(
    () => createTransport({ url: 'not a url secret@' }),
    (e: unknown) => e instanceof InvalidArgumentError,
  );
  assert.throws(() => createTransport({ url: 'https://h', maxSockets: 0 }), /maxSockets must be a positive integer/);
  assert.throws(() => createTransport({ url: 'https://h', proxy: 'gopher://p' }), /unknown proxy type/);
  const t = createTransport({ url: 'https://h' });
  assert.equal(t.origin, 'https://h:443');
  assert.equal(t.target, 'h:443');
  await assert.rejects(t.get('sdk'), InvalidArgumentError);
  t.close();
  const v6 = createTransport({ url: 'http://[::1]:8080' });
  assert.equal(v6.target, '[::1]:8080');
  v6.close();
});

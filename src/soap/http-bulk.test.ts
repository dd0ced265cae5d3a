import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConnectionError, OperationError } from '../errors.js';
import { startServer, type TestServer } from '../../test/helpers/test-server.js';
import { makeSelfSignedCert, type TestCert } from '../../test/helpers/tls-cert.js';
import { BODY_CHUNK_BYTES, BufferPool, parseResponseHead, ResponseReader, type ResponseHead } from './http-bulk.js';
import { createTransport, readBody, type Transport } from './transport.js';

/** Feeds `text` to a reader in pieces of `step` bytes; returns what it reported. */
function read(text: string | Buffer, step: number, close = false): { head?: ResponseHead; body: string; ended: boolean } {
  const out: { head?: ResponseHead; body: string; ended: boolean } = { body: '', ended: false };
  const r = new ResponseReader({
    head: (h) => (out.head = h),
    data: (c) => {
      out.body += c.toString('latin1');
      return true;
    },
    end: () => (out.ended = true),
  });
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  for (let i = 0; i < buf.length; i += step) r.feed(buf.subarray(i, i + step));
  if (close) r.close();
  return out;
}

test('ResponseReader: head and a Content-Length body, however the bytes are split; extra bytes are ignored', () => {
  const text = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\nX-A: 1\r\nx-a: 2\r\n\r\nhelloEXTRA';
  for (const step of [1, 2, 7, 1000]) {
    const out = read(text, step);
    assert.equal(out.head?.status, 200);
    assert.equal(out.head?.statusText, 'OK');
    assert.deepEqual(out.head?.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(out.head?.headers['x-a'], '1, 2');
    assert.equal(out.body, 'hello');
    assert.ok(out.ended);
  }
});

test('ResponseReader: chunked bodies with extensions and trailers; 100 Continue skipped; 204 has no body', () => {
  const text =
    'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '5;ext=1\r\nhello\r\n1A\r\n' +
    'abcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n';
  for (const step of [1, 3, 1000]) {
    const out = read(text, step);
    assert.equal(out.head?.status, 200);
    assert.equal(out.body, 'helloabcdefghijklmnopqrstuvwxyz');
    assert.ok(out.ended);
  }
  assert.deepEqual(read('HTTP/1.1 204 No Content\r\n\r\n', 1), {
    head: parseResponseHead('HTTP/1.1 204 No Content'),
    body: '',
    ended: true,
  });
});

test('ResponseReader: a body without length ends with the connection; malformed answers throw', () => {
  const open = read('HTTP/1.0 200 OK\r\n\r\nabc', 2);
  assert.equal(open.body, 'abc');
  assert.equal(open.ended, false);
  assert.equal(read('HTTP/1.0 200 OK\r\n\r\nabc', 2, true).ended, true);
  assert.throws(() => read('SSH-2.0-OpenSSH\r\n\r\n', 100), OperationError);
  assert.throws(() => read('HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n', 100), OperationError);
  assert.throws(() => read('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 100), OperationError);
  assert.throws(() => read(`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(70_000)}`, 4096), OperationError);
});

test('BufferPool: a buffer comes back only once sealed and every chunk cut from it was given back', () => {
  const pool = new BufferPool(2);
  const a = pool.take();
  assert.equal(a.length, BODY_CHUNK_BYTES);
  pool.lend(a);
  pool.lend(a);
  pool.seal(a);
  pool.give(a.subarray(0, 10));
  pool.give(Buffer.alloc(10)); // not ours: ignored
  assert.notEqual(pool.take().buffer, a.buffer, 'one chunk is still out');
  pool.give(a.subarray(10, 20));
  assert.equal(pool.take().buffer, a.buffer);
  const b = pool.take();
  pool.lend(b);
  pool.give(b);
  assert.notEqual(pool.take().buffer, b.buffer, 'not sealed: more chunks may still be cut from it');
});

const TOTAL = 8 * 1024 * 1024 + 123;
const byteAt = (i: number): number => (i * 7 + (i >> 16)) & 0xff;
const pattern = (from: number, n: number): Buffer => {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = byteAt(from + i);
  return b;
};

let cert: TestCert;
let server: TestServer;
let t: Transport;
const seen: { host?: string | undefined; cookie?: string | undefined; connection?: string | undefined } = {};

before(async () => {
  cert = makeSelfSignedCert();
  server = await startServer(
    (req, res) => {
      Object.assign(seen, { host: req.headers.host, cookie: req.headers.cookie, connection: req.headers.connection });
      if (req.url === '/big') {
        res.writeHead(200, { 'content-length': String(TOTAL), 'set-cookie': 'vmware_soap_session="s2"; Path=/' });
        let at = 0;
        const pump = (): void => {
          while (at < TOTAL) {
            const n = Math.min(100_000, TOTAL - at);
            const more = res.write(pattern(at, n));
            at += n;
            if (!more) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
      } else if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part one, ');
        setTimeout(() => res.end('part two'), 50);
      } else if (req.url === '/cut') {
        res.writeHead(200, { 'content-length': '1000000' });
        res.write(Buffer.alloc(300_000));
        setTimeout(() => res.socket?.destroy(), 20);
      } else if (req.url === '/stall') {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('x');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no such file');
      }
    },
    { key: cert.key, cert: cert.cert },
  );
  t = createTransport({ url: server.url, thumbprint: cert.sha1, maxSockets: 1, idleTimeoutMs: 300 });
  t.setSessionCookie('"s1"');
});

after(async () => {
  t.close();
  await server.close();
  cert.cleanup();
});

test('bulk GET: a large body arrives whole, in chunks of at most 1 MiB, with the cookie, Host and Connection: close', async () => {
  const res = await t.get('/big', { bulk: true });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-length'], String(TOTAL));
  let at = 0;
  let pieces = 0;
  for await (const c of res.body) {
    const buf = c as Buffer;
    assert.ok(buf.length <= BODY_CHUNK_BYTES);
    assert.ok(buf.equals(pattern(at, buf.length)), `bytes at ${at}`);
    at += buf.length;
    pieces++;
  }
  assert.equal(at, TOTAL);
  assert.ok(pieces >= 9, `${pieces} pieces`);
  assert.deepEqual(seen, { host: server.url.replace(/^https:\/\//, ''), cookie: 'vmware_soap_session="s1"', connection: 'close' });
  assert.equal(t.getSessionCookie(), '"s2"');
});

test('bulk GET with a buffer pool: chunks handed back are reused, and what the reader holds is never overwritten', async () => {
  const pool = new BufferPool();
  const buffers = new Set<ArrayBufferLike>();
  for (let round = 0; round < 2; round++) {
    const res = await t.get('/big', { bulk: true, bufferPool: pool });
    let at = 0;
    const held: { buf: Buffer; at: number }[] = [];
    for await (const c of res.body) {
      const buf = c as Buffer;
      buffers.add(buf.buffer);
      held.push({ buf, at });
      at += buf.length;
      // Hand chunks back two behind, checking them first: a reused buffer must not have changed under them.
      while (held.length > 2) {
        const h = held.shift() as { buf: Buffer; at: number };
        assert.ok(h.buf.equals(pattern(h.at, h.buf.length)), `bytes at ${h.at}`);
        pool.give(h.buf);
      }
    }
    for (const h of held) assert.ok(h.buf.equals(pattern(h.at, h.buf.length)), `bytes at ${h.at}`);
    assert.equal(at, TOTAL);
  }
  assert.ok(buffers.size <= 8, `${buffers.size} buffers for 2 × ${TOTAL} bytes`);
});

test('bulk GET: chunked bodies, error statuses with their text, and the pool slot freed after each', async () => {
  const res = await t.get('/chunked', { bulk: true });
  assert.equal((await readBody(res.body)).toString(), 'part one, part two');
  const missing = await t.get('/nothing', { bulk: true });
  assert.equal(missing.status, 404);
  assert.equal((await readBody(missing.body)).toString(), 'no such file');
  // maxSockets is 1: a slot still held would make this wait forever.
  const again = await t.get('/chunked');
  assert.equal((await readBody(again.body)).toString(), 'part one, part two');
});

test('bulk GET: a connection cut mid-body and a stalled server fail the body with ConnectionError', async () => {
  const cut = await t.get('/cut', { bulk: true });
  await assert.rejects(
    readBody(cut.body),
    (e: unknown) => e instanceof ConnectionError && /closed before the response was complete/.test(e.message),
  );
  const stall = await t.get('/stall', { bulk: true });
  await assert.rejects(readBody(stall.body), (e: unknown) => e instanceof ConnectionError && /idle timeout/.test(e.message));
});

test('bulk GET: an abort mid-body errors the body; a reader that stops early closes the connection', async () => {
  const ac = new AbortController();
  const res = await t.get('/big', { bulk: true, signal: ac.signal });
  let got = 0;
  await assert.rejects(
    (async () => {
      for await (const c of res.body) {
        got += (c as Buffer).length;
        ac.abort();
      }
    })(),
    (e: unknown) => e instanceof OperationError && /aborted/.test(e.message),
  );
  assert.ok(got < TOTAL);
  await assert.rejects(
    t.get('/big', { bulk: true, signal: ac.signal }),
    (e: unknown) => e instanceof OperationError && /aborted/.test(e.message),
  );
  const early = await t.get('/big', { bulk: true });
  for await (const c of early.body) if ((c as Buffer).length > 0) break;
  const after = await t.get('/chunked', { bulk: true });
  assert.equal((await readBody(after.body)).toString(), 'part one, part two');
});

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { InvalidArgumentError, OperationError } from '../errors.js';
import { startServer, type TestServer } from '../../test/helpers/test-server.js';
import { makeSelfSignedCert, type TestCert } from '../../test/helpers/tls-cert.js';
import type { TransferProgress } from './http-progress.js';
import { createTransport, readBody, type Transport } from './transport.js';

// 8 MiB in 64 KiB chunks. Each side may run at most WINDOW chunks ahead of what the other has seen, so an
// implementation that collects a whole body before handing it on deadlocks (and the test times out) instead of passing.
const CHUNK = 64 * 1024;
const COUNT = 128;
const TOTAL = CHUNK * COUNT;
const WINDOW = 4;
const OPTS = { timeout: 20_000 };

const chunk = (i: number): Buffer => Buffer.alloc(CHUNK, i % 251);

/** A counter others can wait on until it reaches a value. */
class Gauge {
  value = 0;
  #waiters: { min: number; wake: () => void }[] = [];
  add(n: number): void {
    this.value += n;
    this.#waiters = this.#waiters.filter((w) => (w.min <= this.value ? (w.wake(), false) : true));
  }
  set(n: number): void {
    this.add(n - this.value);
  }
  until(min: number): Promise<void> {
    return min <= this.value ? Promise.resolve() : new Promise((wake) => this.#waiters.push({ min, wake }));
  }
}

/** A lazy source of `count` chunks; chunk i is produced only once `gate` has reached (i - WINDOW) chunks. */
function gatedSource(gate: Gauge, count = COUNT): Readable & { produced: number } {
  let i = 0;
  const source = new Readable({
    read() {
      if (i >= count) {
        this.push(null);
        return;
      }
      const n = i++;
      void gate.until((n - WINDOW) * CHUNK).then(() => {
        source.produced += CHUNK;
        this.push(chunk(n));
      });
    },
  }) as Readable & { produced: number };
  source.produced = 0;
  return source;
}

/** Checks the chunk pattern incrementally, without keeping the data. */
class PatternCheck {
  offset = 0;
  maxPiece = 0;
  pieces = 0;
  feed(buf: Buffer): void {
    this.pieces++;
    this.maxPiece = Math.max(this.maxPiece, buf.length);
    for (let k = 0; k < buf.length; k += 4096) {
      const expected = Math.floor((this.offset + k) / CHUNK) % 251;
      assert.equal(buf[k], expected, `byte at ${this.offset + k}`);
    }
    this.offset += buf.length;
  }
}

let cert: TestCert;
let server: TestServer;
let t: Transport;
const clientSeen = new Gauge();
const serverSeen = new Gauge();
let lastUpload: { bytes: number; ok: boolean; contentLength: string | undefined; chunked: boolean } | undefined;

before(async () => {
  cert = makeSelfSignedCert();
  server = await startServer(
    (req, res) => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-length': String(TOTAL), 'content-type': 'application/octet-stream' });
        gatedSource(clientSeen).pipe(res);
        return;
      }
      serverSeen.set(0);
      const check = new PatternCheck();
      let ok = true;
      req.on('data', (buf: Buffer) => {
        try {
          check.feed(buf);
        } catch {
          ok = false;
        }
        serverSeen.add(buf.length);
      });
      req.on('end', () => {
        lastUpload = {
          bytes: check.offset,
          ok,
          contentLength: req.headers['content-length'],
          chunked: req.headers['transfer-encoding'] === 'chunked',
        };
        res.writeHead(201);
        res.end(String(check.offset));
      });
      req.on('error', () => {});
    },
    { key: cert.key, cert: cert.cert },
  );
  t = createTransport({ url: server.url, thumbprint: cert.sha1 });
});

after(async () => {
  t.close();
  await server.close();
  cert.cleanup();
});

function assertProgress(events: TransferProgress[], total: number | undefined): void {
  assert.ok(events.length >= 16, `only ${events.length} progress events`);
  for (let k = 1; k < events.length; k++) assert.ok((events[k]?.done ?? 0) > (events[k - 1]?.done ?? 0));
  assert.ok(events.every((e) => e.total === total));
  assert.equal(events.at(-1)?.done, TOTAL);
}

test('GET streams a large body chunk by chunk with progress', OPTS, async () => {
  clientSeen.set(0);
  const events: TransferProgress[] = [];
  const res = await t.get('/folder/big.vmdk', {
    onProgress: (p) => {
      events.push(p);
      clientSeen.set(p.done);
    },
  });
  assert.equal(res.status, 200);
  const check = new PatternCheck();
  for await (const buf of res.body) check.feed(buf as Buffer);
  assert.equal(check.offset, TOTAL);
  assert.ok(check.pieces >= 16, `${check.pieces} pieces`);
  assert.ok(check.maxPiece <= 1024 * 1024, `a piece of ${check.maxPiece} bytes`);
  assertProgress(events, TOTAL);
});

test('PUT streams a large source with Content-Length and progress, never reading far ahead', OPTS, async () => {
  const events: TransferProgress[] = [];
  let maxAhead = 0;
  const source = gatedSource(serverSeen);
  const res = await t.put('/folder/up.vmdk?dcPath=dc1&dsName=ds1', source, TOTAL, {
    onProgress: (p) => {
      events.push(p);
      maxAhead = Math.max(maxAhead, source.produced - serverSeen.value);
    },
  });
  assert.equal(res.status, 201);
  assert.equal((await readBody(res.body)).toString(), String(TOTAL));
  assert.deepEqual(lastUpload, { bytes: TOTAL, ok: true, contentLength: String(TOTAL), chunked: false });
  assertProgress(events, TOTAL);
  assert.ok(maxAhead <= (WINDOW + 1) * CHUNK, `source ran ${maxAhead} bytes ahead of the server`);
});

test('PUT without a size is sent chunked', OPTS, async () => {
  const events: TransferProgress[] = [];
  const res = await t.put('/folder/up2', gatedSource(serverSeen), undefined, { onProgress: (p) => events.push(p) });
  assert.equal(res.status, 201);
  await readBody(res.body);
  assert.deepEqual(lastUpload, { bytes: TOTAL, ok: true, contentLength: undefined, chunked: true });
  assertProgress(events, undefined);
});

test('PUT of a Buffer', async () => {
  const res = await t.put('/folder/small', Buffer.concat([chunk(0), chunk(1)]));
  assert.equal(res.status, 201);
  assert.equal((await readBody(res.body)).toString(), String(2 * CHUNK));
  assert.equal(lastUpload?.contentLength, String(2 * CHUNK));
});

test('a source yielding fewer or more bytes than its size fails with InvalidArgumentError', async () => {
  await assert.rejects(
    t.put('/folder/short', Readable.from([chunk(0)]), CHUNK + 1),
    (e: unknown) => e instanceof InvalidArgumentError && /yielded fewer bytes than its declared size of 65537/.test(e.message),
  );
  await assert.rejects(
    t.put('/folder/long', Readable.from([chunk(0), chunk(1)]), CHUNK),
    (e: unknown) => e instanceof InvalidArgumentError && /yielded more bytes/.test(e.message),
  );
});

test('a failing source is reported as such', async () => {
  const source = new Readable({
    read() {
      this.destroy(Object.assign(new Error('EIO: disk on fire'), { code: 'EIO' }));
    },
  });
  await assert.rejects(
    t.put('/folder/x', source, 10),
    (e: unknown) =>
      e instanceof OperationError && /^reading the upload source for PUT \/folder\/x failed: EIO: disk on fire$/.test(e.message),
  );
});

test('aborting a download mid-body errors the body stream and frees the pool', OPTS, async () => {
  clientSeen.set(0);
  const ac = new AbortController();
  const res = await t.get('/folder/big.vmdk', { signal: ac.signal, onProgress: (p) => clientSeen.set(p.done) });
  let got = 0;
  await assert.rejects(
    (async () => {
      for await (const buf of res.body) {
        got += (buf as Buffer).length;
        if (got >= 4 * CHUNK) ac.abort();
      }
    })(),
    (e: unknown) => e instanceof OperationError && /aborted/.test(e.message),
  );
  assert.ok(got < TOTAL);
  const again = await t.put('/folder/after', Buffer.from('ok'));
  assert.equal(again.status, 201);
  await readBody(again.body);
});

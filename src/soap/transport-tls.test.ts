import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ConnectionError, InvalidArgumentError, TlsError } from '../errors.js';
import { startServer, type TestServer } from '../../test/helpers/test-server.js';
import { makeSelfSignedCert, type TestCert } from '../../test/helpers/tls-cert.js';
import { createTransport, type TransportOptions } from './transport.js';

let cert: TestCert;
let other: TestCert;
let server: TestServer;
let plain: TestServer;

before(async () => {
  cert = makeSelfSignedCert();
  other = makeSelfSignedCert('DNS:other.example');
  server = await startServer((_req, res) => res.end('hello'), { key: cert.key, cert: cert.cert });
  plain = await startServer((_req, res) => res.end('plain'));
});

after(async () => {
  await server.close();
  await plain.close();
  cert.cleanup();
  other.cleanup();
});

async function fetchText(opts: Partial<TransportOptions>, url = server.url): Promise<string> {
  const t = createTransport({ url, ...opts });
  try {
    const res = await t.get('/');
    assert.equal(res.status, 200);
    let text = '';
    for await (const chunk of res.body) text += String(chunk);
    return text;
  } finally {
    t.close();
  }
}

function assertTls(pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof TlsError, String(e));
    assert.equal(e.code, 'TlsError');
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'));
    return true;
  };
}

test('a self-signed certificate is refused by default, naming the endpoint and no_verify=1', async () => {
  await assert.rejects(
    fetchText({}),
    assertTls(
      new RegExp(
        `^TLS certificate verification failed for 127\\.0\\.0\\.1:${server.port}: self-signed certificate \\(connect with no_verify=1 to skip verification, or pin its thumbprint\\)$`,
      ),
    ),
  );
});

test('noVerify accepts it', async () => {
  assert.equal(await fetchText({ noVerify: true }), 'hello');
});

test('caFile trusts it, in addition to or instead of the default store', async () => {
  assert.equal(await fetchText({ caFile: cert.certFile }), 'hello');
  assert.equal(await fetchText({ caFile: cert.certFile, caMode: 'replace' }), 'hello');
});

test('a trusted certificate for another name still fails the hostname check', async () => {
  const s = await startServer((_req, res) => res.end('x'), { key: other.key, cert: other.cert });
  try {
    await assert.rejects(
      fetchText({ caFile: other.certFile }, s.url),
      assertTls(/verification failed for 127\.0\.0\.1:\d+: .*altnames.*no_verify=1/),
    );
  } finally {
    await s.close();
  }
});

test('a matching SHA-1 pin (vSphere form) is accepted', async () => {
  assert.equal(await fetchText({ thumbprint: cert.sha1 }), 'hello');
});

test('a matching SHA-256 pin (lower case, no colons) is accepted', async () => {
  assert.equal(await fetchText({ thumbprint: cert.sha256.replace(/:/g, '').toLowerCase() }), 'hello');
});

test('any of several pins may match', async () => {
  assert.equal(await fetchText({ thumbprint: [other.sha1, cert.sha256] }), 'hello');
});

test("a wrong pin is refused, showing the server's thumbprint", async () => {
  await assert.rejects(
    fetchText({ thumbprint: other.sha1 }),
    assertTls(new RegExp(`does not match the pinned thumbprint \\(server has SHA-1 ${cert.sha1}; .*no_verify=1`)),
  );
  await assert.rejects(fetchText({ thumbprint: other.sha256 }), assertTls(new RegExp(`server has SHA-256 ${cert.sha256}`)));
  // A pin is checked even when the chain would verify.
  await assert.rejects(fetchText({ thumbprint: other.sha1, caFile: cert.certFile }), assertTls(/does not match the pinned thumbprint/));
});

test('noVerify skips the pin as well (no_verify=1 means no checks)', async () => {
  assert.equal(await fetchText({ thumbprint: other.sha1, noVerify: true }), 'hello');
});

test('no request byte reaches the server when the certificate is refused', async () => {
  let requests = 0;
  const s = await startServer(
    (_req, res) => {
      requests++;
      res.end('x');
    },
    { key: cert.key, cert: cert.cert },
  );
  try {
    await assert.rejects(fetchText({ thumbprint: other.sha1 }, s.url), TlsError);
    await assert.rejects(fetchText({}, s.url), TlsError);
    assert.equal(s.stats.connections, 2);
    assert.equal(requests, 0);
    assert.equal(await fetchText({ thumbprint: cert.sha1 }, s.url), 'x');
    assert.equal(requests, 1);
  } finally {
    await s.close();
  }
});

test('https to a plain HTTP server is a TLS handshake error with a transport=http hint', async () => {
  await assert.rejects(
    fetchText({}, plain.url.replace('http:', 'https:')),
    assertTls(/^TLS handshake with 127\.0\.0\.1:\d+ failed: .*transport=http/),
  );
});

test('http:// URLs work and ignore TLS options', async () => {
  assert.equal(await fetchText({ thumbprint: cert.sha1 }, plain.url), 'plain');
});

test('invalid TLS options fail at creation with InvalidArgumentError', () => {
  assert.throws(() => createTransport({ url: server.url, thumbprint: 'AB:CD' }), InvalidArgumentError);
  assert.throws(() => createTransport({ url: server.url, caFile: '/nonexistent/ca.pem' }), InvalidArgumentError);
});

test('refused connections are ConnectionError, not TlsError', async () => {
  const s = await startServer((_req, res) => res.end());
  const url = s.url.replace('http:', 'https:');
  await s.close();
  await assert.rejects(
    fetchText({}, url),
    (e: unknown) => e instanceof ConnectionError && /cannot connect to 127\.0\.0\.1:\d+: connection refused/.test(e.message),
  );
});

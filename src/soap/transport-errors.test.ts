import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionError, EsxError, InternalError, NotFoundError, OperationError, TlsError } from '../errors.js';
import { isTransientConnectionError } from './retry.js';
import { isCertificateError, timeoutError, toTransportError } from './transport-errors.js';

const sysErr = (code: string, message: string, extra: object = {}): Error => Object.assign(new Error(message), { code }, extra);
const T = 'esx.example.com:443';

test('socket errors become ConnectionError naming host:port, keeping the cause', () => {
  const cases: [Error, string][] = [
    [sysErr('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'), `cannot connect to ${T}: connection refused`],
    [sysErr('ENOTFOUND', 'getaddrinfo ENOTFOUND esx.example.com'), `cannot resolve the host name of ${T} (ENOTFOUND)`],
    [sysErr('EAI_AGAIN', 'getaddrinfo EAI_AGAIN esx.example.com'), `cannot resolve the host name of ${T} (EAI_AGAIN)`],
    [sysErr('EHOSTUNREACH', 'x'), `cannot connect to ${T}: host unreachable`],
    [sysErr('ENETUNREACH', 'x'), `cannot connect to ${T}: network unreachable`],
    [sysErr('ECONNRESET', 'socket hang up'), `connection to ${T} closed unexpectedly (socket hang up)`],
    [sysErr('ECONNRESET', 'aborted'), `connection to ${T} closed before the response was complete`],
    [sysErr('ECONNRESET', 'read ECONNRESET'), `connection to ${T} was reset`],
    [sysErr('EPIPE', 'write EPIPE'), `connection to ${T} was closed by the peer while sending (EPIPE)`],
    [sysErr('ETIMEDOUT', 'connect ETIMEDOUT'), `connection to ${T} timed out`],
    [sysErr('HPE_INVALID_CONSTANT', 'Parse Error: Expected HTTP/'), `invalid HTTP response from ${T}: Parse Error: Expected HTTP/`],
    [sysErr('EWHATEVER', 'odd'), `connection to ${T} failed: odd`],
  ];
  for (const [err, message] of cases) {
    const mapped = toTransportError(err, T);
    assert.ok(mapped instanceof ConnectionError, message);
    assert.equal(mapped.message, message);
    assert.equal(mapped.cause, err);
  }
});

test('certificate errors become TlsError with the no_verify=1 hint; handshake errors without it', () => {
  const cert = toTransportError(sysErr('CERT_HAS_EXPIRED', 'certificate has expired'), T);
  assert.ok(cert instanceof TlsError);
  assert.equal(
    cert.message,
    `TLS certificate verification failed for ${T}: certificate has expired (connect with no_verify=1 to skip verification, or pin its thumbprint)`,
  );
  assert.ok(isCertificateError(sysErr('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'x')));
  assert.ok(!isCertificateError(sysErr('ECONNRESET', 'x')));
  const hs = toTransportError(sysErr('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'long text', { reason: 'sslv3 alert handshake failure' }), T);
  assert.ok(hs instanceof TlsError);
  assert.equal(hs.message, `TLS handshake with ${T} failed: sslv3 alert handshake failure`);
  const proto = toTransportError(
    sysErr('EPROTO', 'write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl/record.c:350:'),
    T,
  );
  assert.equal(
    proto.message,
    `TLS handshake with ${T} failed: wrong version number (is the server speaking plain HTTP? try transport=http)`,
  );
});

test('aborts become OperationError; EsxErrors pass through; unknown errors are InternalError', () => {
  const abort = toTransportError(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }), T);
  assert.ok(abort instanceof OperationError);
  assert.equal(abort.message, `request to ${T} was aborted`);
  const own = new NotFoundError('gone');
  assert.equal(toTransportError(own, T), own);
  const odd = toTransportError('a string', T);
  assert.ok(odd instanceof InternalError);
  assert.match(odd.message, /a string/);
  assert.ok(toTransportError(new Error('plain'), T) instanceof EsxError);
});

test('timeoutError is a ConnectionError the retry helper treats as transient', () => {
  const e = timeoutError('GET /x on h:1', 50);
  assert.ok(e instanceof ConnectionError);
  assert.equal(e.message, 'GET /x on h:1 timed out after 50 ms');
  assert.ok(isTransientConnectionError(e));
});

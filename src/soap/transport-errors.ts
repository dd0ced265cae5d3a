/**
 * Turns node's socket, TLS and HTTP-parser errors into esxvirt's hierarchy, naming the endpoint so a user can tell
 * which host (or proxy) failed. The original error stays reachable as `cause` (the retry helper classifies by it).
 */
import { ConnectionError, EsxError, InternalError, OperationError, TlsError } from '../errors.js';

/** The hint appended to every certificate failure, in the URI syntax users type. */
export const NO_VERIFY_HINT = 'connect with no_verify=1 to skip verification, or pin its thumbprint';

// OpenSSL verify results as node names them (X509_V_ERR_* without the prefix), plus node's own hostname check.
const CERT_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface NodeErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  reason?: unknown;
}

/** The `code` of a node system error (e.g. 'ECONNRESET'), if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as NodeErrorLike).code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const m = (err as NodeErrorLike).message;
    if (typeof m === 'string' && m !== '') return m;
  }
  return String(err);
}

/** True when the error is a certificate verification failure (as opposed to a handshake or socket failure). */
export function isCertificateError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && CERT_CODES.has(code);
}

/** Maps any error raised while talking to `target` ("host:port") to an EsxError; EsxErrors pass through. */
export function toTransportError(err: unknown, target: string): EsxError {
  if (err instanceof EsxError) return err;
  const code = errorCode(err);
  const msg = messageOf(err);
  const cause = { cause: err };
  if (code === 'ABORT_ERR' || (err as NodeErrorLike | null)?.name === 'AbortError') {
    return new OperationError(`request to ${target} was aborted`, cause);
  }
  if (isCertificateError(err)) {
    return new TlsError(`TLS certificate verification failed for ${target}: ${tidy(msg)} (${NO_VERIFY_HINT})`, cause);
  }
  if (code !== undefined && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO')) {
    const reason = (err as NodeErrorLike).reason;
    // EPROTO messages carry OpenSSL's whole error line; its reason field is the part a user can act on.
    const why = typeof reason === 'string' && reason !== '' ? reason : (/:SSL routines:[^:]*:([^:]+):/.exec(msg)?.[1] ?? tidy(msg));
    const hint = /wrong version number|packet length too long|http request/i.test(why)
      ? ' (is the server speaking plain HTTP? try transport=http)'
      : '';
    return new TlsError(`TLS handshake with ${target} failed: ${why}${hint}`, cause);
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionError(`cannot connect to ${target}: connection refused`, cause);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new ConnectionError(`cannot resolve the host name of ${target} (${code})`, cause);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectionError(`cannot connect to ${target}: ${code === 'EHOSTUNREACH' ? 'host' : 'network'} unreachable`, cause);
    case 'ETIMEDOUT':
      return new ConnectionError(`connection to ${target} timed out`, cause);
    case 'EPIPE':
      return new ConnectionError(`connection to ${target} was closed by the peer while sending (EPIPE)`, cause);
    case 'ECONNRESET':
      if (msg === 'socket hang up') return new ConnectionError(`connection to ${target} closed unexpectedly (socket hang up)`, cause);
      if (msg === 'aborted') return new ConnectionError(`connection to ${target} closed before the response was complete`, cause);
      return new ConnectionError(`connection to ${target} was reset`, cause);
    default:
      break;
  }
  if (code !== undefined && code.startsWith('HPE_')) {
    return new ConnectionError(`invalid HTTP response from ${target}: ${msg}`, cause);
  }
  if (code !== undefined) return new ConnectionError(`connection to ${target} failed: ${msg}`, cause);
  return new InternalError(`unexpected error talking to ${target}: ${msg}`, cause);
}

function tidy(msg: string): string {
  return msg.replace(/\s+/g, ' ').replace(/[\s:]+$/, '');
}

/** A ConnectionError for a timeout, with an ETIMEDOUT-coded cause so retry classification sees it as transient. */
export function timeoutError(what: string, ms: number): ConnectionError {
  const cause = Object.assign(new Error(`${what} timed out after ${ms} ms`), { code: 'ETIMEDOUT' });
  return new ConnectionError(cause.message, { cause });
}

/** A ConnectionError for an exchange that stalled or ran out of time; ETIMEDOUT-coded like timeoutError. */
export function stalledError(message: string): ConnectionError {
  const cause = Object.assign(new Error(message), { code: 'ETIMEDOUT' });
  return new ConnectionError(message, { cause });
}

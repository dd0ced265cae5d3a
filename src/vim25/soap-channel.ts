/**
 * One SOAP exchange over the transport: encode, POST to the SDK path, stream-decode the answer. Counts every
 * request (benchmarks and tests check call counts) and repeats idempotent calls after transient connection
 * failures with backoff. Knows nothing of sessions; faults come back as FaultError.
 */
import { decodeResponse, encodeRequest, type ManagedObjectReference, type ReturnSpec } from '../soap/codec.js';
import { withRetry } from '../soap/retry.js';
import type { Transport } from '../soap/transport.js';
import { isIdempotentMethod, isRetryableError } from './call-policy.js';
import { vim25Schema } from './generated/schema.js';

/** Per-call options. */
export interface CallOptions {
  /** Aborts the request (and any retry wait). */
  signal?: AbortSignal;
  /** Idle timeout of this request, e.g. longer for WaitForUpdatesEx (which also lifts the call deadline). */
  timeoutMs?: number;
  /** Overrides the channel's retry count for this call (0: no retry even if idempotent). */
  retries?: number;
}

/** Counters of one connection. */
export interface CallStats {
  /** SOAP requests sent, retries included. */
  soapCalls: number;
  /** Requests that were repeats after a transient failure. */
  retries: number;
  /** Re-logins after NotAuthenticated. */
  relogins: number;
  /** SOAP requests per method name. */
  byMethod: Record<string, number>;
}

/** Something that happened that callers may want to log (never carries credentials). */
export type VimEvent =
  | { type: 'retry'; method: string; attempt: number; delayMs: number; error: unknown }
  | { type: 'relogin'; method: string }
  | { type: 'keepalive-failed'; error: unknown }
  | { type: 'question-answered'; vm: string; question: string; choice: string };

/** Channel settings. */
export interface SoapChannelOptions {
  /** Path of the SOAP endpoint (default '/sdk'). */
  sdkPath?: string;
  /** Retries of idempotent calls after connection failures (default 10). */
  retries?: number;
  /** First backoff delay (default 500 ms, doubling up to retryMaxDelayMs). */
  retryBaseDelayMs?: number;
  /** Longest backoff delay (default 30 s). */
  retryMaxDelayMs?: number;
  /** Deadline of one call's exchange in ms (default 300 s; 0: none). */
  callTimeoutMs?: number | undefined;
  /** No retry starts later than this many ms after a call's first attempt (default 120 s; 0: none). */
  retryDeadlineMs?: number | undefined;
  /** Receives retry events. */
  onEvent?: (event: VimEvent) => void;
}

/** Creates empty counters. */
export function newCallStats(): CallStats {
  return { soapCalls: 0, retries: 0, relogins: 0, byMethod: {} };
}

/** Sends vim25 SOAP requests over one transport. */
export class SoapChannel {
  readonly stats: CallStats = newCallStats();
  /** `urn:vim25/<apiVersion>` once the server's version is known; plain `urn:vim25` before. */
  soapAction = 'urn:vim25';
  readonly #transport: Transport;
  readonly #path: string;
  readonly #retries: number;
  readonly #baseDelay: number;
  readonly #maxDelay: number;
  readonly #callTimeout: number;
  readonly #retryDeadline: number;
  readonly #onEvent: ((e: VimEvent) => void) | undefined;

  constructor(transport: Transport, opts: SoapChannelOptions = {}) {
    this.#transport = transport;
    this.#path = opts.sdkPath ?? '/sdk';
    this.#retries = opts.retries ?? 10;
    this.#baseDelay = opts.retryBaseDelayMs ?? 500;
    this.#maxDelay = opts.retryMaxDelayMs ?? 30_000;
    this.#callTimeout = opts.callTimeoutMs ?? 300_000;
    this.#retryDeadline = opts.retryDeadlineMs ?? 120_000;
    this.#onEvent = opts.onEvent;
  }

  /** Performs one call, repeating it after transient failures only when the method is idempotent. */
  invoke(
    method: string,
    thisRef: ManagedObjectReference,
    params: Readonly<Record<string, unknown>>,
    returns: ReturnSpec | undefined,
    opts: CallOptions = {},
  ): Promise<unknown> {
    // Encoding errors are the caller's: fail before anything is sent.
    const body = encodeRequest(vim25Schema, method, thisRef, params);
    const retries = isIdempotentMethod(method) ? (opts.retries ?? this.#retries) : 0;
    return withRetry(
      (attempt) => {
        if (attempt > 0) this.stats.retries++;
        return this.#exchange(method, body, returns, opts);
      },
      {
        retries,
        baseDelayMs: this.#baseDelay,
        maxDelayMs: this.#maxDelay,
        isRetryable: isRetryableError,
        signal: opts.signal,
        ...(this.#retryDeadline > 0 ? { deadlineMs: this.#retryDeadline } : {}),
        onRetry: (error, attempt, delayMs) => this.#onEvent?.({ type: 'retry', method, attempt, delayMs, error }),
      },
    );
  }

  async #exchange(method: string, body: string, returns: ReturnSpec | undefined, opts: CallOptions): Promise<unknown> {
    this.stats.soapCalls++;
    this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;
    const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: this.soapAction };
    const ro: { signal?: AbortSignal; timeoutMs?: number; deadlineMs?: number } = {};
    if (opts.signal !== undefined) ro.signal = opts.signal;
    if (opts.timeoutMs !== undefined) ro.timeoutMs = opts.timeoutMs;
    // A call that waits by design (its own idle timeout) runs as long as that; others get the call deadline.
    else if (this.#callTimeout > 0) ro.deadlineMs = this.#callTimeout;
    const res = await this.#transport.post(this.#path, body, headers, ro);
    try {
      return await decodeResponse(vim25Schema, returns, res.body, { status: res.status, method });
    } finally {
      // A decoder that stopped early (fault, malformed body) must not leave the pooled connection mid-body.
      if (!res.body.destroyed) res.body.destroy();
    }
  }
}

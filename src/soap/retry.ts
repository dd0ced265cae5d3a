/**
 * Retries for transient connection failures with exponential backoff and jitter. Only the caller knows whether an
 * operation is safe to repeat, so nothing here retries on its own: wrap idempotent calls in withRetry.
 */
import { errorCode } from './transport-errors.js';

/** Codes of errors worth another attempt: the peer went away or never answered, nothing was refused on purpose. */
export const TRANSIENT_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** Options of withRetry; delays and randomness are injectable so tests do not wait. */
export interface RetryOptions {
  /** Further attempts after the first (default 10, like Nova's vmware api_retry_count). */
  retries?: number;
  /** Delay before the first retry before jitter (default 500 ms); doubles per attempt. */
  baseDelayMs?: number;
  /** Upper bound of one delay (default 30 s). */
  maxDelayMs?: number;
  /** Which errors to retry (default isTransientConnectionError). */
  isRetryable?: (err: unknown) => boolean;
  /** Called before each wait, e.g. to log "retrying in …". */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Waits `ms`; default a timer (rejects with the signal's reason on abort). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1); default Math.random. */
  random?: () => number;
  /** Stops retrying (the pending wait rejects with the signal's reason). */
  signal?: AbortSignal;
  /** No retry starts once this many ms passed since the first attempt (waits included); default none. */
  deadlineMs?: number;
  /** Clock, injectable for tests (default Date.now). */
  now?: () => number;
}

/** True for errors classified as transient connection failures, looking through `cause` chains. */
export function isTransientConnectionError(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  while (typeof e === 'object' && e !== null && !seen.has(e)) {
    seen.add(e);
    const code = errorCode(e);
    if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
    if ((e as { message?: unknown }).message === 'socket hang up') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The wait before retry number `attempt` (1-based): half fixed, half random, of min(max, base * 2^(attempt-1)). */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  // Equal jitter: spreads clients that failed together without ever retrying at once.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Runs fn until it succeeds, fails with a non-retryable error, or `retries` retries are used up (last error thrown). */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const retries = opts.retries ?? 10;
  const base = opts.baseDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 30_000;
  const isRetryable = opts.isRetryable ?? isTransientConnectionError;
  const sleep = opts.sleep ?? defaultSleep;
  const now = opts.now ?? Date.now;
  const started = now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= retries || !isRetryable(err) || opts.signal?.aborted === true) throw err;
      const delay = backoffDelay(attempt + 1, base, max, opts.random);
      if (opts.deadlineMs !== undefined && now() - started + delay >= opts.deadlineMs) throw err;
      opts.onRetry?.(err, attempt + 1, delay);
      await sleep(delay, opts.signal);
    }
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

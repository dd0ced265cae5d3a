/**
 * Which calls may be repeated after a connection failure. A request may have reached the server before the
 * connection broke, so only calls whose repetition cannot change anything twice are retried: reads, and calls that
 * at worst leave a second session-scoped helper object behind. Which methods those are is declared in
 * src/vim25/input/ (the `idempotent` flag, with the reason beside each exception); tasks (`task`, `*_Task`) and
 * every other state-changing method are never repeated blindly.
 */
import { HttpError } from '../errors.js';
import { isTransientConnectionError } from '../soap/retry.js';
import { IDEMPOTENT_METHODS, TASK_METHODS } from './generated/flags.js';

/** True when `method` is declared idempotent and so may be repeated after a connection failure (never a task). */
export function isIdempotentMethod(method: string): boolean {
  // The declaration checks that no task is idempotent; the name test keeps an undeclared *_Task out all the same.
  return !method.endsWith('_Task') && !TASK_METHODS.has(method) && IDEMPOTENT_METHODS.has(method);
}

/** Errors worth repeating an idempotent call for: transient connection failures and gateway/overload statuses. */
export function isRetryableError(err: unknown): boolean {
  if (err instanceof HttpError) return err.status === 502 || err.status === 503 || err.status === 504;
  return isTransientConnectionError(err);
}

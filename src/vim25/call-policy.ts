/**
 * Which calls may be repeated after a connection failure. A request may have reached the server before the
 * connection broke, so only calls whose repetition cannot change anything twice are retried: reads, and calls that
 * at worst leave a second session-scoped helper object behind. Tasks (`*_Task`) and every other state-changing
 * method are never repeated blindly; anything not listed here counts as state-changing.
 */
import { HttpError } from '../errors.js';
import { isTransientConnectionError } from '../soap/retry.js';

const IDEMPOTENT: ReadonlySet<string> = new Set([
  'RetrieveServiceContent',
  'CurrentTime',
  // A repeated Login at most opens a second session; the cookie of the last one wins.
  'Login',
  'SessionIsActive',
  'RetrieveProperties',
  'RetrievePropertiesEx',
  // A repeated Continue fails on a used token rather than changing anything.
  'ContinueRetrievePropertiesEx',
  'CancelRetrievePropertiesEx',
  'WaitForUpdatesEx',
  'CancelWaitForUpdates',
  'CreateContainerView',
  'CreatePropertyCollector',
  'CreateFilter',
  'DestroyView',
  'DestroyPropertyFilter',
  'DestroyPropertyCollector',
  'FindByInventoryPath',
  'FindByUuid',
  'FindAllByUuid',
  'FindChild',
  'FindByDatastorePath',
]);

/** True when `method` may be repeated after a connection failure (never for `*_Task` methods). */
export function isIdempotentMethod(method: string): boolean {
  return !method.endsWith('_Task') && IDEMPOTENT.has(method);
}

/** Errors worth repeating an idempotent call for: transient connection failures and gateway/overload statuses. */
export function isRetryableError(err: unknown): boolean {
  if (err instanceof HttpError) return err.status === 502 || err.status === 503 || err.status === 504;
  return isTransientConnectionError(err);
}

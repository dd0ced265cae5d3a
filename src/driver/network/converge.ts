/**
 * Convergent steps. Changing a host's networking is a series of non-idempotent calls (AddVirtualSwitch,
 * AddPortGroup …) that the transport never repeats, since a request may have reached the server before its
 * connection broke. Each step here is repeated by checking the server instead: after a connection failure, a 503,
 * or a fault saying the thing already exists (or is already gone), the step re-reads and is done when the server
 * shows the wanted state; otherwise it tries again, a bounded number of times.
 */
import { ConnectionError, HttpError } from '../../errors.js';
import { isRetryableError, isVimFault, methods } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';

/** How many times a step is tried before its last error is reported. */
export const STEP_ATTEMPTS = 5;

/** True for failures after which the step's effect is unknown. */
function unknownOutcome(e: unknown): boolean {
  return isRetryableError(e) || e instanceof ConnectionError || (e instanceof HttpError && e.status >= 500);
}

/**
 * Runs `act` until `done()` says the server shows its effect. `done` is asked after a failure with an unknown
 * outcome and after a fault in `settledBy` (e.g. AlreadyExists for an add: another caller got there first).
 */
export async function converge(
  conn: Connection,
  act: () => Promise<void>,
  done: () => Promise<boolean>,
  settledBy: readonly string[],
  attempts = STEP_ATTEMPTS,
): Promise<void> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      // before a repeat, make sure the server answers again; the probes grow with each attempt, so that a repeat
      // does not keep landing on the same beat of a server failing periodically (a proxy dropping every Nth call)
      for (let p = 0; p < i; p++) await methods.CurrentTime(conn.client.soap, conn.client.serviceInstance);
      await act();
      return;
    } catch (e) {
      last = e;
      const settled = settledBy.length > 0 && isVimFault(e, ...settledBy);
      if (!settled && !unknownOutcome(e)) throw e;
      if (await readSafely(done)) return;
      if (settled) throw e;
    }
  }
  throw last;
}

// A read that itself hits a dropped connection counts as "not known yet".
async function readSafely(done: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < STEP_ATTEMPTS; i++) {
    try {
      return await done();
    } catch (e) {
      if (!unknownOutcome(e)) throw e;
    }
  }
  return false;
}

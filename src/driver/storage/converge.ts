/**
 * Multi-step storage operations converge: a step that changes something is never repeated blindly, since a call
 * whose answer was lost may have done its work. After a transient failure (dropped connection, 502/503/504) the
 * step's effect is looked for on the server first; only when it is absent is the step tried again. Expired
 * sessions need none of this: the session layer logs in again and repeats the call, which never ran.
 */
import { isRetryableError } from '../../vim25/index.js';

/** Options of converge. */
export interface ConvergeOptions {
  /** Attempts after a transient failure (default 3). */
  retries?: number;
  /** Wait before the next attempt in ms (default 250, doubled each time). */
  delayMs?: number;
}

/** Runs `step`; after a transient failure asks `done` whether the step took effect and repeats it only if not. */
export async function converge(step: () => Promise<void>, done: () => Promise<boolean>, opts: ConvergeOptions = {}): Promise<void> {
  const retries = opts.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (attempt >= retries || !isRetryableError(e)) throw e;
      await new Promise((r) => setTimeout(r, (opts.delayMs ?? 250) * 2 ** attempt));
      if (await done()) return;
    }
  }
}

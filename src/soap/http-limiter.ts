/**
 * Bounds requests in flight. node's agent counts a socket only once `createConnection` has delivered it, so with an
 * asynchronous proxy tunnel concurrent requests could each start a connection; holding a slot from request start
 * until the request closes keeps the pool at maxSockets in every case.
 */
import { InvalidStateError } from '../errors.js';

/** A counting semaphore with FIFO waiters. */
export class Limiter {
  readonly #max: number;
  #active = 0;
  #closedReason: string | undefined;
  readonly #waiters: { resolve: (release: () => void) => void; reject: (e: Error) => void }[] = [];

  constructor(max: number) {
    this.#max = max;
  }

  /** Requests currently holding a slot. */
  get active(): number {
    return this.#active;
  }

  /** Waits for a slot; the returned function releases it (idempotent). An abort rejects with the signal's reason. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#closedReason !== undefined) return Promise.reject(new InvalidStateError(this.#closedReason));
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    if (this.#active < this.#max) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter = {
        resolve: (release: () => void) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject: (e: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Rejects current and future waiters with InvalidStateError(reason). */
  close(reason: string): void {
    this.#closedReason = reason;
    for (const w of this.#waiters.splice(0)) w.reject(new InvalidStateError(reason));
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next !== undefined) next.resolve(this.#releaser());
      else this.#active--;
    };
  }
}

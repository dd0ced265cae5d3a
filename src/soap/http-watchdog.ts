/** The idle clock and the deadline of an HTTP exchange (the pooled client's and the bulk GET's). */

/**
 * The idle clock and the deadline of one exchange. Progress restarts the idle clock only once `minBytes` arrived
 * since the last restart, so a server trickling a byte at a time still times out.
 */
export class Watchdog {
  #bytes = 0;
  #lastProgress = Date.now();
  #lastTick = Date.now();
  readonly #tick: number;
  #timer: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  /** Whether the reader wants data now (no backpressure); the idle clock stands still otherwise. */
  waiting: () => boolean = () => true;

  constructor(
    private readonly idleMs: number,
    private readonly minBytes: number,
    deadlineMs: number | undefined,
    private readonly onExpire: (why: string) => void,
  ) {
    this.#tick = Math.max(10, Math.min(1000, Math.floor(idleMs / 4)));
    this.#timer = setInterval(() => this.#check(), this.#tick);
    this.#timer.unref();
    if (deadlineMs !== undefined) {
      this.#deadline = setTimeout(() => this.#expire(`no complete answer within the deadline of ${deadlineMs} ms`), deadlineMs);
      this.#deadline.unref();
    }
  }

  /** Counts `n` bytes moved. */
  progress(n: number): void {
    this.#bytes += n;
    if (this.#bytes >= this.minBytes) {
      this.#bytes = 0;
      this.#lastProgress = Date.now();
    }
  }

  /** Ends both clocks (the exchange finished or failed). */
  stop(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#deadline);
    this.#timer = undefined;
    this.#deadline = undefined;
  }

  #check(): void {
    const now = Date.now();
    const late = now - this.#lastTick > 2 * this.#tick;
    this.#lastTick = now;
    // A late tick means this process was stalled (GC, a busy machine): data may wait unread in the socket, so the
    // stall is ours, not the server's.
    if (!this.waiting() || late) {
      this.#lastProgress = now;
      return;
    }
    if (Date.now() - this.#lastProgress >= this.idleMs) this.#expire(`no progress for ${this.idleMs} ms (idle timeout)`);
  }

  #expire(why: string): void {
    if (this.#timer === undefined && this.#deadline === undefined) return;
    this.stop();
    this.onExpire(why);
  }
}

/**
 * Byte counting for datastore transfers: a pass-through that reports how far a stream has got, so uploads and
 * downloads can show progress without buffering more than the stream's own high-water mark.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { InvalidArgumentError } from '../errors.js';

/** Bytes transferred so far and the expected total (undefined when the size is unknown). */
export interface TransferProgress {
  readonly done: number;
  readonly total: number | undefined;
}

/** Callback for progress events; called once per chunk. */
export type ProgressListener = (progress: TransferProgress) => void;

/**
 * A Transform that passes chunks through unchanged and reports the running byte count. With `exact`, a stream that
 * yields more or fewer bytes than `total` fails (an upload must match the Content-Length it announced).
 */
export class ProgressCounter extends Transform {
  #done = 0;
  readonly #total: number | undefined;
  readonly #listener: ProgressListener | undefined;
  readonly #exact: boolean;

  constructor(total: number | undefined, listener: ProgressListener | undefined, exact = false) {
    super();
    this.#total = total;
    this.#listener = listener;
    this.#exact = exact && total !== undefined;
  }

  /** Bytes that have passed so far. */
  get done(): number {
    return this.#done;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#done += chunk.length;
    if (this.#exact && this.#done > (this.#total ?? 0)) {
      callback(this.#mismatch('more'));
      return;
    }
    try {
      this.#listener?.({ done: this.#done, total: this.#total });
    } catch (e) {
      callback(e as Error);
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#exact && this.#done !== this.#total ? this.#mismatch('fewer') : null);
  }

  #mismatch(what: 'more' | 'fewer'): InvalidArgumentError {
    return new InvalidArgumentError(
      `the upload source yielded ${what} bytes than its declared size of ${this.#total ?? 0} (${this.#done} so far)`,
    );
  }
}

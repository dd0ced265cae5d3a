/**
 * Where the readers get bytes from, and how they hand raw disk contents on: random-access sources
 * (a file, an HTTP range reader), sequential sources (any Readable or async iterable of bytes), a
 * buffered sequential reader over the latter, and the zero-run emitter that produces unallocated
 * regions in bounded chunks.
 */
import type { Readable } from 'node:stream';
import { ConfigError } from '../errors.js';

/** Random access to an image: its size and reads at any offset. */
export interface RandomAccessSource {
  /** Size in bytes. */
  readonly size: number;
  /** Up to `length` bytes at `offset`; fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A sequential source: a Readable or any async iterable of byte chunks. */
export type SequentialSource = Readable | AsyncIterable<Uint8Array>;

/** Anything the readers accept. */
export type ByteSource = RandomAccessSource | SequentialSource;

/** True for a random-access source. */
export function isRandomAccess(s: ByteSource): s is RandomAccessSource {
  return typeof (s as RandomAccessSource).read === 'function' && typeof (s as RandomAccessSource).size === 'number';
}

/** Reads exactly `length` bytes at `offset` or throws a ConfigError naming `what` (the file is truncated). */
export async function readExactly(src: RandomAccessSource, offset: number, length: number, what: string): Promise<Buffer> {
  if (offset + length > src.size)
    throw new ConfigError(`VMDK ${what} (bytes ${offset}..${offset + length}) lies beyond the end of the file (${src.size} bytes)`);
  const got = await src.read(offset, length);
  if (got.length < length)
    throw new ConfigError(`VMDK file is truncated: ${what} needs ${length} bytes at offset ${offset}, got ${got.length}`);
  return Buffer.from(got.buffer, got.byteOffset, length);
}

/** A buffered reader over a sequential source: exact reads, skips, and the current position. */
export class SequentialReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private done = false;
  /** Bytes consumed so far (the stream position of the next byte). */
  position = 0;

  constructor(source: SequentialSource) {
    this.it = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }

  private async fill(need: number): Promise<boolean> {
    while (this.buffered < need && !this.done) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        break;
      }
      const c =
        typeof r.value === 'string'
          ? Buffer.from(r.value as string, 'latin1')
          : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
      if (c.length === 0) continue;
      this.chunks.push(c);
      this.buffered += c.length;
    }
    return this.buffered >= need;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0] as Buffer;
        const k = Math.min(c.length, n - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    this.position += n;
    return out;
  }

  /** Exactly `n` bytes, or undefined at a clean end of stream (no byte left); a partial read throws naming `what`. */
  async readOrEnd(n: number, what: string): Promise<Buffer | undefined> {
    if (await this.fill(n)) return this.take(n);
    if (this.buffered === 0) return undefined;
    throw new ConfigError(`VMDK stream is truncated: ${what} at offset ${this.position} needs ${n} bytes, only ${this.buffered} left`);
  }

  /** Exactly `n` bytes; the end of the stream throws naming `what`. */
  async read(n: number, what: string): Promise<Buffer> {
    const b = await this.readOrEnd(n, what);
    if (b === undefined) throw new ConfigError(`VMDK stream is truncated: ${what} at offset ${this.position} is missing`);
    return b;
  }

  /** Up to `n` bytes: fewer only when the stream ends first. */
  async readUpTo(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.buffered === 0 ? Buffer.alloc(0) : this.take(Math.min(n, this.buffered));
  }

  /** Discards `n` bytes without holding them. */
  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill(1)))
        throw new ConfigError(`VMDK stream is truncated: ${what} ends at offset ${this.position}, ${left} bytes short`);
      const k = Math.min(left, this.buffered, (this.chunks[0] as Buffer).length);
      this.take(k);
      left -= k;
    }
  }

  /** Stops the underlying iterator (closes the source stream). */
  async close(): Promise<void> {
    this.chunks = [];
    this.buffered = 0;
    if (!this.done) {
      this.done = true;
      await this.it.return?.();
    }
  }
}

/** Largest chunk of zeros produced at once. */
export const ZERO_CHUNK = 1024 * 1024;

/** Splits `n` zero bytes into fresh chunks of at most ZERO_CHUNK (consumers may keep or modify them). */
export function* zeroChunks(n: number): Generator<Buffer> {
  for (let left = n; left > 0; left -= ZERO_CHUNK) yield Buffer.alloc(Math.min(left, ZERO_CHUNK));
}

/** True when `b` holds only zero bytes. */
export function isZero(b: Buffer): boolean {
  // Compare block by block against a shared zero block: memcmp speed, no allocation.
  for (let at = 0; at < b.length; at += ZERO_BLOCK.length) {
    const end = Math.min(b.length, at + ZERO_BLOCK.length);
    if (b.compare(ZERO_BLOCK, 0, end - at, at, end) !== 0) return false;
  }
  return true;
}

const ZERO_BLOCK = Buffer.alloc(64 * 1024);

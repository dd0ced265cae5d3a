/**
 * In-memory sources and sinks for the VMDK tests: a Buffer as a random-access source, a growable
 * Buffer as a positional sink, and the whole raw contents of an opened image.
 */
import type { PositionalSink, RandomAccessSource, VmdkReader } from '../../src/vmdk/index.js';

/** A Buffer as a random-access source. */
export function memorySource(b: Buffer): RandomAccessSource {
  return { size: b.length, read: async (offset, length) => b.subarray(offset, Math.min(b.length, offset + length)) };
}

/** A positional sink collecting into memory; `data()` returns the bytes written. */
export function memorySink(): PositionalSink & { data(): Buffer } {
  let buf = Buffer.alloc(0);
  let size = 0;
  return {
    async write(position, data) {
      const end = position + data.length;
      if (end > buf.length) {
        const grown = Buffer.alloc(Math.max(end, buf.length * 2));
        buf.copy(grown);
        buf = grown;
      }
      buf.set(data, position);
      size = Math.max(size, end);
    },
    data: () => buf.subarray(0, size),
  };
}

/** All raw bytes of an opened image. */
export async function rawOf(r: VmdkReader): Promise<Buffer> {
  return Buffer.concat(await r.stream().toArray());
}

/**
 * Thin local-file helpers around the pure VMDK library: files as random-access sources and positional
 * sinks, opening a .vmdk with its extents beside it, and writing each output format to files. The
 * only module of src/vmdk that touches the file system.
 */
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
// fs.promises, not node:fs/promises: the bundled CLI then loads the module (~1 ms) only when a command reads files.
import { createWriteStream, promises as fs } from 'node:fs';
import { openVmdkReader, type OpenVmdkOptions, type VmdkReader } from './reader.js';
import { isZero, type RandomAccessSource } from './source.js';
import { createStreamOptimizedWriter, type StreamOptimizedOptions } from './write-stream-optimized.js';
import { writeMonolithicSparse, type MonolithicSparseOptions, type PositionalSink } from './write-sparse.js';
import { createFlatExtentWriter, flatExtentName, flatVmdkDescriptor, type FlatDescriptorOptions } from './write-flat.js';

/** A file opened for random-access reading. */
export interface FileSource extends RandomAccessSource {
  close(): Promise<void>;
}

/** Opens `path` as a random-access source. */
export async function openFileSource(path: string): Promise<FileSource> {
  const fh = await fs.open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    close: () => fh.close(),
  };
}

/** Opens a .vmdk file for reading, extents looked up in its folder; the file closes when the stream does (or by close()). */
export async function openVmdkFile(
  path: string,
  opts: Omit<OpenVmdkOptions, 'openExtent'> = {},
): Promise<VmdkReader & { close(): Promise<void> }> {
  const src = await openFileSource(path);
  let closed = false;
  const close = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      await src.close();
    }
  };
  try {
    const r = await openVmdkReader(src, { ...opts, openExtent: (name) => openFileSource(join(dirname(path), name)) });
    return {
      ...r,
      stream: () => r.stream().once('close', () => void close()),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

async function withFile<T>(path: string, fn: (fh: FileHandle) => Promise<T>): Promise<T> {
  const fh = await fs.open(path, 'w');
  try {
    return await fn(fh);
  } finally {
    await fh.close();
  }
}

/** A file as a positional sink. */
export function fileSink(fh: FileHandle): PositionalSink {
  return {
    async write(position: number, data: Uint8Array): Promise<void> {
      let done = 0;
      while (done < data.length) done += (await fh.write(data, done, data.length - done, position + done)).bytesWritten;
    },
  };
}

/** Writes a raw disk stream to `path`, leaving all-zero chunks as holes (a sparse file where the file system allows); returns its size. */
export async function writeRawFile(raw: Readable, path: string): Promise<number> {
  return withFile(path, async (fh) => {
    const sink = fileSink(fh);
    let position = 0;
    // Positional writes are independent: a few stay in flight while the next chunks are read.
    const inFlight = new Set<Promise<void>>();
    let failed: { error: unknown } | undefined;
    for await (const chunk of raw as AsyncIterable<Buffer>) {
      if (!isZero(chunk)) {
        const p: Promise<void> = sink.write(position, chunk).then(
          () => void inFlight.delete(p),
          (error: unknown) => {
            inFlight.delete(p);
            failed ??= { error };
          },
        );
        inFlight.add(p);
        if (inFlight.size >= 4) await Promise.race(inFlight);
      }
      if (failed) throw failed.error;
      position += chunk.length;
    }
    await Promise.all(inFlight);
    if (failed) throw failed.error;
    await fh.truncate(position);
    return position;
  });
}

/** Writes `raw` as a streamOptimized image to `path` (the descriptor's extent names the file). */
export async function writeStreamOptimizedFile(raw: Readable, path: string, opts: StreamOptimizedOptions): Promise<void> {
  await pipeline(raw, createStreamOptimizedWriter({ fileName: basename(path), ...opts }), createWriteStream(path));
}

/** Writes `raw` as a monolithicSparse image to `path`; returns its size. */
export async function writeMonolithicSparseFile(raw: Readable, path: string, opts: MonolithicSparseOptions): Promise<number> {
  return withFile(path, async (fh) => {
    const { size } = await writeMonolithicSparse(raw, fileSink(fh), { fileName: basename(path), ...opts });
    await fh.truncate(size);
    return size;
  });
}

/** Writes `raw` as `X.vmdk` (descriptor at `path`) + `X-flat.vmdk` beside it; returns the extent's path. */
export async function writeFlatVmdkFiles(
  raw: Readable,
  path: string,
  opts: Omit<FlatDescriptorOptions, 'extentFileName'>,
): Promise<string> {
  const extentFileName = flatExtentName(basename(path));
  const text = flatVmdkDescriptor({ ...opts, extentFileName });
  const extentPath = join(dirname(path), extentFileName);
  await pipeline(raw, createFlatExtentWriter(opts.capacity), createWriteStream(extentPath));
  await fs.writeFile(path, text);
  return extentPath;
}

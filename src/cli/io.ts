/** Input and output helpers for commands: `-` is stdin; stdout carries data only. */
// fs.promises, not node:fs/promises: the bundled CLI then loads the module (~1 ms) only when a command reads files.
import { promises as fs } from 'node:fs';
import { ConfigError, NotFoundError, OperationError } from '../errors.js';
import { describeBytes, XML_LIMITS } from '../limits.js';

const REASONS: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory' };

/**
 * Reads a document (XML, VMX) from a file, or standard input for '-', as bytes, refusing one larger than `maxBytes`
 * (default the XML documents' limit) before reading it whole; failures name the file and the reason.
 */
export async function readInput(path: string, maxBytes: number = XML_LIMITS.maxBytes): Promise<Buffer> {
  const tooLarge = (size: number | string): ConfigError =>
    new ConfigError(`'${path === '-' ? 'standard input' : path}' is ${size} bytes, more than the limit of ${describeBytes(maxBytes)}`);
  if (path === '-') {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of process.stdin) {
      size += (c as Buffer).length;
      if (size > maxBytes) {
        process.stdin.destroy();
        throw tooLarge(`over ${maxBytes}`);
      }
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks);
  }
  try {
    const file = await fs.open(path, 'r');
    try {
      const { size } = await file.stat();
      if (size > maxBytes) throw tooLarge(size);
      return await file.readFile();
    } finally {
      await file.close();
    }
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const msg = `cannot read '${path}': ${REASONS[code] ?? (e as Error).message}`;
    throw code === 'ENOENT' ? new NotFoundError(msg) : new OperationError(msg);
  }
}

/** Where commands write: data to `out`, messages to `err`. */
export interface Streams {
  out(text: string): void;
  err(text: string): void;
}

/** The process's own streams. */
export const processStreams: Streams = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

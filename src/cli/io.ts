/** Input and output helpers for commands: `-` is stdin; stdout carries data only. */
import { readFile } from 'node:fs/promises';
import { NotFoundError, OperationError } from '../errors.js';

const REASONS: Record<string, string> = { ENOENT: 'No such file or directory', EACCES: 'Permission denied', EISDIR: 'Is a directory' };

/** Reads a file, or standard input for '-', as bytes; failures name the file and the reason. */
export async function readInput(path: string): Promise<Buffer> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(path);
  } catch (e) {
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

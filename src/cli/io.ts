/** Input and output helpers for commands: `-` is stdin; stdout carries data only. */
import { readFile } from 'node:fs/promises';

/** Reads a file, or standard input for '-', as bytes. */
export async function readInput(path: string): Promise<Buffer> {
  if (path !== '-') return readFile(path);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
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

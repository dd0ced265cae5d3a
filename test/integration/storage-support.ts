/**
 * Shared bits of the storage suites: a simulator with the CLI and the library bound to it, the local directory a
 * datastore lives in (to see what a transfer left behind), checksums, and random test data.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Connection } from '../../src/driver/connect/connection.js';
import { listPools } from '../../src/driver/storage/index.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../harness/vcsim.js';
import { runCli, simulatorUri, writeAuthConf, type CliResult } from './cli-support.js';

/** A simulator with the CLI and the library bound to it. */
export interface StorageTarget {
  sim: Simulator;
  uri: string;
  authFile: string;
  cli(...args: string[]): Promise<CliResult>;
  /** Runs the CLI and expects success with nothing on stderr; returns stdout. */
  ok(...args: string[]): Promise<string>;
  /** Runs the CLI and expects failure; returns the one error line. */
  fails(...args: string[]): Promise<{ status: number | null; message: string }>;
  open(): Promise<Connection>;
  /** The local directory behind datastore `pool` (the simulator keeps datastores in local folders). */
  poolDir(pool: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a simulator of `opts.model` and binds the CLI to it. */
export async function startStorageTarget(opts: Omit<SimulatorOptions, 'quiet'>): Promise<StorageTarget> {
  const sim = await startSimulator({ ...opts, quiet: true });
  const authFile = writeAuthConf();
  const uri = simulatorUri(sim);
  const env = { ...process.env, LIBVIRT_AUTH_FILE: authFile };
  const cli = (...args: string[]): Promise<CliResult> => runCli(['-c', uri, ...args], { authFile });
  const open = (): Promise<Connection> => Connection.open(uri, { env });
  const dirs = new Map<string, string>();
  return {
    sim,
    uri,
    authFile,
    cli,
    async ok(...args) {
      const r = await cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '', `${args.join(' ')}: stderr`);
      return r.stdout;
    },
    async fails(...args) {
      const r = await cli(...args);
      assert.notEqual(r.status, 0, `${args.join(' ')} should fail: ${r.stdout}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `one error line: ${r.stderr}`);
      assert.match(lines[0] as string, /^error: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      return { status: r.status, message: (lines[0] as string).slice('error: '.length) };
    },
    open,
    async poolDir(pool) {
      const known = dirs.get(pool);
      if (known !== undefined) return known;
      const conn = await open();
      try {
        for (const p of await listPools(conn)) if (p.targetPath !== undefined) dirs.set(p.name, p.targetPath);
      } finally {
        await conn.close();
      }
      const dir = dirs.get(pool);
      if (dir === undefined) throw new Error(`no datastore ${pool}`);
      return dir;
    },
    stop: () => sim.stop(),
  };
}

/** Every file under `dir` (relative paths), e.g. to find partial files a transfer left. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/** Partial files (esxvirt's `.NAME.esxvirt-….part`) under a directory. */
export function partialFiles(dir: string): string[] {
  return filesUnder(dir).filter((f) => /\.esxvirt-[^/]*\.part$/.test(f));
}

/** SHA-256 of a local file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/** Writes `size` bytes of random data (in 1 MiB blocks, so memory stays small) to `path`; returns its SHA-256. */
export function writeRandomFile(path: string, size: number): string {
  const h = createHash('sha256');
  writeFileSync(path, '');
  for (let at = 0; at < size; at += 1024 * 1024) {
    const block = randomBytes(Math.min(1024 * 1024, size - at));
    h.update(block);
    writeFileSync(path, block, { flag: 'a' });
  }
  return h.digest('hex');
}

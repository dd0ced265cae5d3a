/**
 * libvirt 9.0's own VMX converter as a black box (../shared/oracle, see its README): finds it,
 * makes sure its runtime libraries are installed (through its `run` script, once), and runs
 * conversions in a small pool of concurrent processes. Inputs go through files in a temporary
 * folder: the oracle opens `-` as /dev/stdin, which fails on the socket Node gives a child.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What one oracle run gave: converted (stdout = libvirt's bytes), refused, a libvirt crash (exit 3,
 * or killed by a signal), or still running after the time limit (killed then).
 */
export interface OracleResult {
  status: 'ok' | 'refused' | 'crash' | 'timeout';
  stdout: string;
  /** False when stdout is not valid UTF-8 (libvirt copies undecodable VMX bytes into its XML). */
  utf8: boolean;
  /** libvirt's message (the `error: …` line, without the prefix) for refusals and crashes. */
  error: string;
}

const HERE = dirname(fileURLToPath(import.meta.url));

// Source and compiled layouts differ in depth (test/support vs dist/test/support).
function repoRoot(): string {
  let dir = HERE;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(HERE, '..', '..');
}

const isOracle = (dir: string): boolean => existsSync(join(dir, 'vmxoracle')) && existsSync(join(dir, 'run'));

/**
 * The oracle's folder: $ESXVIRT_ORACLE_DIR, else shared/oracle beside the checkout or beside one of its parents (a
 * worktree sits a level deeper than the main checkout); undefined when absent.
 */
export function oracleDir(): string | undefined {
  if (process.env.ESXVIRT_ORACLE_DIR) return isOracle(process.env.ESXVIRT_ORACLE_DIR) ? process.env.ESXVIRT_ORACLE_DIR : undefined;
  let dir = repoRoot();
  for (let up = 0; up < 3; up++) {
    dir = dirname(dir);
    if (isOracle(join(dir, 'shared', 'oracle'))) return join(dir, 'shared', 'oracle');
  }
  return undefined;
}

/** Runs conversions through the oracle, at most `concurrency` processes at a time. */
export class Oracle {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  /** Processes started so far (for the report). */
  spawned = 0;
  private tmp: string | undefined;
  private seq = 0;

  private constructor(
    private readonly binary: string,
    private readonly concurrency: number,
    private readonly timeoutMs: number,
  ) {}

  /** Removes the temporary folder. */
  close(): void {
    if (this.tmp !== undefined) rmSync(this.tmp, { recursive: true, force: true });
    this.tmp = undefined;
  }

  /**
   * Opens the oracle in `dir` (default oracleDir()); its `run` script installs the runtime
   * libraries when missing. Throws with the reason when it cannot run.
   */
  static open(concurrency = 4, dir = oracleDir(), timeoutMs = 5000): Oracle {
    if (dir === undefined) throw new Error('libvirt oracle not found: set ESXVIRT_ORACLE_DIR or put it at ../shared/oracle');
    // `run` with no arguments installs what is missing, then prints vmxoracle's usage (exit 2).
    const r = spawnSync(join(dir, 'run'), [], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 2 || !/usage: vmxoracle/.test(r.stderr)) {
      throw new Error(`libvirt oracle in ${dir} does not run: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
    }
    return new Oracle(join(dir, 'vmxoracle'), concurrency, timeoutMs);
  }

  /** VMX → domain XML (`vmx2xml FILE [--datacenter-path P]`). */
  vmx2xml(vmx: Uint8Array, datacenterPath?: string): Promise<OracleResult> {
    return this.run((f) => ['vmx2xml', f, ...(datacenterPath !== undefined ? ['--datacenter-path', datacenterPath] : [])], vmx, 'vmx');
  }

  /** Domain XML → VMX at a hardware version (`xml2vmx FILE HW`). */
  xml2vmx(xml: Uint8Array, hw: number): Promise<OracleResult> {
    return this.run((f) => ['xml2vmx', f, String(hw)], xml, 'xml');
  }

  /** A benchmark mode (`bench-vmx2xml FILE N` …): its one line of output. */
  bench(args: string[]): string {
    const r = spawnSync(this.binary, args, { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`vmxoracle ${args.join(' ')}: ${(r.stderr || `exit ${r.status}`).trim()}`);
    return r.stdout.trim();
  }

  private async run(args: (file: string) => string[], input: Uint8Array, ext: string): Promise<OracleResult> {
    if (this.running >= this.concurrency) await new Promise<void>((r) => this.queue.push(r));
    this.running++;
    this.tmp ??= mkdtempSync(join(tmpdir(), 'esxvirt-oracle-'));
    const file = join(this.tmp, `in${this.seq++}.${ext}`);
    try {
      writeFileSync(file, input);
      return await this.spawnOnce(args(file));
    } finally {
      unlinkSync(file);
      this.running--;
      this.queue.shift()?.();
    }
  }

  private spawnOnce(args: string[]): Promise<OracleResult> {
    this.spawned++;
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let timedOut = false;
      // libvirt allocates per-vCPU structures for any <vcpu> count: 2^31 of them take minutes
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, this.timeoutMs);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const bytes = Buffer.concat(out);
        const stdout = bytes.toString('utf8');
        const utf8 = Buffer.from(stdout, 'utf8').equals(bytes);
        const stderr = Buffer.concat(err).toString('utf8');
        const error = stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('error: '))
          .map((l) => l.slice(7))
          .join(' / ');
        if (timedOut) resolvePromise({ status: 'timeout', stdout, utf8, error: `still running after ${this.timeoutMs} ms` });
        else if (code === 0) resolvePromise({ status: 'ok', stdout, utf8, error: '' });
        else if (code === 1) resolvePromise({ status: 'refused', stdout, utf8, error });
        else if (code === 3) resolvePromise({ status: 'crash', stdout, utf8, error });
        // libvirt aborts on a failed allocation (GLib's g_malloc), e.g. for a huge count in the input
        else if (signal !== null)
          resolvePromise({ status: 'crash', stdout, utf8, error: `${signal}: ${stderr.trim().split('\n').pop() ?? ''}` });
        else reject(new Error(`vmxoracle ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
      });
    });
  }
}

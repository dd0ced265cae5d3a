/**
 * Starts and stops esxvirt's vSphere simulator (test/harness/vcsim, govmomi's vcsim extended)
 * for integration tests and benchmarks, and drives its /esxvirt-test/ control endpoints.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, OperationError } from '../../src/errors.js';
import { controlRequest } from './vcsim-control.js';

/** Launcher flags; see test/harness/README.md. */
export interface SimulatorOptions {
  /** 'esx' is a standalone host, 'vpx' a vCenter. */
  model: 'esx' | 'vpx';
  /** VMs per standalone host and per cluster (total: esx = vms; vpx defaults = 2 × vms). */
  vms?: number;
  /** vpx: datacenters (default 1). */
  datacenters?: number;
  /** vpx: clusters per datacenter (default 1). */
  clusters?: number;
  /** vpx: hosts per cluster (default 3). */
  hosts?: number;
  /** vpx: standalone hosts per datacenter (default 1). */
  standaloneHosts?: number;
  /** Local datastores (default 1). */
  datastores?: number;
  /** HTTPS with a fresh self-signed certificate (default true); false serves plain HTTP. */
  tls?: boolean;
  /** Milliseconds added to every SOAP call. */
  delayMs?: number;
  /** Server cap on objects per RetrievePropertiesEx page, even without maxObjects. */
  pageSize?: number;
  /** Idle time in ms after which sessions expire. */
  sessionTimeoutMs?: number;
  /** Discard vcsim's own log lines (stderr() then holds only launcher errors). */
  quiet?: boolean;
  /** Log every SOAP request and response to stderr. */
  trace?: boolean;
  /** How long to wait for the JSON line once the binary runs (default 120 s). */
  startTimeoutMs?: number;
  /** Parent of the launcher's TMPDIR (default /dev/shm when usable, else the OS temp dir). */
  tmpDir?: string;
  /** vpx: the migration lab (2 clusters × 3 hosts, 2 shared datastores, a host without LocalDS_1 …; see README.md). */
  migrationLab?: boolean;
  /** How long a RelocateVM_Task / MigrateVM_Task runs, in ms (default 600). */
  migrateMs?: number;
  /** esx: a JSON file of host facts (a vCenter model's /esxvirt-test/host-facts) the host takes on. */
  asHost?: string;
  /** Listen address (default 127.0.0.1:0). */
  listen?: string;
  /** Kind of each datastore in name order (-datastore-kinds): local (default), vmfs or nfs. */
  datastoreKinds?: readonly ('local' | 'vmfs' | 'nfs')[];
  /** Give each host a software iSCSI adapter with a static target and two LUNs (-iscsi). */
  iscsi?: boolean;
}

/** The launcher's startup line, as printed on its stdout. */
export interface SimulatorInfo {
  url: string;
  thumbprint: string;
  sha256: string;
  certPem: string;
  pid: number;
  model: 'esx' | 'vpx';
  vms: number;
  hosts: number;
}

/** A live session as /esxvirt-test/sessions lists it. */
export interface SimulatorSession {
  key: string;
  userName: string;
  loginTime: string;
  lastActiveTime: string;
}

/** A power-on blocked by a question. */
export interface PendingQuestion {
  vm: string;
  vmName: string;
  task: string;
  questionId: string;
  messageId: string;
  cancelable: boolean;
  asked: string;
}

/** How a question ended: outcome is poweredOn, aborted (a Cancel choice), failed or canceled (CancelTask). */
export interface AnsweredQuestion {
  vm: string;
  vmName: string;
  task: string;
  questionId: string;
  messageId: string;
  choice: string;
  label: string;
  default: boolean;
  outcome: 'poweredOn' | 'aborted' | 'failed' | 'canceled';
  time: string;
}

/** A running simulator with its endpoint, certificate facts and control helpers. */
export interface Simulator {
  /** The SDK endpoint, e.g. https://127.0.0.1:40123/sdk. */
  readonly url: string;
  /** Scheme, host and port without the /sdk path. */
  readonly baseUrl: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** SHA-1 of the certificate, upper-case hex pairs joined by ':' ('' without TLS). */
  readonly thumbprint: string;
  /** SHA-256 of the certificate, same format ('' without TLS). */
  readonly sha256: string;
  /** PEM file of the server certificate ('' without TLS); usable as a CA. */
  readonly certPath: string;
  readonly pid: number;
  readonly model: 'esx' | 'vpx';
  /** Total VMs in the inventory at start. */
  readonly vms: number;
  /** Total hosts in the inventory at start. */
  readonly hosts: number;
  /** The launcher's TMPDIR: its datastores' directories (govcsim-<dc>-<name>-*) and certificate live there. */
  readonly tmpDir: string;
  /** Stops the launcher (SIGTERM, then SIGKILL after 10 s) and removes its temporary files. */
  stop(): Promise<void>;
  /** The last 64 KiB of the launcher's stderr. */
  stderr(): string;
  /** Calls /esxvirt-test/<name> with query parameters and returns its JSON. */
  control(name: string, params?: Record<string, string | number | boolean>): Promise<unknown>;
  /** Terminates every session; returns how many there were. */
  expireSessions(): Promise<number>;
  /** Lists live sessions. */
  sessions(): Promise<SimulatorSession[]>;
  /**
   * Makes the next n SOAP requests fail: connection closed (default), reset, or an HTTP status without body;
   * `method` waits for requests of that method, `after` executes the request before dropping its answer,
   * `expire` expires every session so the request is refused with NotAuthenticated.
   */
  dropNext(n?: number, how?: { status?: number; reset?: boolean; method?: string; after?: boolean; expire?: boolean }): Promise<void>;
  /** Delays the next n SOAP requests (n = 0: all of them until delayNext(0)). */
  delayNext(ms: number, n?: number): Promise<void>;
  /** Sets the server-side page cap of RetrievePropertiesEx (0: none). */
  setPageSize(n: number): Promise<void>;
  /** Makes the next power-on(s) of a VM (moid or name) block on a question. */
  armQuestion(vm: string, opts?: { kind?: 'uuid' | 'serial' | 'none'; cancelable?: boolean; times?: number }): Promise<void>;
  /** Pending and finished questions. */
  questions(): Promise<{ pending: PendingQuestion[]; answered: AnsweredQuestion[] }>;
  /** SOAP requests seen and dropped so far. */
  stats(): Promise<{ requests: number; dropped: number; pageSize: number }>;
  /** Disarms injected faults, delays and armed questions. */
  reset(): Promise<void>;
}

const STDERR_KEEP = 64 * 1024;
const live = new Set<{ child: ChildProcess; tmp: string }>();
let exitHookInstalled = false;
let binaryPromise: Promise<string> | undefined;

function repoRoot(): string {
  // Works from test/harness (tsx) and from dist/test/harness (compiled).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'scripts', 'ensure-vcsim.sh'))) return dir;
    dir = dirname(dir);
  }
  throw new OperationError('vcsim: cannot find scripts/ensure-vcsim.sh above ' + fileURLToPath(import.meta.url));
}

/** Builds the launcher if needed (once per process) and returns the binary's path. */
export function ensureSimulatorBinary(): Promise<string> {
  binaryPromise ??= new Promise<string>((resolve, reject) => {
    const script = join(repoRoot(), 'scripts', 'ensure-vcsim.sh');
    execFile('sh', [script], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const path = stdout.trim().split('\n').pop() ?? '';
      if (err || path === '' || !existsSync(path)) {
        reject(new OperationError(`vcsim: ensure-vcsim.sh failed: ${tail(String(stderr), 4000) || String(err)}`, { cause: err }));
        return;
      }
      resolve(path);
    });
  });
  binaryPromise.catch(() => {
    binaryPromise = undefined; // let a later call retry
  });
  return binaryPromise;
}

function flagsFor(o: SimulatorOptions): string[] {
  if (o.model !== 'esx' && o.model !== 'vpx') throw new InvalidArgumentError(`vcsim: unknown model '${String(o.model)}'`);
  const args = ['-model', o.model];
  const ints: [keyof SimulatorOptions, string][] = [
    ['vms', '-vms'],
    ['datacenters', '-datacenters'],
    ['clusters', '-clusters'],
    ['hosts', '-hosts'],
    ['standaloneHosts', '-standalone'],
    ['datastores', '-datastores'],
    ['delayMs', '-delay'],
    ['pageSize', '-page-size'],
    ['migrateMs', '-migrate-ms'],
  ];
  for (const [key, flag] of ints) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      throw new InvalidArgumentError(`vcsim: ${key} must be a non-negative integer`);
    args.push(flag, String(v));
  }
  if (o.sessionTimeoutMs !== undefined) args.push('-session-timeout', `${o.sessionTimeoutMs}ms`);
  if (o.datastoreKinds !== undefined && o.datastoreKinds.length > 0) args.push('-datastore-kinds', o.datastoreKinds.join(','));
  if (o.iscsi) args.push('-iscsi');
  args.push(`-tls=${o.tls ?? true}`);
  if (o.quiet) args.push('-quiet');
  if (o.migrationLab) args.push('-migration-lab');
  if (o.asHost !== undefined) args.push('-as-host', o.asHost);
  if (o.listen !== undefined) args.push('-listen', o.listen);
  if (o.trace) args.push('-trace');
  return args;
}

/** Starts a simulator and resolves once it accepts connections. */
export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const args = flagsFor(opts);
  const bin = await ensureSimulatorBinary();
  installExitHook();
  const tmp = makeTmp(opts.tmpDir);
  // TMPDIR holds the datastores and the certificate, so removing it always cleans up.
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp } });
  const entry = { child, tmp };
  live.add(entry);

  let errText = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (s: string) => {
    errText = tail(errText + s, STDERR_KEEP);
  });
  child.stdin?.on('error', () => {}); // EPIPE once the child has exited

  let info: SimulatorInfo;
  try {
    info = await readStartLine(child, opts.startTimeoutMs ?? 120_000, () => errText);
  } catch (e) {
    await terminate(entry);
    throw e;
  }

  const u = new URL(info.url);
  const tls = u.protocol === 'https:';
  const ca = tls ? readFileSync(info.certPem) : undefined;
  const call = (name: string, params: Record<string, string | number | boolean> = {}): Promise<unknown> =>
    controlRequest(u, ca, name, params);
  let stopping: Promise<void> | undefined;

  return {
    url: info.url,
    baseUrl: `${u.protocol}//${u.host}`,
    host: u.hostname,
    port: Number(u.port),
    tls,
    thumbprint: info.thumbprint,
    sha256: info.sha256,
    certPath: info.certPem,
    pid: info.pid,
    model: info.model,
    vms: info.vms,
    hosts: info.hosts,
    tmpDir: tmp,
    stop: () => (stopping ??= terminate(entry)),
    stderr: () => errText,
    control: call,
    async expireSessions() {
      const r = (await call('expire-sessions')) as { expired: number };
      return r.expired;
    },
    async sessions() {
      return ((await call('sessions')) as { sessions: SimulatorSession[] }).sessions;
    },
    async dropNext(n = 1, how = {}) {
      await call('drop', {
        n,
        status: how.status ?? 0,
        reset: how.reset ?? false,
        method: how.method ?? '',
        after: how.after ?? false,
        expire: how.expire ?? false,
      });
    },
    async delayNext(ms, n = 1) {
      await call('delay', { ms, n });
    },
    async setPageSize(n) {
      await call('page-size', { n });
    },
    async armQuestion(vm, o = {}) {
      await call('question', { vm, kind: o.kind ?? 'uuid', cancelable: o.cancelable ?? false, times: o.times ?? 1 });
    },
    async questions() {
      return (await call('questions')) as { pending: PendingQuestion[]; answered: AnsweredQuestion[] };
    },
    async stats() {
      return (await call('stats')) as { requests: number; dropped: number; pageSize: number };
    },
    async reset() {
      await call('reset');
    },
  };
}

// vcsim writes a directory and a few files per VM; on tmpfs a 5,000-VM inventory starts about
// three times faster than on this machine's ext4 and stops in a third of a second instead of seconds.
function makeTmp(base: string | undefined): string {
  const bases = base !== undefined ? [base] : ['/dev/shm', tmpdir()];
  let lastErr: unknown;
  for (const b of bases) {
    try {
      return mkdtempSync(join(b, 'esxvirt-vcsim-'));
    } catch (e) {
      lastErr = e;
    }
  }
  throw new OperationError(`vcsim: cannot create a temporary directory in ${bases.join(' or ')}`, { cause: lastErr });
}

function readStartLine(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<SimulatorInfo> {
  return new Promise((resolve, reject) => {
    let buf = '';
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const err = stderr().trim();
      reject(new OperationError(`vcsim: ${why}${err ? `; stderr: ${tail(err, 4000)}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no startup line within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (e) => fail(`cannot run launcher: ${e.message}`));
    child.once('exit', (code, signal) => fail(`launcher exited before starting (code ${code}, signal ${signal})`));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (s: string) => {
      if (settled) return; // keep draining so the pipe never fills
      buf += s;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      try {
        const info = JSON.parse(line) as SimulatorInfo;
        if (typeof info.url !== 'string' || typeof info.pid !== 'number') throw new TypeError('missing url or pid');
        settled = true;
        clearTimeout(timer);
        resolve(info);
      } catch (e) {
        fail(`bad startup line '${line.slice(0, 200)}': ${(e as Error).message}`);
      }
    });
  });
}

async function terminate(entry: { child: ChildProcess; tmp: string }): Promise<void> {
  const { child, tmp } = entry;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  live.delete(entry);
  rmSync(tmp, { recursive: true, force: true });
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: signal the children and remove what we can; a child
  // that outlives us also exits when its stdin pipe closes.
  process.on('exit', () => {
    for (const { child, tmp } of live) {
      child.kill('SIGKILL');
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}

function tail(s: string, max: number): string {
  return s.length > max ? s.slice(s.length - max) : s;
}

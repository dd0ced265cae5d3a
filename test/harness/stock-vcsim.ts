/**
 * The stock simulator: govmomi's vcsim unextended, behind the normalising proxy of ../shared/vcsim (built by its
 * build.sh), with its fault injection and SOAP call log. esxvirt must work here as well as on our extended launcher,
 * and virsh (libvirt's own ESX driver) runs against it for byte-for-byte comparisons. Credentials: user / pass.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where ../shared/vcsim lives (beside the checkout), or undefined. */
export function sharedVcsimDir(): string | undefined {
  const dir = resolve(process.cwd(), '..', 'shared', 'vcsim');
  return existsSync(join(dir, 'build.sh')) ? dir : undefined;
}

/** Options of the stock simulator; names follow its flags (`-h` lists them). */
export interface StockOptions {
  model: 'esx' | 'vpx';
  /** VMs per host/cluster (-vm). */
  vms?: number;
  /** vpx: hosts per cluster, clusters, datacenters, standalone hosts, datastores. */
  hosts?: number;
  clusters?: number;
  datacenters?: number;
  standaloneHosts?: number;
  datastores?: number;
  /** Serve the simulator's XML unnormalised (-raw). */
  raw?: boolean;
  /** Faults on every Nth SOAP call. */
  faultDrop?: number;
  fault503?: number;
  faultExpire?: number;
  faultDelayMs?: number;
}

/** A running stock simulator. */
export interface StockSimulator {
  readonly port: number;
  /** esx://127.0.0.1:PORT/?no_verify=1, or vpx://…/DC0/DC0_C0/DC0_C0_H0?no_verify=1. */
  readonly uri: string;
  /** An auth.conf holding user/pass for 127.0.0.1 (esx and vpx). */
  readonly authFile: string;
  /** SOAP method names called so far (the -calls log), in order. */
  calls(): string[];
  /** Forgets the calls logged so far. */
  resetCalls(): void;
  stop(): Promise<void>;
}

/** Builds the simulator once (its build.sh caches /tmp/esxvirt-vcsim/vcsim) and returns the binary. */
export function buildStockSimulator(): string {
  const dir = sharedVcsimDir();
  if (dir === undefined) throw new Error('../shared/vcsim is missing beside the checkout');
  const out = process.env.ESXVIRT_VCSIM_DIR ?? '/tmp/esxvirt-vcsim';
  const bin = join(out, 'vcsim');
  if (!existsSync(bin))
    execFileSync('sh', [join(dir, 'build.sh')], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, ESXVIRT_VCSIM_DIR: out },
    });
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the stock simulator exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((res) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        res(true);
      });
      c.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`the stock simulator did not listen on ${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the stock simulator on a free port. */
export async function startStockSimulator(opts: StockOptions): Promise<StockSimulator> {
  const bin = buildStockSimulator();
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-stock-'));
  const callsFile = join(dir, 'calls.log');
  const authFile = join(dir, 'auth.conf');
  writeFileSync(
    authFile,
    '[credentials-sim]\nusername=user\npassword=pass\n[auth-esx-127.0.0.1]\ncredentials=sim\n[auth-vpx-127.0.0.1]\ncredentials=sim\n',
  );
  let child: ChildProcess | undefined;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = ['-l', `127.0.0.1:${port}`, '-calls', callsFile];
    if (opts.model === 'esx') args.push('-esx');
    const num: [keyof StockOptions, string][] = [
      ['vms', '-vm'],
      ['hosts', '-host'],
      ['clusters', '-cluster'],
      ['datacenters', '-dc'],
      ['standaloneHosts', '-standalone-host'],
      ['datastores', '-ds'],
      ['faultDrop', '-fault-drop'],
      ['fault503', '-fault-503'],
      ['faultExpire', '-fault-expire'],
      ['faultDelayMs', '-fault-delay'],
    ];
    for (const [k, flag] of num) if (opts[k] !== undefined) args.push(flag, String(opts[k]));
    if (opts.raw) args.push('-raw');
    child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.resume();
    try {
      await waitForPort(port, child, 30_000);
    } catch (e) {
      child.kill('SIGKILL');
      if (attempt < 2) continue;
      throw e;
    }
    const proc = child;
    const path = opts.model === 'esx' ? '' : 'DC0/DC0_C0/DC0_C0_H0';
    return {
      port,
      uri: `${opts.model}://127.0.0.1:${port}/${path}?no_verify=1`,
      authFile,
      calls: () => (existsSync(callsFile) ? readFileSync(callsFile, 'utf8').split('\n').filter(Boolean) : []),
      resetCalls: () => writeFileSync(callsFile, ''),
      stop: async () => {
        if (proc.exitCode === null) {
          const exited = new Promise((r) => proc.once('exit', r));
          proc.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/**
 * `esxvirt list --all` as users run it: whole processes (start, connect, list, print, logout) against an ESX and a
 * vCenter simulator with 1,000 VMs on the connection's host, next to pyvmomi doing the same listing
 * (bench/cli_list_pyvmomi.py, Debian's python3-pyvmomi). Reports median wall times, esxvirt ÷ pyvmomi (target
 * ≤ 0.8, goal 0.5) and esxvirt's SOAP calls per run for 100 and 1,000 VMs (counted by the simulator), which
 * must not grow with the VM count.
 *
 * Run: `node dist/bench/run.js cli-list`, or alone `node dist/bench/cli-list.js` (after `npm run build`, which
 * also writes the bundle bin/esxvirt starts from). ESXVIRT_BENCH_RUNS sets the runs per median (default 15).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSimulator, type Simulator } from '../test/harness/vcsim.js';
import type { BenchOptions, BenchResult, Metric } from './measure.js';

/** One line: what this module measures. */
export const description =
  'esxvirt list --all (text and --json) as whole processes vs pyvmomi, 1,000 VMs (ESX and vCenter); SOAP calls for 100 and 1,000 VMs';

const PYTHON = process.env.ESXVIRT_PYTHON ?? '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, import.meta.url.endsWith('.ts') ? '..' : '../..');
const BIN = join(REPO, 'bin/esxvirt');
const PY_SCRIPT = join(REPO, 'bench/cli_list_pyvmomi.py');

interface Run {
  ms: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (e) => resolve({ ms: NaN, status: null, stdout, stderr: e.message }));
    child.on('close', (status) => resolve({ ms: performance.now() - start, status, stdout, stderr }));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

/** One simulator set-up: the URI esxvirt uses and the container path pyvmomi lists. */
interface Target {
  model: 'esx' | 'vpx';
  sim: Simulator;
  uri: string;
  pyPath?: string;
}

/** vCenter: no cluster, one standalone host carrying every VM, so both tools list the same VMs of one host. */
async function startTarget(model: 'esx' | 'vpx', vms: number): Promise<Target> {
  if (model === 'esx') {
    const sim = await startSimulator({ model, vms, quiet: true });
    return { model, sim, uri: `esx://127.0.0.1:${sim.port}/?thumbprint=${sim.thumbprint}` };
  }
  const sim = await startSimulator({ model, vms, clusters: 0, standaloneHosts: 1, quiet: true });
  return { model, sim, uri: `vpx://127.0.0.1:${sim.port}/DC0/DC0_H0?thumbprint=${sim.thumbprint}`, pyPath: 'DC0/host/DC0_H0/DC0_H0' };
}

function esxvirtArgs(t: Target, json: boolean): string[] {
  return ['-c', t.uri, ...(json ? ['--json'] : []), 'list', '--all'];
}

/** SOAP requests one `list --all` makes, as the simulator counts them; and as the CLI reports them, if it can. */
async function soapCalls(t: Target, env: NodeJS.ProcessEnv, expectVms: number): Promise<{ server: number; cli: number | undefined }> {
  const before = (await t.sim.stats()).requests;
  const r = await runProcess(BIN, esxvirtArgs(t, true), { ...env, ESXVIRT_NODE: process.execPath, ESXVIRT_STATS: '1' });
  const after = (await t.sim.stats()).requests;
  if (r.status !== 0) throw new Error(`esxvirt list failed (${r.status}): ${r.stderr.trim()}`);
  const listed = (JSON.parse(r.stdout) as unknown[]).length;
  if (listed !== expectVms) throw new Error(`esxvirt listed ${listed} domains on the ${t.model} simulator, expected ${expectVms}`);
  const m = /debug: soap calls (\d+)/.exec(r.stderr);
  return { server: after - before, cli: m ? Number(m[1]) : undefined };
}

function bundleNote(): string {
  const mtime = (p: string): number => (existsSync(p) ? statSync(p).mtimeMs : -1);
  const bundle = mtime(join(REPO, 'dist/esxvirt.cjs'));
  if (bundle < 0) return 'modules (no dist/esxvirt.cjs: run npm run build)';
  const newest = Math.max(mtime(join(REPO, 'dist/src/cli/main.js')), mtime(join(REPO, 'dist/.tsbuildinfo')));
  return bundle >= newest ? 'bundle dist/esxvirt.cjs (V8 code cache)' : 'modules (bundle older than the last tsc run)';
}

/** Runs the comparison; `options.scale` scales the VM counts (1 = 100 and 1,000). */
export async function run(options: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const scale = options.scale ?? 1;
  const runs = Math.max(3, Number(process.env.ESXVIRT_BENCH_RUNS ?? 15));
  const big = Math.max(10, Math.round(1000 * scale));
  const small = Math.max(5, Math.round(100 * scale));
  const metrics: Metric[] = [];
  const json: Record<string, number | string> = { cli_list_runs: runs, cli_list_started_from: bundleNote() };
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-bench-cli-'));
  const authFile = join(dir, 'auth.conf');
  writeFileSync(authFile, '[credentials-b]\nusername=root\npassword=bench\n\n[auth-esx-127.0.0.1]\ncredentials=b\n');
  const env: NodeJS.ProcessEnv = { ...process.env, LIBVIRT_AUTH_FILE: authFile };
  delete env.ESXVIRT_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  let pyMissing: string | undefined = existsSync(PY_SCRIPT) ? undefined : `${PY_SCRIPT} missing`;
  console.error(`cli-list: bin/esxvirt starts from ${json.cli_list_started_from}; ${runs} runs per median`);

  try {
    for (const model of ['esx', 'vpx'] as const) {
      for (const vms of [small, big]) {
        const t = await startTarget(model, vms);
        try {
          const calls = await soapCalls(t, env, vms);
          metrics.push({ label: `${model} ${vms} VMs: SOAP calls per esxvirt list --all`, value: calls.server, unit: 'calls' });
          json[`cli_list_${model}_${vms}_soap_calls`] = calls.server;
          if (calls.cli !== undefined) json[`cli_list_${model}_${vms}_soap_calls_cli`] = calls.cli;
          if (vms !== big) continue;

          const text: number[] = [];
          const asJson: number[] = [];
          const py: number[] = [];
          const pyArgs = [PY_SCRIPT, '127.0.0.1', String(t.sim.port), 'root', 'bench', ...(t.pyPath ? [t.pyPath] : [])];
          // Interleaved, after one untimed round, so drift on this shared machine hits all three alike.
          for (let i = 0; i <= runs; i++) {
            const a = await runProcess(BIN, esxvirtArgs(t, false), { ...env, ESXVIRT_NODE: process.execPath });
            if (a.status !== 0) throw new Error(`esxvirt list failed (${a.status}): ${a.stderr.trim()}`);
            const b = await runProcess(BIN, esxvirtArgs(t, true), { ...env, ESXVIRT_NODE: process.execPath });
            if (b.status !== 0) throw new Error(`esxvirt --json list failed (${b.status}): ${b.stderr.trim()}`);
            if (i > 0) text.push(a.ms);
            if (i > 0) asJson.push(b.ms);
            if (pyMissing === undefined) {
              const p = await runProcess(PYTHON, pyArgs, env);
              if (p.status === 3) pyMissing = `pyVmomi not importable for ${PYTHON}`;
              else if (p.status !== 0) throw new Error(`pyvmomi listing failed (${p.status}): ${p.stderr.trim().split('\n').pop()}`);
              else {
                const lines = p.stdout.trim().split('\n').length;
                if (lines !== vms) throw new Error(`pyvmomi listed ${lines} VMs, expected ${vms}`);
                if (i > 0) py.push(p.ms);
              }
            }
          }
          const mText = median(text);
          const mJson = median(asJson);
          const key = `cli_list_${model}_${vms}`;
          Object.assign(json, { [`${key}_ms`]: round(mText), [`${key}_json_ms`]: round(mJson) });
          if (pyMissing !== undefined || py.length === 0) {
            metrics.push({ label: `${model} ${vms} VMs: esxvirt list --all (median wall)`, value: mText, unit: 'ms' });
            metrics.push({ label: `${model} ${vms} VMs: esxvirt --json list --all (median wall)`, value: mJson, unit: 'ms' });
            continue;
          }
          const mPy = median(py);
          const target = 0.8 * mPy;
          metrics.push({
            label: `${model} ${vms} VMs: esxvirt list --all (median wall)`,
            value: mText,
            unit: 'ms',
            target,
            targetNote: '0.8 × pyvmomi',
          });
          metrics.push({
            label: `${model} ${vms} VMs: esxvirt --json list --all (median wall)`,
            value: mJson,
            unit: 'ms',
            target,
            targetNote: '0.8 × pyvmomi',
          });
          metrics.push({ label: `${model} ${vms} VMs: pyvmomi same listing (median wall)`, value: mPy, unit: 'ms' });
          metrics.push({
            label: `${model} ${vms} VMs: esxvirt ÷ pyvmomi (goal 0.5)`,
            value: mText / mPy,
            unit: 'ratio',
            target: 0.8,
            targetNote: 'target',
          });
          Object.assign(json, {
            [`pyvmomi_list_${model}_${vms}_ms`]: round(mPy),
            [`${key}_ratio`]: Math.round((mText / mPy) * 1000) / 1000,
            [`${key}_json_ratio`]: Math.round((mJson / mPy) * 1000) / 1000,
          });
        } finally {
          await t.sim.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (pyMissing !== undefined) {
    console.error(`cli-list: pyvmomi comparison skipped: ${pyMissing}`);
    json.pyvmomi = `skipped: ${pyMissing}`;
  }
  return { metrics, json };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  for (const m of result.metrics) {
    const vs = m.target !== undefined ? `   (${m.targetNote}: ${m.target.toFixed(2)})` : '';
    console.log(`${m.label.padEnd(58)} ${m.value.toFixed(m.unit === 'ratio' ? 3 : 1).padStart(9)} ${m.unit}${vs}`);
  }
  console.log(JSON.stringify(result.json));
}

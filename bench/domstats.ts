/**
 * `esxvirt domstats` for 1,000 VMs as users run it (a whole process: start, connect, list, counter catalogue,
 * QueryPerf, print, logout) against our ESX simulator, next to pyvmomi reading the same properties and asking the
 * same QueryPerf (bench/domstats_pyvmomi.py, Debian's python3-pyvmomi). Reports median wall times, esxvirt ÷
 * pyvmomi, and the SOAP calls each makes (counted by the simulator).
 *
 * Run: `node dist/bench/run.js domstats`, or alone `node dist/bench/domstats.js` (after `npm run build`).
 * ESXVIRT_BENCH_RUNS sets the runs per median (default 9).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSimulator } from '../test/harness/vcsim.js';
import type { BenchOptions, BenchResult, Metric } from './measure.js';

/** One line: what this module measures. */
export const description = 'esxvirt domstats (every group) of 1,000 VMs as a whole process vs pyvmomi doing the same QueryPerf; SOAP calls';

const PYTHON = process.env.ESXVIRT_PYTHON ?? '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, import.meta.url.endsWith('.ts') ? '..' : '../..');
const BIN = join(REPO, 'bin/esxvirt');
const PY_SCRIPT = join(REPO, 'bench/domstats_pyvmomi.py');

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

const round = (x: number): number => Math.round(x * 10) / 10;

/** Runs the comparison; `options.scale` scales the VM count (1 = 1,000). */
export async function run(options: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const vms = Math.max(10, Math.round(1000 * (options.scale ?? 1)));
  const runs = Math.max(3, Number(process.env.ESXVIRT_BENCH_RUNS ?? 9));
  const metrics: Metric[] = [];
  const json: Record<string, number | string> = { domstats_runs: runs };
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-bench-stats-'));
  const authFile = join(dir, 'auth.conf');
  writeFileSync(authFile, '[credentials-b]\nusername=root\npassword=bench\n\n[auth-esx-127.0.0.1]\ncredentials=b\n');
  const env: NodeJS.ProcessEnv = { ...process.env, LIBVIRT_AUTH_FILE: authFile, ESXVIRT_NODE: process.execPath };
  delete env.ESXVIRT_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  let pyMissing: string | undefined = existsSync(PY_SCRIPT) ? undefined : `${PY_SCRIPT} missing`;
  const sim = await startSimulator({ model: 'esx', vms, quiet: true });
  const uri = `esx://127.0.0.1:${sim.port}/?thumbprint=${sim.thumbprint}`;
  const pyArgs = [PY_SCRIPT, '127.0.0.1', String(sim.port), 'root', 'bench'];
  try {
    const counted = async (cmd: string, args: string[]): Promise<{ r: Run; calls: number }> => {
      const before = (await sim.stats()).requests;
      const r = await runProcess(cmd, args, env);
      return { r, calls: (await sim.stats()).requests - before };
    };
    const ours: number[] = [];
    const py: number[] = [];
    let ourCalls = 0;
    let pyCalls = 0;
    // interleaved, after one untimed round, so drift on this shared machine hits both alike
    for (let i = 0; i <= runs; i++) {
      const a = await counted(BIN, ['-c', uri, '--json', 'domstats']);
      if (a.r.status !== 0) throw new Error(`esxvirt domstats failed (${a.r.status}): ${a.r.stderr.trim()}`);
      const listed = (JSON.parse(a.r.stdout) as unknown[]).length;
      if (listed !== vms) throw new Error(`esxvirt domstats gave ${listed} domains, expected ${vms}`);
      if (i > 0) ours.push(a.r.ms);
      ourCalls = a.calls;
      if (pyMissing === undefined) {
        const p = await counted(PYTHON, pyArgs);
        if (p.r.status === 3) pyMissing = `pyVmomi not importable for ${PYTHON}`;
        else if (p.r.status !== 0) throw new Error(`pyvmomi domstats failed (${p.r.status}): ${p.r.stderr.trim().split('\n').pop()}`);
        else {
          const lines = p.r.stdout.trim().split('\n').length;
          if (lines !== vms) throw new Error(`pyvmomi read ${lines} VMs, expected ${vms}`);
          if (i > 0) py.push(p.r.ms);
          pyCalls = p.calls;
        }
      }
    }
    const m = median(ours);
    metrics.push({ label: `${vms} VMs: esxvirt domstats (median wall)`, value: m, unit: 'ms' });
    metrics.push({ label: `${vms} VMs: esxvirt SOAP calls`, value: ourCalls, unit: 'calls' });
    Object.assign(json, { [`domstats_${vms}_ms`]: round(m), [`domstats_${vms}_soap_calls`]: ourCalls });
    if (pyMissing === undefined && py.length > 0) {
      const mp = median(py);
      metrics.push({ label: `${vms} VMs: pyvmomi same reads and QueryPerf (median wall)`, value: mp, unit: 'ms' });
      metrics.push({ label: `${vms} VMs: pyvmomi SOAP calls`, value: pyCalls, unit: 'calls' });
      metrics.push({ label: `${vms} VMs: esxvirt ÷ pyvmomi`, value: m / mp, unit: 'ratio' });
      Object.assign(json, {
        [`pyvmomi_domstats_${vms}_ms`]: round(mp),
        [`pyvmomi_domstats_${vms}_soap_calls`]: pyCalls,
        [`domstats_${vms}_ratio`]: Math.round((m / mp) * 1000) / 1000,
      });
    } else {
      console.error(`domstats: pyvmomi comparison skipped: ${pyMissing ?? 'no runs'}`);
      json.pyvmomi_domstats = `skipped: ${pyMissing ?? 'no runs'}`;
    }
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { metrics, json };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  for (const m of result.metrics) console.log(`${m.label.padEnd(58)} ${m.value.toFixed(m.unit === 'ratio' ? 3 : 1).padStart(9)} ${m.unit}`);
  console.log(JSON.stringify(result.json));
}

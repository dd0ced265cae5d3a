/**
 * vSphere listing cost: name and power state of every VM of a simulated host with 1,000 and 5,000 VMs. Measures
 * in-process time per listing, SOAP calls per listing (counted by the client) and memory, then whole processes
 * (start, connect, list, logout) of our client and of pyvmomi's RetrieveContents for comparison.
 *
 * Run: `node dist/bench/run.js soap-list` once listed in MODULES, or alone: `node dist/bench/soap-list.js`
 * (`node --import tsx bench/soap-list.ts` works too, but then the child processes pay for tsx's start-up).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VimClient } from '../src/vim25/client.js';
import { VirtualMachineProps } from '../src/vim25/generated/props.js';
import { startSimulator } from '../test/harness/vcsim.js';
import type { BenchOptions, BenchResult, Metric } from './measure.js';

/** One line: what this module measures. */
export const description =
  'list name + power state of 1,000 and 5,000 simulated VMs: time, SOAP calls, memory; whole-process time vs pyvmomi';

// Debian's python3-pyvmomi is installed for the system interpreter, not for a pyenv python3 on PATH.
const PYTHON = process.env.ESXVIRT_PYTHON ?? '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const FROM_SOURCE = import.meta.url.endsWith('.ts');

interface ProcResult {
  wallMs: number;
  out: Record<string, number> & { error?: string };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Runs a child process to completion; its stdout's last line is JSON. */
function runProcess(cmd: string, args: string[]): Promise<ProcResult | { failed: string; code: number | null }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', (e) => resolve({ failed: e.message, code: null }));
    child.on('exit', (code) => {
      const wallMs = performance.now() - start;
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const parsed = JSON.parse(line) as ProcResult['out'];
        if (code === 0) resolve({ wallMs, out: parsed });
        else resolve({ failed: parsed.error ?? (err.trim() || `exit ${code}`), code });
      } catch {
        resolve({ failed: (err.trim() || line || `exit ${code}`).slice(0, 300), code });
      }
    });
  });
}

/** Repeats a process `n` times; medians of wall time and of the reported numbers. */
async function timeProcess(
  cmd: string,
  args: string[],
  n: number,
): Promise<{ wallMs: number; listMs: number; rssMiB: number; count: number } | { failed: string; code: number | null }> {
  const runs: ProcResult[] = [];
  for (let i = 0; i < n; i++) {
    const r = await runProcess(cmd, args);
    if ('failed' in r) return r;
    runs.push(r);
  }
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    listMs: median(runs.map((r) => r.out.list_ms ?? NaN)),
    rssMiB: median(runs.map((r) => (r.out.max_rss_kib ?? NaN) / 1024)),
    count: runs[0]?.out.count ?? 0,
  };
}

/** Times in-process listings over an open connection: calls and RSS growth per listing. */
async function inProcess(
  url: string,
  minMs: number,
  sampleRss: () => void,
): Promise<{ ms: number; calls: number; rssDeltaMiB: number; count: number }> {
  const c = await VimClient.connect({ url, username: 'user', password: 'pass', noVerify: true });
  try {
    let count = (await c.inventory.listVms([VirtualMachineProps.name, VirtualMachineProps.powerState])).length; // warm-up
    const times: number[] = [];
    let calls = 0;
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      sampleRss();
    }, 5);
    const started = performance.now();
    try {
      while (times.length < 3 || performance.now() - started < minMs) {
        const before = c.stats.soapCalls;
        const t = performance.now();
        count = (await c.inventory.listVms([VirtualMachineProps.name, VirtualMachineProps.powerState])).length;
        times.push(performance.now() - t);
        calls = c.stats.soapCalls - before;
        if (times.length >= 50) break;
      }
    } finally {
      clearInterval(timer);
    }
    return { ms: median(times), calls, rssDeltaMiB: (peak - rss0) / 2 ** 20, count };
  } finally {
    await c.close();
  }
}

/** Runs the measurements for 1,000 and 5,000 VMs (times options.scale). */
export async function run(options: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const scale = options.scale ?? 1;
  const minMs = options.minMs ?? 2000;
  const sampleRss = options.sampleRss ?? ((): void => {});
  const metrics: Metric[] = [];
  const json: Record<string, number | string> = {};
  const cli = join(HERE, FROM_SOURCE ? 'soap-list-cli.ts' : 'soap-list-cli.js');
  const nodeArgs = FROM_SOURCE ? ['--import', 'tsx', cli] : [cli];
  const pyScript = join(HERE, FROM_SOURCE ? '' : '../../bench', 'soap_list_pyvmomi.py');
  const haveScript = existsSync(pyScript);

  for (const base of [1000, 5000]) {
    const n = Math.max(10, Math.round(base * scale));
    const sim = await startSimulator({ model: 'esx', vms: n, quiet: true });
    try {
      const mine = await inProcess(sim.url, minMs, sampleRss);
      metrics.push({ label: `${n} VMs: list in process (median)`, value: mine.ms, unit: 'ms' });
      metrics.push({ label: `${n} VMs: SOAP calls per listing`, value: mine.calls, unit: 'calls' });
      metrics.push({ label: `${n} VMs: RSS growth while listing`, value: mine.rssDeltaMiB, unit: 'MiB' });
      Object.assign(json, {
        [`soap_list_${n}_ms`]: round(mine.ms),
        [`soap_list_${n}_calls`]: mine.calls,
        [`soap_list_${n}_rss_delta_mib`]: round(mine.rssDeltaMiB),
      });
      if (mine.count !== n) json[`soap_list_${n}_count_mismatch`] = mine.count;

      const ours = await timeProcess(process.execPath, [...nodeArgs, sim.url, 'user', 'pass'], 3);
      if ('failed' in ours) throw new Error(`esxvirt listing process failed: ${ours.failed}`);
      metrics.push({ label: `${n} VMs: esxvirt process (start→exit${FROM_SOURCE ? ', via tsx' : ''})`, value: ours.wallMs, unit: 'ms' });
      metrics.push({ label: `${n} VMs: esxvirt process max RSS`, value: ours.rssMiB, unit: 'MiB' });
      Object.assign(json, {
        [`soap_list_${n}_proc_ms`]: round(ours.wallMs),
        [`soap_list_${n}_proc_list_ms`]: round(ours.listMs),
        [`soap_list_${n}_proc_rss_mib`]: round(ours.rssMiB),
      });

      const py = haveScript
        ? await timeProcess(PYTHON, [pyScript, sim.host, String(sim.port), 'user', 'pass'], 3)
        : { failed: `${pyScript} missing`, code: null };
      if ('failed' in py) {
        const why = py.code === 3 ? `pyVmomi not importable for ${PYTHON}` : py.failed;
        console.error(`soap-list: pyvmomi comparison skipped: ${why}`);
        json.pyvmomi = `skipped: ${why}`;
      } else {
        metrics.push({
          label: `${n} VMs: pyvmomi process (start→exit)`,
          value: py.wallMs,
          unit: 'ms',
          target: ours.wallMs,
          targetNote: 'esxvirt process',
        });
        metrics.push({
          label: `${n} VMs: pyvmomi list inside process`,
          value: py.listMs,
          unit: 'ms',
          target: ours.listMs,
          targetNote: 'esxvirt list inside process',
        });
        metrics.push({ label: `${n} VMs: pyvmomi process max RSS`, value: py.rssMiB, unit: 'MiB' });
        Object.assign(json, {
          [`pyvmomi_list_${n}_proc_ms`]: round(py.wallMs),
          [`pyvmomi_list_${n}_proc_list_ms`]: round(py.listMs),
          [`pyvmomi_list_${n}_proc_rss_mib`]: round(py.rssMiB),
          [`soap_list_${n}_speedup_vs_pyvmomi`]: round(py.wallMs / ours.wallMs),
        });
      }
    } finally {
      await sim.stop();
    }
  }
  return { metrics, json };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  for (const m of result.metrics) {
    const vs = m.target !== undefined ? `   (${m.targetNote}: ${m.target.toFixed(1)}; ratio ${(m.value / m.target).toFixed(2)}x)` : '';
    console.log(`${m.label.padEnd(52)} ${m.value.toFixed(1).padStart(9)} ${m.unit}${vs}`);
  }
  console.log(JSON.stringify(result.json));
}

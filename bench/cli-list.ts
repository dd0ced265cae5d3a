/**
 * `esxvirt list --all` as users run it, side by side with pyvmomi doing the same listing (bench/cli_list_pyvmomi.py,
 * Debian's python3-pyvmomi): whole processes (start, connect, list, print, log out, exit) against one simulated ESX
 * host with 1,000 and 10,000 VMs, and a vCenter host with 1,000. Runs are interleaved (esxvirt, esxvirt --json,
 * pyvmomi, again and again, after one untimed round) so that drift on a shared machine hits all alike. Every process
 * runs under bench/proc_stats.py (fork, exec, wait4), which measures wall time, CPU time and the exact peak RSS of
 * each tool the same way. Reports medians, the two ratios the issue asks for (wall time esxvirt ÷ pyvmomi, goal
 * ≤ 0.5; peak RSS, goal ≤ 70 MiB, also shown ÷ pyvmomi's), and esxvirt's SOAP calls per listing (counted by the
 * simulator). Both tools' listings are checked to hold the same VMs.
 *
 * Run: `node dist/bench/run.js cli-list`, or alone `node dist/bench/cli-list.js` (after `npm run build`, which
 * also writes the bundle bin/esxvirt starts from). ESXVIRT_BENCH_RUNS sets the runs per median (default 11);
 * ESXVIRT_BENCH_BASELINE=/path/to/other/bin/esxvirt adds another build (e.g. an earlier commit's) to the same
 * interleaved runs, for before/after figures measured side by side. The launcher's V8 code cache beside the bundle
 * is removed first, so each run starts as after `npm run build`: the cache is then made by the listings themselves
 * (a cache grown by ~100 other commands, as the test suite leaves it, is ~0.8 MB larger and costs ~8 ms per start).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSimulator, type Simulator } from '../test/harness/vcsim.js';
import type { BenchOptions, BenchResult, Metric } from './measure.js';

/** One line: what this module measures. */
export const description =
  'esxvirt list --all vs pyvmomi as whole processes, interleaved: wall time and peak RSS at 1,000 and 10,000 VMs (ESX), 1,000 (vCenter)';

const PYTHON = process.env.ESXVIRT_PYTHON ?? '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, import.meta.url.endsWith('.ts') ? '..' : '../..');
const BIN = join(REPO, 'bin/esxvirt');
const PY_SCRIPT = join(REPO, 'bench/cli_list_pyvmomi.py');
const STATS_SCRIPT = join(REPO, 'bench/proc_stats.py');
const BASELINE = process.env.ESXVIRT_BENCH_BASELINE;

/** The goals of issue 8: wall time ≤ 0.5 × pyvmomi's, peak RSS ≤ 70 MiB. */
const WALL_RATIO_GOAL = 0.5;
const RSS_GOAL_MIB = 70;

/** What one process cost. */
interface Run {
  wallMs: number;
  cpuMs: number;
  /** Peak resident set in KiB (NaN when proc_stats.py could not run). */
  maxRssKiB: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

let statsUsable: boolean | undefined;

/** Runs one process under proc_stats.py (or, without python3, times it from here and leaves RSS unknown). */
async function runMeasured(dir: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const outFile = join(dir, 'stdout');
  const errFile = join(dir, 'stderr');
  if (statsUsable !== false) {
    const r = await spawnCollect(PYTHON, [STATS_SCRIPT, outFile, errFile, cmd, ...args], env);
    try {
      const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as {
        wall_ms: number;
        cpu_ms: number;
        max_rss_kib: number;
        status: number;
      };
      statsUsable = true;
      return {
        wallMs: j.wall_ms,
        cpuMs: j.cpu_ms,
        maxRssKiB: j.max_rss_kib,
        status: j.status,
        stdout: readFileSync(outFile, 'utf8'),
        stderr: readFileSync(errFile, 'utf8'),
      };
    } catch {
      if (statsUsable === true) throw new Error(`proc_stats.py failed: ${r.stderr.trim()}`);
      statsUsable = false;
      console.error(`cli-list: ${PYTHON} ${STATS_SCRIPT} unusable (${r.stderr.trim().split('\n').pop() ?? ''}): no RSS figures`);
    }
  }
  const start = performance.now();
  const r = await spawnCollect(cmd, args, env);
  return { wallMs: performance.now() - start, cpuMs: NaN, maxRssKiB: NaN, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function spawnCollect(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', (e) => resolve({ status: null, stdout, stderr: e.message }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** One simulator set-up: the URI esxvirt uses and the container path pyvmomi lists. */
interface Target {
  model: 'esx' | 'vpx';
  sim: Simulator;
  uri: string;
  pyPath?: string;
}

/** vCenter: no cluster, one standalone host carrying every VM, so both tools list the same VMs of one host. */
async function startTarget(model: 'esx' | 'vpx', vms: number): Promise<Target> {
  const startTimeoutMs = 600_000;
  if (model === 'esx') {
    const sim = await startSimulator({ model, vms, quiet: true, startTimeoutMs });
    return { model, sim, uri: `esx://127.0.0.1:${sim.port}/?thumbprint=${sim.thumbprint}` };
  }
  const sim = await startSimulator({ model, vms, clusters: 0, standaloneHosts: 1, quiet: true, startTimeoutMs });
  return { model, sim, uri: `vpx://127.0.0.1:${sim.port}/DC0/DC0_H0?thumbprint=${sim.thumbprint}`, pyPath: 'DC0/host/DC0_H0/DC0_H0' };
}

const esxvirtArgs = (t: Target, json: boolean): string[] => ['-c', t.uri, ...(json ? ['--json'] : []), 'list', '--all'];

/** `name state` of every row of esxvirt's table, sorted (the shape pyvmomi's script prints, with vSphere's states). */
function rowsOfTable(text: string): string[] {
  const vsphere: Record<string, string> = { running: 'poweredOn', 'shut off': 'poweredOff', paused: 'suspended' };
  return text
    .split('\n')
    .slice(2)
    .filter((l) => l !== '')
    .map((l) => {
      const m = /^ (\S+) +(.+?) +(running|shut off|paused|no state)$/.exec(l);
      if (m === null) throw new Error(`unexpected row in esxvirt's table: '${l}'`);
      return `${m[2]} ${vsphere[m[3] as string] ?? m[3]}`;
    })
    .sort();
}

function bundleNote(): string {
  const mtime = (p: string): number => (existsSync(p) ? statSync(p).mtimeMs : -1);
  const bundle = mtime(join(REPO, 'dist/esxvirt.cjs'));
  if (bundle < 0) return 'modules (no dist/esxvirt.cjs: run npm run build)';
  const newest = Math.max(mtime(join(REPO, 'dist/src/cli/main.js')), mtime(join(REPO, 'dist/.tsbuildinfo')));
  return bundle >= newest ? 'bundle dist/esxvirt.cjs (V8 code cache)' : 'modules (bundle older than the last tsc run)';
}

/** Runs the comparison; `options.scale` scales the VM counts (1 = 1,000 and 10,000). */
export async function run(options: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const scale = options.scale ?? 1;
  const runs = Math.max(3, Number(process.env.ESXVIRT_BENCH_RUNS ?? 11));
  const sizes: ['esx' | 'vpx', number][] = [
    ['esx', Math.max(10, Math.round(1000 * scale))],
    ['esx', Math.max(10, Math.round(10_000 * scale))],
    ['vpx', Math.max(10, Math.round(1000 * scale))],
  ];
  const metrics: Metric[] = [];
  const json: Record<string, number | string> = { cli_list_runs: runs, cli_list_started_from: bundleNote() };
  // the code cache as `npm run build` leaves it (none): made by this run's own listings
  for (const f of readdirSync(join(REPO, 'dist'))) if (/^esxvirt\.cjs\..*\.cache$/.test(f)) rmSync(join(REPO, 'dist', f), { force: true });
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-bench-cli-'));
  const authFile = join(dir, 'auth.conf');
  writeFileSync(authFile, '[credentials-b]\nusername=root\npassword=bench\n\n[auth-esx-127.0.0.1]\ncredentials=b\n');
  const env: NodeJS.ProcessEnv = { ...process.env, LIBVIRT_AUTH_FILE: authFile, ESXVIRT_NODE: process.execPath };
  delete env.ESXVIRT_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  delete env.ESXVIRT_STATS;
  let pyMissing: string | undefined = existsSync(PY_SCRIPT) ? undefined : `${PY_SCRIPT} missing`;
  console.error(`cli-list: bin/esxvirt starts from ${json.cli_list_started_from}; ${runs} runs per median`);

  try {
    for (const [model, vms] of sizes) {
      const t = await startTarget(model, vms);
      const key = `cli_list_${model}_${vms}`;
      const label = `${model} ${vms.toLocaleString('en-US')} VMs`;
      try {
        // SOAP calls of one listing, as the simulator counts them (login and logout included).
        const before = (await t.sim.stats()).requests;
        const counted = await runMeasured(dir, BIN, esxvirtArgs(t, true), env);
        if (counted.status !== 0) throw new Error(`esxvirt list failed (${counted.status}): ${counted.stderr.trim()}`);
        const calls = (await t.sim.stats()).requests - before;
        const listed = (JSON.parse(counted.stdout) as unknown[]).length;
        if (listed !== vms) throw new Error(`esxvirt listed ${listed} domains on the ${model} simulator, expected ${vms}`);
        metrics.push({ label: `${label}: SOAP calls per esxvirt list --all`, value: calls, unit: 'calls' });
        json[`${key}_soap_calls`] = calls;

        const text: Run[] = [];
        const asJson: Run[] = [];
        const py: Run[] = [];
        const base: Run[] = [];
        const pyArgs = [PY_SCRIPT, '127.0.0.1', String(t.sim.port), 'root', 'bench', ...(t.pyPath ? [t.pyPath] : [])];
        // Interleaved, after one untimed round (which also checks that both tools list the same VMs).
        for (let i = 0; i <= runs; i++) {
          const a = await runMeasured(dir, BIN, esxvirtArgs(t, false), env);
          if (a.status !== 0) throw new Error(`esxvirt list failed (${a.status}): ${a.stderr.trim()}`);
          const b = await runMeasured(dir, BIN, esxvirtArgs(t, true), env);
          if (b.status !== 0) throw new Error(`esxvirt --json list failed (${b.status}): ${b.stderr.trim()}`);
          if (i > 0) text.push(a);
          if (i > 0) asJson.push(b);
          if (BASELINE !== undefined) {
            const c = await runMeasured(dir, BASELINE, esxvirtArgs(t, false), env);
            if (c.status !== 0) throw new Error(`baseline esxvirt list failed (${c.status}): ${c.stderr.trim()}`);
            if (c.stdout !== a.stdout) throw new Error('the baseline build prints another listing');
            if (i > 0) base.push(c);
          }
          if (pyMissing !== undefined) continue;
          const p = await runMeasured(dir, PYTHON, pyArgs, env);
          if (p.status === 3) pyMissing = `pyVmomi not importable for ${PYTHON}`;
          else if (p.status !== 0) throw new Error(`pyvmomi listing failed (${p.status}): ${p.stderr.trim().split('\n').pop()}`);
          else if (i === 0) {
            const mine = rowsOfTable(a.stdout);
            const theirs = p.stdout.trim().split('\n').sort();
            if (mine.length !== vms || theirs.length !== vms || mine.some((r, k) => r !== theirs[k]))
              throw new Error(`esxvirt and pyvmomi list different VMs (${mine.length} and ${theirs.length} rows)`);
          } else py.push(p);
        }
        const wall = median(text.map((r) => r.wallMs));
        const wallJson = median(asJson.map((r) => r.wallMs));
        const rss = median(text.map((r) => r.maxRssKiB)) / 1024;
        const rssJson = median(asJson.map((r) => r.maxRssKiB)) / 1024;
        Object.assign(json, {
          [`${key}_ms`]: round1(wall),
          [`${key}_json_ms`]: round1(wallJson),
          [`${key}_cpu_ms`]: round1(median(text.map((r) => r.cpuMs))),
          [`${key}_rss_mib`]: round1(rss),
          [`${key}_json_rss_mib`]: round1(rssJson),
        });
        if (base.length > 0) {
          const baseWall = median(base.map((r) => r.wallMs));
          const baseRss = median(base.map((r) => r.maxRssKiB)) / 1024;
          metrics.push({ label: `${label}: baseline build list --all (median wall)`, value: baseWall, unit: 'ms' });
          metrics.push({ label: `${label}: baseline build peak RSS`, value: baseRss, unit: 'MiB' });
          Object.assign(json, {
            [`baseline_${key}_ms`]: round1(baseWall),
            [`baseline_${key}_cpu_ms`]: round1(median(base.map((r) => r.cpuMs))),
            [`baseline_${key}_rss_mib`]: round1(baseRss),
          });
        }
        const havePy = pyMissing === undefined && py.length > 0;
        const pyWall = havePy ? median(py.map((r) => r.wallMs)) : NaN;
        const pyRss = havePy ? median(py.map((r) => r.maxRssKiB)) / 1024 : NaN;
        const wallTarget = havePy ? { target: WALL_RATIO_GOAL * pyWall, targetNote: `${WALL_RATIO_GOAL} × pyvmomi` } : {};
        metrics.push({ label: `${label}: esxvirt list --all (median wall)`, value: wall, unit: 'ms', ...wallTarget });
        metrics.push({ label: `${label}: esxvirt --json list --all (median wall)`, value: wallJson, unit: 'ms', ...wallTarget });
        metrics.push({ label: `${label}: esxvirt list --all peak RSS`, value: rss, unit: 'MiB', target: RSS_GOAL_MIB, targetNote: 'goal' });
        metrics.push({
          label: `${label}: esxvirt --json list --all peak RSS`,
          value: rssJson,
          unit: 'MiB',
          target: RSS_GOAL_MIB,
          targetNote: 'goal',
        });
        if (!havePy) continue;
        metrics.push({ label: `${label}: pyvmomi same listing (median wall)`, value: pyWall, unit: 'ms' });
        metrics.push({ label: `${label}: pyvmomi peak RSS`, value: pyRss, unit: 'MiB' });
        metrics.push({
          label: `${label}: wall time esxvirt ÷ pyvmomi`,
          value: wall / pyWall,
          unit: 'ratio',
          target: WALL_RATIO_GOAL,
          targetNote: 'goal',
        });
        metrics.push({ label: `${label}: peak RSS esxvirt ÷ pyvmomi`, value: rss / pyRss, unit: 'ratio' });
        Object.assign(json, {
          [`pyvmomi_list_${model}_${vms}_ms`]: round1(pyWall),
          [`pyvmomi_list_${model}_${vms}_cpu_ms`]: round1(median(py.map((r) => r.cpuMs))),
          [`pyvmomi_list_${model}_${vms}_rss_mib`]: round1(pyRss),
          [`${key}_ratio`]: round3(wall / pyWall),
          [`${key}_json_ratio`]: round3(wallJson / pyWall),
          [`${key}_rss_ratio`]: round3(rss / pyRss),
        });
        if (base.length > 0) json[`baseline_${key}_ratio`] = round3(median(base.map((r) => r.wallMs)) / pyWall);
      } finally {
        await t.sim.stop();
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
    const vs = m.target !== undefined ? `   (${m.targetNote}: ${m.target.toFixed(m.unit === 'ratio' ? 2 : 1)})` : '';
    console.log(`${m.label.padEnd(58)} ${m.value.toFixed(m.unit === 'ratio' ? 3 : 1).padStart(9)} ${m.unit}${vs}`);
  }
  console.log(JSON.stringify(result.json));
}

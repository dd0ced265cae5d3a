/**
 * Migrating 50 VMs one after another through the library on one connection (migrateDomain: plan, the server's
 * checks, one task, progress, verification), on our launcher's migration lab where a move takes a fixed time.
 * Measures SOAP calls per migration (constant: no lookup grows with the number done), logins (one), and the time
 * per migration against the task's own duration on the server, side by side with a bare loop of our client
 * (RelocateVM_Task + wait) and with pyvmomi's (RelocateVM_Task + WaitForTask) in the same run.
 *
 * Run: `node dist/bench/run.js migrate`, or alone: `node dist/bench/migrate.js`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Connection } from '../src/driver/connect/connection.js';
import { listDomainRefs } from '../src/driver/domain/ref.js';
import { migrateDomain } from '../src/driver/migrate/index.js';
import { startTask, waitForTask, type MoRef } from '../src/vim25/index.js';
import { startMigrationLab } from '../test/harness/migration-lab.js';
import type { BenchOptions, BenchResult, Metric } from './measure.js';

/** One line: what this module measures. */
export const description = 'migrate 50 VMs one after another on one connection: SOAP calls per migration, logins, time vs the task itself';

const PYTHON = process.env.ESXVIRT_PYTHON ?? '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const FROM_SOURCE = import.meta.url.endsWith('.ts');
// The launcher's default duration of a move. vcsim answers WaitForUpdatesEx on a 250 ms tick, so any client sees a
// task end up to 250 ms late: the bare loops below show that part apart from esxvirt's own.
const TASK_MS = 600;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function runPython(args: string[]): Promise<{ per_vm_ms: number[]; task_ms: number[] } | { failed: string }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', (e) => resolve({ failed: e.message }));
    child.on('exit', (code) => {
      try {
        const parsed = JSON.parse(out.trim().split('\n').pop() ?? '') as { per_vm_ms: number[]; task_ms: number[]; error?: string };
        resolve(code === 0 ? parsed : { failed: parsed.error ?? `exit ${code}` });
      } catch {
        resolve({ failed: (err.trim() || `exit ${code}`).slice(0, 300) });
      }
    });
  });
}

/** Runs the measurement (50 VMs × options.scale, at least 10). */
export async function run(options: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const n = Math.max(10, Math.round(50 * (options.scale ?? 1)));
  const metrics: Metric[] = [];
  const json: Record<string, number | string> = {};
  const lab = await startMigrationLab({ migrateMs: TASK_MS });
  try {
    for (let i = 0; i < n; i++) await lab.createVm({ name: `bm${String(i).padStart(3, '0')}`, host: 'DC0_C0_H0' });
    const conn = await Connection.open(lab.vpx('DC0_C0/DC0_C0_H0'), { env: { ...process.env, LIBVIRT_AUTH_FILE: lab.authFile } });
    try {
      const doms = (await listDomainRefs(conn)).map((d) => d.dom).sort((a, b) => a.name.localeCompare(b.name));
      if (doms.length !== n) throw new Error(`expected ${n} VMs on DC0_C0_H0, found ${doms.length}`);
      const dest = lab.vpx('DC0_C0/DC0_C0_H1');
      const generation = conn.client.sessionGeneration;
      const calls: number[] = [];
      const ratios: number[] = [];
      const wall: number[] = [];
      const task: number[] = [];
      for (const dom of doms) {
        const before = conn.client.stats.soapCalls;
        const t = performance.now();
        const r = await migrateDomain(conn, dom, dest);
        const ms = performance.now() - t;
        calls.push(conn.client.stats.soapCalls - before);
        wall.push(ms);
        task.push(r.taskMs ?? NaN);
        ratios.push(ms / (r.taskMs ?? NaN));
        options.sampleRss?.();
      }
      const steady = calls.slice(1);
      const relogins = conn.client.stats.relogins;
      metrics.push({ label: `${n} migrations: SOAP calls, first (caches warm up)`, value: calls[0] as number, unit: 'calls' });
      metrics.push({ label: `${n} migrations: SOAP calls per migration after, median`, value: median(steady), unit: 'calls' });
      metrics.push({
        label: `${n} migrations: SOAP calls, min..max after the first`,
        value: Math.max(...steady) - Math.min(...steady),
        unit: 'spread',
      });
      metrics.push({
        label: `${n} migrations: logins (1 = no re-login)`,
        value: conn.client.sessionGeneration - generation + 1,
        unit: 'logins',
      });
      metrics.push({ label: `${n} migrations: task duration on the server, median`, value: median(task), unit: 'ms' });
      metrics.push({ label: `${n} migrations: migrateDomain per VM, median`, value: median(wall), unit: 'ms' });
      metrics.push({
        label: `${n} migrations: migrateDomain / task duration, median`,
        value: median(ratios),
        unit: 'x',
        target: 1.5,
        targetNote: 'issue target',
      });
      metrics.push({
        label: `${n} migrations: migrateDomain / task duration, worst`,
        value: Math.max(...ratios),
        unit: 'x',
        target: 1.5,
        targetNote: 'issue target',
      });
      Object.assign(json, {
        migrate_vms: n,
        migrate_task_ms: round(median(task)),
        migrate_ms: round(median(wall)),
        migrate_ratio_median: round(median(ratios)),
        migrate_ratio_max: round(Math.max(...ratios)),
        migrate_calls_first: calls[0] as number,
        migrate_calls_median: median(steady),
        migrate_calls_min: Math.min(...steady),
        migrate_calls_max: Math.max(...steady),
        migrate_logins: conn.client.sessionGeneration - generation + 1,
        migrate_relogins: relogins,
      });

      // the bare loop of our client: start, wait; no plan, checks or verification
      const h2 = (await conn.client.inventory.hostContext('DC0/DC0_C0/DC0_C0_H2')).hostSystem;
      const bare: number[] = [];
      const bareTask: number[] = [];
      for (const dom of doms) {
        const t = performance.now();
        const ref = await startTask(conn.client.soap, 'RelocateVM_Task', dom.ref, { spec: { host: h2 } });
        const info = await waitForTask(conn.client, ref);
        bare.push(performance.now() - t);
        bareTask.push(new Date(info.completeTime as Date).getTime() - new Date(info.startTime as Date).getTime());
      }
      metrics.push({
        label: `${n} migrations: bare esxvirt loop per VM, median`,
        value: median(bare),
        unit: 'ms',
        target: median(wall),
        targetNote: 'migrateDomain',
      });
      metrics.push({
        label: `${n} migrations: bare esxvirt loop / task duration, median`,
        value: median(bare.map((b, i) => b / (bareTask[i] as number))),
        unit: 'x',
      });
      Object.assign(json, {
        migrate_bare_ms: round(median(bare)),
        migrate_bare_ratio: round(median(bare.map((b, i) => b / (bareTask[i] as number)))),
      });

      // pyvmomi's loop, same VMs back to DC0_C0_H0
      const pyScript = join(HERE, FROM_SOURCE ? '' : '../../bench', 'migrate_pyvmomi.py');
      const h0 = (await conn.client.inventory.hostContext('DC0/DC0_C0/DC0_C0_H0')).hostSystem as MoRef<'HostSystem'>;
      const py = existsSync(pyScript)
        ? await runPython([pyScript, lab.sim.host, String(lab.sim.port), 'user', 'pass', h0.value, ...doms.map((d) => d.ref.value)])
        : { failed: `${pyScript} missing` };
      if ('failed' in py) {
        console.error(`migrate: pyvmomi comparison skipped: ${py.failed}`);
        json.migrate_pyvmomi = `skipped: ${py.failed}`;
      } else {
        const pyRatio = median(py.per_vm_ms.map((w, i) => w / (py.task_ms[i] as number)));
        metrics.push({
          label: `${n} migrations: pyvmomi loop per VM, median`,
          value: median(py.per_vm_ms),
          unit: 'ms',
          target: median(wall),
          targetNote: 'migrateDomain',
        });
        metrics.push({ label: `${n} migrations: pyvmomi loop / task duration, median`, value: pyRatio, unit: 'x' });
        Object.assign(json, { migrate_pyvmomi_ms: round(median(py.per_vm_ms)), migrate_pyvmomi_ratio: round(pyRatio) });
      }
    } finally {
      await conn.close();
    }
  } finally {
    await lab.stop();
  }
  return { metrics, json };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  for (const m of result.metrics) {
    const vs = m.target !== undefined ? `   (${m.targetNote}: ${m.target.toFixed(2)}; ratio ${(m.value / m.target).toFixed(2)}x)` : '';
    console.log(`${m.label.padEnd(60)} ${m.value.toFixed(2).padStart(9)} ${m.unit}${vs}`);
  }
  console.log(JSON.stringify(result.json));
}

/**
 * `npm run fuzz`: the converter's robustness contract in a long seeded loop. Every input
 * (mutated corpus files, vocabulary-built VMX, random text and bytes, damaged domains) must
 * convert or be refused with an EsxError; one taking longer than the time limit is a hang.
 * A worker thread runs the inputs and the main thread watches it, so even an endless loop is
 * caught, reported and skipped. Failures are saved under .cache/fuzz/ for replay.
 *
 * Then the differential run (bench/differential.ts): DIFF cases through esxvirt and libvirt 9.0's
 * converter (../shared/oracle), agreement per category; disagreements under .cache/fuzz/differential/.
 *
 *   node dist/bench/fuzz.js [ITERATIONS=100000] [--seed N] [--time-limit-ms 1000] [--differential DIFF=10000]
 *   node dist/bench/fuzz.js --only I [--seed N]       re-run one iteration, verbosely
 *   node dist/bench/fuzz.js --replay FILE             re-check a saved reproducer (.json, .vmx, .xml; a
 *                                                     differential .json is re-run against the oracle)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DomainDef } from '../src/conf/domain/domain-def.js';
import { formatDomain } from '../src/conf/domain/format-domain.js';
import { offlineContext } from '../src/vmx/context.js';
import { vmxToDomain } from '../src/vmx/vmx-to-domain.js';
import { loadCorpus, vmxKeys, type Corpus } from '../test/support/corpus.js';
import { oracleDir } from '../test/support/oracle.js';
import { formatReport, replayDifferential, runDifferential } from './differential.js';
import { fuzzCase, type FuzzCase } from '../test/support/fuzz-cases.js';
import { realisticVmxSet } from '../test/support/realistic-vmx.js';
import { checkDomain, checkVmx, checkXml, describeFailure, type CheckResult } from '../test/support/robustness.js';

interface Job {
  seed: number;
  start: number;
  end: number;
  timeLimitMs: number;
  state: SharedArrayBuffer;
}

type Report =
  | { type: 'failure'; i: number; label: string; message: string; stack: string }
  | { type: 'slow'; i: number; label: string; ms: number }
  | { type: 'progress'; i: number; counts: Record<string, number>; slowestMs: number }
  | { type: 'done'; counts: Record<string, number>; slowestMs: number };

// Without the conformance corpus, realistic generated files (and their XML) stand in for it.
function corpusOrStandIn(): Corpus {
  const corpus = loadCorpus();
  if (corpus) return corpus;
  const set = realisticVmxSet(40, 99);
  const vmx = set.map((r) => ({ name: r.name, bytes: Buffer.from(r.text, 'utf8'), vmxPath: r.vmxPath }));
  const xml = set.map((r) => ({ name: r.name, text: formatDomain(vmxToDomain(r.text, offlineContext({ vmxPath: r.vmxPath }))), hw: r.hw }));
  return { dir: '(generated)', vmx, xml, vmxOutputs: [], keys: vmxKeys(set.map((r) => r.text)) };
}

function check(c: FuzzCase): CheckResult {
  if (c.kind === 'vmx') return checkVmx(c.input);
  if (c.kind === 'xml') return checkXml(c.input);
  return checkDomain(c.input);
}

function workerMain(job: Job): void {
  const port = parentPort;
  if (!port) return;
  const corpus = corpusOrStandIn();
  const state = new Int32Array(job.state);
  const counts: Record<string, number> = {};
  let slowestMs = 0;
  for (let i = job.start; i < job.end; i++) {
    Atomics.store(state, 0, i);
    const t0 = performance.now();
    const c = fuzzCase(job.seed, i, corpus);
    const r = check(c);
    const ms = performance.now() - t0;
    if (ms > slowestMs) slowestMs = ms;
    counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
    if (r.failure) {
      const e = r.failure.error;
      port.postMessage({
        type: 'failure',
        i,
        label: c.label,
        message: describeFailure(r.failure),
        stack: e instanceof Error ? (e.stack ?? '') : '',
      } satisfies Report);
    }
    if (ms > job.timeLimitMs) port.postMessage({ type: 'slow', i, label: c.label, ms } satisfies Report);
    if ((i - job.start) % 5000 === 4999) port.postMessage({ type: 'progress', i, counts: { ...counts }, slowestMs } satisfies Report);
  }
  port.postMessage({ type: 'done', counts, slowestMs } satisfies Report);
}

// JSON cannot hold NaN or ±Infinity, which damaged domains contain.
const encodeNumbers = (_k: string, v: unknown): unknown => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v);
const decodeNumbers = (_k: string, v: unknown): unknown =>
  v !== null && typeof v === 'object' && '$num' in v ? Number((v as { $num: string }).$num) : v;

function saveReproducer(dir: string, seed: number, i: number, c: FuzzCase, why: string, stack: string): string {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `seed${seed}-i${i}`);
  const input =
    c.kind === 'domain'
      ? { domain: c.input }
      : typeof c.input === 'string'
        ? { text: c.input }
        : { bytesBase64: Buffer.from(c.input).toString('base64') };
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ seed, iteration: i, kind: c.kind, label: c.label, failure: why, stack, input }, encodeNumbers, 2)}\n`,
  );
  // A raw copy to read and to feed to the CLI (lossy for lone surrogates; the .json is exact).
  if (c.kind === 'domain') writeFileSync(`${base}.domain.txt`, `${JSON.stringify(c.input, encodeNumbers, 2)}\n`);
  else writeFileSync(`${base}.${c.kind}`, c.input);
  return `${base}.json`;
}

async function replay(file: string): Promise<number> {
  let c: FuzzCase;
  if (file.endsWith('.json') && 'direction' in (JSON.parse(readFileSync(file, 'utf8')) as object)) return replayDifferential(file);
  if (file.endsWith('.json')) {
    const r = JSON.parse(readFileSync(file, 'utf8'), decodeNumbers) as {
      kind: FuzzCase['kind'];
      label: string;
      input: { domain?: DomainDef; text?: string; bytesBase64?: string };
    };
    if (r.kind === 'domain') c = { kind: 'domain', input: r.input.domain as DomainDef, label: r.label };
    else if (r.kind === 'xml') c = { kind: 'xml', input: r.input.text ?? '', label: r.label };
    else c = { kind: 'vmx', input: r.input.text ?? Buffer.from(r.input.bytesBase64 ?? '', 'base64'), label: r.label };
  } else if (file.endsWith('.xml')) {
    c = { kind: 'xml', input: readFileSync(file, 'utf8'), label: file };
  } else {
    c = { kind: 'vmx', input: readFileSync(file), label: file };
  }
  return report(c);
}

function report(c: FuzzCase): number {
  const t0 = performance.now();
  const r = check(c);
  const ms = performance.now() - t0;
  console.log(
    `${c.kind} input (${c.label}): ${r.failure ? `FAILURE: ${describeFailure(r.failure)}` : `outcome ${r.outcome}`} in ${ms.toFixed(1)} ms`,
  );
  if (r.failure?.error instanceof Error) console.log(r.failure.error.stack);
  return r.failure ? 1 : 0;
}

interface Totals {
  counts: Record<string, number>;
  failures: string[];
  slowestMs: number;
}

// Run from source (node --import tsx bench/fuzz.ts), the worker needs tsx registered before it loads this file.
function startWorker(job: Job): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL(self), { workerData: job });
  const code = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(self)}); })`;
  return new Worker(code, { eval: true, workerData: job });
}

// Runs [start, end) in a worker; resolves with the index after the last one it got through.
function runWorker(
  seed: number,
  start: number,
  end: number,
  limit: number,
  corpus: Corpus,
  outDir: string,
  totals: Totals,
): Promise<number> {
  const state = new SharedArrayBuffer(4);
  const idx = new Int32Array(state);
  Atomics.store(idx, 0, -1);
  const worker = startWorker({ seed, start, end, timeLimitMs: limit, state });
  const fail = (i: number, why: string, stack: string): void => {
    const file = saveReproducer(outDir, seed, i, fuzzCase(seed, i, corpus), why, stack);
    totals.failures.push(`#${i}: ${why} [${file}]`);
    console.error(`FAILURE at iteration ${i}: ${why}\n  reproducer: ${file}`);
  };
  return new Promise((resolvePromise, reject) => {
    let last = -1;
    let lastChange = performance.now();
    // Outcomes so far, kept in case the worker has to be killed before it reports them.
    let latest: Record<string, number> = {};
    const addCounts = (c: Record<string, number>): void => {
      for (const [k, v] of Object.entries(c)) totals.counts[k] = (totals.counts[k] ?? 0) + v;
    };
    const watchdog = setInterval(
      () => {
        const cur = Atomics.load(idx, 0);
        const now = performance.now();
        if (cur !== last) {
          last = cur;
          lastChange = now;
        } else if (cur >= 0 && now - lastChange > limit) {
          clearInterval(watchdog);
          void worker.terminate();
          addCounts(latest);
          fail(cur, `hang: still running after ${Math.round(now - lastChange)} ms (limit ${limit} ms)`, '');
          resolvePromise(cur + 1);
        }
      },
      Math.min(100, limit / 4),
    );
    worker.on('message', (m: Report) => {
      if (m.type === 'failure') fail(m.i, m.message, m.stack);
      else if (m.type === 'slow') fail(m.i, `hang: took ${Math.round(m.ms)} ms (limit ${limit} ms) [${m.label}]`, '');
      else if (m.type === 'progress') {
        latest = m.counts;
        totals.slowestMs = Math.max(totals.slowestMs, m.slowestMs);
        console.error(`  ${m.i + 1} of ${end} done`);
      } else {
        clearInterval(watchdog);
        addCounts(m.counts);
        totals.slowestMs = Math.max(totals.slowestMs, m.slowestMs);
        resolvePromise(end);
      }
    });
    worker.on('error', (e) => {
      clearInterval(watchdog);
      reject(e);
    });
  });
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      seed: { type: 'string', default: '1' },
      'time-limit-ms': { type: 'string', default: '1000' },
      only: { type: 'string' },
      replay: { type: 'string' },
      out: { type: 'string', default: resolve('.cache', 'fuzz') },
      differential: { type: 'string', default: '10000' },
    },
  });
  if (values.replay !== undefined) return replay(values.replay);
  const diffCount = Number(values.differential);
  const seed = Number(values.seed);
  const limit = Number(values['time-limit-ms']);
  const iterations = Number(positionals[0] ?? 100_000);
  if (
    !Number.isSafeInteger(seed) ||
    !Number.isSafeInteger(iterations) ||
    iterations < 0 ||
    !(limit > 0) ||
    !Number.isSafeInteger(diffCount) ||
    diffCount < 0
  ) {
    console.error('usage: fuzz [ITERATIONS] [--seed N] [--time-limit-ms MS] [--differential N] [--only I] [--replay FILE]');
    return 2;
  }
  const corpus = corpusOrStandIn();
  if (values.only !== undefined) return report(fuzzCase(seed, Number(values.only), corpus));

  console.error(`fuzzing: ${iterations} iterations, seed ${seed}, time limit ${limit} ms, corpus ${corpus.dir}`);
  const totals: Totals = { counts: {}, failures: [], slowestMs: 0 };
  const t0 = performance.now();
  let next = 0;
  while (next < iterations) next = await runWorker(seed, next, iterations, limit, corpus, values.out, totals);
  const seconds = (performance.now() - t0) / 1000;
  const outcomes = Object.entries(totals.counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(`iterations: ${iterations} (seed ${seed})`);
  console.log(
    `time: ${seconds.toFixed(1)} s (${Math.round(iterations / seconds)} inputs/s), slowest input ${totals.slowestMs.toFixed(1)} ms`,
  );
  console.log(`outcomes: ${outcomes || 'none'}`);
  console.log(`failures: ${totals.failures.length}`);
  for (const f of totals.failures.slice(0, 20)) console.log(`  ${f}`);
  if (totals.failures.length > 20) console.log(`  ... and ${totals.failures.length - 20} more`);
  let diffFailed = false;
  if (diffCount > 0) {
    if (oracleDir() === undefined) {
      console.log('differential: skipped, libvirt oracle not found (../shared/oracle or ESXVIRT_ORACLE_DIR)');
    } else {
      console.error(`differential: ${diffCount} cases against libvirt 9.0, seed ${seed}`);
      const r = await runDifferential({ seed, count: diffCount, corpus, outDir: join(values.out, 'differential') });
      console.log(formatReport(r));
      diffFailed = r.overall.agree / Math.max(1, r.overall.total) < DIFF_THRESHOLD;
    }
  }
  return totals.failures.length > 0 || diffFailed ? 1 : 0;
}

/** The agreement with libvirt below which the fuzz run fails. */
const DIFF_THRESHOLD = 0.99;

if (isMainThread) process.exitCode = await main();
else workerMain(workerData as Job);

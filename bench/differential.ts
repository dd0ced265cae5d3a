/**
 * The differential run of `npm run fuzz`: generated and mutated inputs through esxvirt's converter
 * and libvirt 9.0's (the oracle, spawned in a small pool), agreement reported per category.
 * Disagreements are saved under .cache/fuzz/differential/ and replayed with `fuzz --replay FILE.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Corpus } from '../test/support/corpus.js';
import {
  CATEGORIES,
  diffCase,
  judge,
  ourConversion,
  type Category,
  type DiffCase,
  type OurResult,
  type Verdict,
} from '../test/support/differential.js';
import { KNOWN_DIFFERENCES } from '../test/support/known-differences.js';
import { Oracle, type OracleResult } from '../test/support/oracle.js';

/** Counts of one category (or of all). */
export interface Tally {
  total: number;
  agree: number;
  known: number;
  disagree: number;
}

/** What a differential run found. */
export interface DiffReport {
  byCategory: Record<Category, Tally>;
  overall: Tally;
  /** Known differences by class id. */
  knownByClass: Record<string, number>;
  /** Disagreements by their first line of explanation (grouped loosely), most frequent first. */
  disagreements: { i: number; category: Category; label: string; why: string; file?: string }[];
  seconds: number;
  spawned: number;
}

/** Options of a run. */
export interface DiffOptions {
  seed: number;
  count: number;
  corpus: Corpus;
  concurrency?: number;
  /** Where disagreements are saved (none saved when undefined). */
  outDir?: string;
  /** At most this many reproducers are written. */
  maxSaved?: number;
  oracle?: Oracle;
}

const empty = (): Tally => ({ total: 0, agree: 0, known: 0, disagree: 0 });

/** The share of agreement, as a fraction. */
export const agreement = (t: Tally): number => (t.total === 0 ? 1 : t.agree / t.total);

function tally(t: Tally, v: Verdict): void {
  t.total++;
  if (v.kind === 'agree') t.agree++;
  else if (v.kind === 'known') t.known++;
  else t.disagree++;
}

function save(dir: string, seed: number, i: number, c: DiffCase, ours: OurResult, oracle: OracleResult, why: string): string {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${c.category}-seed${seed}-i${i}`);
  const ext = c.direction === 'vmx2xml' ? 'vmx' : 'xml';
  writeFileSync(`${base}.${ext}`, c.input);
  const record = {
    seed,
    iteration: i,
    category: c.category,
    label: c.label,
    direction: c.direction,
    ...(c.direction === 'xml2vmx' ? { hw: c.hw } : c.datacenterPath !== undefined ? { datacenterPath: c.datacenterPath } : {}),
    why,
    inputBase64: Buffer.from(c.input).toString('base64'),
    ours,
    oracle,
  };
  writeFileSync(`${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
  return `${base}.json`;
}

/** Runs `count` cases; the oracle is opened here unless given. */
export async function runDifferential(opts: DiffOptions): Promise<DiffReport> {
  const oracle = opts.oracle ?? Oracle.open(opts.concurrency ?? 4);
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, empty()])) as Record<Category, Tally>;
  const overall = empty();
  const knownByClass: Record<string, number> = {};
  const disagreements: DiffReport['disagreements'] = [];
  const maxSaved = opts.maxSaved ?? 500;
  const t0 = performance.now();
  const spawned0 = oracle.spawned;
  const inFlight = new Set<Promise<void>>();
  const window = (opts.concurrency ?? 4) * 4;
  for (let i = 0; i < opts.count; i++) {
    const c = diffCase(opts.seed, i, opts.corpus);
    const ours = ourConversion(c);
    const p = (c.direction === 'vmx2xml' ? oracle.vmx2xml(c.input, c.datacenterPath) : oracle.xml2vmx(c.input, c.hw)).then((theirs) => {
      const v = judge(c, ours, theirs);
      tally(byCategory[c.category], v);
      tally(overall, v);
      // (a case showing several output classes counts for each)
      if (v.kind === 'known') for (const id of v.difference.split('+')) knownByClass[id] = (knownByClass[id] ?? 0) + 1;
      if (v.kind === 'disagree') {
        const file =
          opts.outDir !== undefined && disagreements.length < maxSaved
            ? save(opts.outDir, opts.seed, i, c, ours, theirs, v.why)
            : undefined;
        disagreements.push({ i, category: c.category, label: c.label, why: v.why, ...(file ? { file } : {}) });
      }
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (opts.oracle === undefined) oracle.close();
  disagreements.sort((a, b) => a.i - b.i);
  return { byCategory, overall, knownByClass, disagreements, seconds: (performance.now() - t0) / 1000, spawned: oracle.spawned - spawned0 };
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** The report as lines of text: a table per category, the known differences, the first disagreements. */
export function formatReport(r: DiffReport, listLimit = 20): string {
  const rows = [...CATEGORIES.map((c) => [c, r.byCategory[c]] as const), ['overall', r.overall] as const];
  const lines = [`differential (libvirt 9.0 oracle): ${r.overall.total} cases in ${r.seconds.toFixed(1)} s, ${r.spawned} oracle processes`];
  lines.push(
    `  ${'category'.padEnd(16)} ${'cases'.padStart(6)} ${'agree'.padStart(6)} ${'known'.padStart(6)} ${'differ'.padStart(6)}  agreement`,
  );
  for (const [name, t] of rows) {
    lines.push(
      `  ${name.padEnd(16)} ${String(t.total).padStart(6)} ${String(t.agree).padStart(6)} ${String(t.known).padStart(6)} ${String(t.disagree).padStart(6)}  ${pct(agreement(t))}`,
    );
  }
  for (const k of KNOWN_DIFFERENCES) {
    if (r.knownByClass[k.id]) lines.push(`  known difference ${k.id}: ${r.knownByClass[k.id]} (${k.reason})`);
  }
  for (const d of r.disagreements.slice(0, listLimit))
    lines.push(`  #${d.i} ${d.category} [${d.label}]: ${d.why}${d.file ? `\n      ${d.file}` : ''}`);
  if (r.disagreements.length > listLimit) lines.push(`  ... and ${r.disagreements.length - listLimit} more disagreements`);
  return lines.join('\n');
}

/** Re-runs a saved disagreement (a .json written by a run) against both converters; 0 when they now agree. */
export async function replayDifferential(file: string): Promise<number> {
  const r = JSON.parse(readFileSync(file, 'utf8')) as {
    category: Category;
    label: string;
    direction: DiffCase['direction'];
    hw?: number;
    datacenterPath?: string;
    inputBase64: string;
  };
  const input = Buffer.from(r.inputBase64, 'base64');
  const c: DiffCase =
    r.direction === 'vmx2xml'
      ? {
          category: r.category,
          label: r.label,
          direction: 'vmx2xml',
          input,
          ...(r.datacenterPath !== undefined ? { datacenterPath: r.datacenterPath } : {}),
        }
      : { category: r.category, label: r.label, direction: 'xml2vmx', input, hw: r.hw ?? 4 };
  const oracle = Oracle.open(1);
  const theirs = c.direction === 'vmx2xml' ? await oracle.vmx2xml(c.input, c.datacenterPath) : await oracle.xml2vmx(c.input, c.hw);
  const ours = ourConversion(c);
  oracle.close();
  const v = judge(c, ours, theirs);
  console.log(
    `${c.direction} ${c.category} [${c.label}]: ${v.kind}${v.kind === 'disagree' ? `: ${v.why}` : v.kind === 'known' ? ` (${v.difference})` : ''}`,
  );
  console.log(`esxvirt: ${ours.status}${ours.error ? ` (${ours.error})` : ''}`);
  console.log(`libvirt: ${theirs.status}${theirs.error ? ` (${theirs.error})` : ''}`);
  if (v.kind === 'disagree' && ours.status === 'ok' && theirs.status === 'ok') {
    console.log('--- esxvirt\n' + ours.output + '--- libvirt\n' + theirs.stdout);
  }
  return v.kind === 'disagree' ? 1 : 0;
}

// A quick, deterministic differential run against libvirt 9.0's own converter (../shared/oracle): 300 cases of every
// category with a fixed seed; fails below the agreement threshold. Without the oracle it skips, except under CI (CI
// set), where a missing oracle is a failure (test/support/external.ts).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { agreement, formatReport, runDifferential } from '../bench/differential.js';
import { requireCorpus } from './support/corpus.js';
import { external } from './support/external.js';
import { KNOWN_DIFFERENCES } from './support/known-differences.js';
import { oracleDir } from './support/oracle.js';

/** The share of cases where esxvirt and libvirt agree: both refuse, or byte-identical output. */
const THRESHOLD = 0.99;
const oracle = external("libvirt 9.0's converter (the oracle)", oracleDir, 'put it at ../shared/oracle or set ESXVIRT_ORACLE_DIR');

test(
  'differential: esxvirt agrees with libvirt 9.0 on 300 generated and mutated inputs',
  { ...oracle.options, timeout: 300_000 },
  async () => {
    oracle.value();
    const r = await runDifferential({ seed: 20240901, count: 300, corpus: requireCorpus(), concurrency: 2 });
    console.log(formatReport(r));
    assert.equal(r.overall.total, 300);
    assert.ok(
      agreement(r.overall) >= THRESHOLD,
      `agreement ${(agreement(r.overall) * 100).toFixed(2)}% is below ${THRESHOLD * 100}%:\n${formatReport(r)}`,
    );
  },
);

test("every deliberate difference from libvirt's converter has golden files and a row in the README's table", () => {
  const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf("### Differences from libvirt's converter"));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('|')));
  const rows = table
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => /^\| `([^`]+)`/.exec(l)?.[1]);
  assert.deepEqual(
    rows,
    KNOWN_DIFFERENCES.map((k) => k.id),
  );
  for (const k of KNOWN_DIFFERENCES) {
    assert.ok(k.goldens.length > 0, k.id);
    for (const g of k.goldens) assert.ok(existsSync(join(process.cwd(), 'test/fixtures/golden', g)), `${k.id}: ${g}`);
  }
});

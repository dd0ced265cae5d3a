// A quick, deterministic differential run against libvirt 9.0's own converter (../shared/oracle):
// 300 cases of every category with a fixed seed; fails below the agreement threshold. Without the
// oracle it skips, except under CI (CI set), where a missing oracle is a failure.
import assert from 'node:assert/strict';
import test from 'node:test';
import { agreement, formatReport, runDifferential } from '../bench/differential.js';
import { loadCorpus } from './support/corpus.js';
import { oracleDir } from './support/oracle.js';

/**
 * The share of cases that must agree with libvirt (both refuse, or byte-identical output) or
 * belong to a documented deliberate difference (README, "Differences from libvirt's converter").
 */
const THRESHOLD = 0.99;
const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const missing = oracleDir() === undefined ? 'libvirt oracle not found (../shared/oracle or ESXVIRT_ORACLE_DIR)' : undefined;
const noCorpus = loadCorpus() === undefined ? 'conformance corpus not found (ESXVIRT_CONFORMANCE_DIR)' : undefined;

test(
  'differential: esxvirt agrees with libvirt 9.0 on 300 generated and mutated inputs',
  { skip: ci ? false : (missing ?? noCorpus ?? false), timeout: 120_000 },
  async () => {
    assert.equal(missing, undefined, `${missing} (required when CI is set)`);
    const corpus = loadCorpus();
    assert.ok(corpus, `${noCorpus} (required when CI is set)`);
    const r = await runDifferential({ seed: 20240901, count: 300, corpus, concurrency: 2 });
    console.log(
      formatReport(r)
        .split('\n')
        .map((l) => `# ${l}`)
        .join('\n'),
    );
    assert.equal(r.overall.total, 300);
    const explained = (r.overall.agree + r.overall.known) / r.overall.total;
    console.log(`# agreement ${(agreement(r.overall) * 100).toFixed(2)}%, with documented differences ${(explained * 100).toFixed(2)}%`);
    assert.ok(
      explained >= THRESHOLD,
      `agreement with documented differences ${(explained * 100).toFixed(2)}% is below ${THRESHOLD * 100}%:\n${formatReport(r)}`,
    );
  },
);

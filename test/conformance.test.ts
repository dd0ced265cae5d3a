// Runs the shared libvirt-vmx conformance check (../shared/conformance/check.py) against
// bin/esxvirt on every CI run; all cases must pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import test from 'node:test';

const check = resolve(process.cwd(), '../shared/conformance/check.py');

test('libvirt-vmx conformance corpus: every case passes', { skip: existsSync(check) ? false : `no ${check} beside the checkout` }, () => {
  const r = spawnSync('python3', [check, join(process.cwd(), 'bin/esxvirt'), '-v', '--min', '1'], { encoding: 'utf8', timeout: 300_000 });
  const summary = r.stdout.trim().split('\n').pop() ?? '';
  console.log(`# conformance: ${summary}`);
  assert.equal(r.status, 0, `conformance check failed:\n${r.stdout}${r.stderr}`);
  const m = /total (\d+)\/(\d+)/.exec(summary);
  assert.ok(m && m[1] === m[2] && Number(m[2]) > 0, summary);
});

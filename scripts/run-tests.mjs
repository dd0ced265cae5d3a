#!/usr/bin/env node
// The test command (`npm test`, after `npm run build`): lint, then every test of the project with
// node's test runner: unit tests beside their sources, the conformance check, and the
// integration suites against the vSphere simulator (test/integration, built on demand).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function step(name, cmd, args) {
  process.stderr.write(`\n== ${name}: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\n== ${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

const only = process.argv.slice(2);
step('lint', 'npx', ['eslint', '.']);
const dirs = only.length > 0 ? only : ['dist/src', 'dist/test', 'dist/scripts'].filter((d) => existsSync(d));
step('tests', process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...dirs]);

#!/usr/bin/env node
// The test command (`npm test`, after `npm run build`): lint, then every *.test.js of the
// compiled tree with node's test runner: unit tests beside their sources, the conformance
// check, and the integration suites against the vSphere simulator (built on demand).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function step(name, cmd, args) {
  process.stderr.write(`\n== ${name}: ${cmd} ${args.length > 8 ? `${args.slice(0, 8).join(' ')} …` : args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`\n== ${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith('.test.js') ? [p] : [];
  });
}

const roots = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['dist/src', 'dist/test', 'dist/scripts'];
step('lint', 'npx', ['eslint', '.']);
step('format', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']);
const files = roots.flatMap(testFiles).sort();
if (files.length === 0) {
  process.stderr.write('no test files found: run `npm run build` first\n');
  process.exit(1);
}
step('tests', process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=600000', ...files]);

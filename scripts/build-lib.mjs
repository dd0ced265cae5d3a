#!/usr/bin/env node
// Compiles the published library into dist/lib (tsconfig.build.json): what src/index.ts, src/driver/index.ts and
// src/vim25/index.ts reach, so no test, test helper or CLI module can be published (the CLI ships as the bundle,
// scripts/bundle.mjs). tsc builds incrementally and never deletes: outputs whose source left the program (a module
// renamed, deleted or no longer imported) are removed here, or `npm pack` would ship them.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist', 'lib');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--listFiles'], { encoding: 'utf8' });
const lines = r.stdout.split('\n');
if (r.status !== 0) {
  process.stderr.write(lines.filter((l) => !l.startsWith('/')).join('\n') + r.stderr);
  process.exit(r.status ?? 1);
}

const keep = new Set();
for (const l of lines) {
  if (!l.startsWith(src + '/') || !l.endsWith('.ts') || l.endsWith('.d.ts')) continue;
  const base = join(out, relative(src, l)).slice(0, -3);
  keep.add(`${base}.js`);
  keep.add(`${base}.d.ts`);
}

function prune(dir) {
  let left = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && prune(p) === 0) rmdirSync(p);
    else if (!e.isDirectory() && !keep.has(p)) unlinkSync(p);
    else left++;
  }
  return left;
}
prune(out);

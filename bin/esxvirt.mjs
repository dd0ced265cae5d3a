#!/usr/bin/env node
// The launcher bin/esxvirt execs (see there). `npm run build` writes the CLI as modules (dist/src/cli/main.js) and as one
// bundle (dist/esxvirt.cjs). The bundle starts faster: it is compiled with V8's code cache
// (kept beside it, or in the user's cache directory), which saves ~20 ms per run. It is used
// unless a later `tsc` run (which rewrites dist/.tsbuildinfo) made it stale.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const bundle = join(dist, 'esxvirt.cjs');
const mtime = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

// V8 rejects a cache made by another Node version; naming it per version keeps a read-only install (npm -g as root)
// from reading a rejected cache beside the bundle first on every run. npm never ships a cache (files: dist/esxvirt.cjs).
function cacheFiles() {
  const user = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'esxvirt');
  return [join(dist, `esxvirt.cjs.${process.version}.cache`), join(user, `esxvirt-${process.version}.cache`)];
}

function loadBundle() {
  const source = readFileSync(bundle, 'utf8');
  let cachedData;
  for (const f of cacheFiles()) {
    try {
      cachedData = readFileSync(f);
      break;
    } catch {
      // no cache there
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData,
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  const saveCache = () => {
    if (cachedData !== undefined && !script.cachedDataRejected) return;
    const data = script.createCachedData();
    for (const f of cacheFiles()) {
      try {
        mkdirSync(dirname(f), { recursive: true });
        const tmp = `${f}.${process.pid}.tmp`;
        writeFileSync(tmp, data);
        renameSync(tmp, f);
        return;
      } catch {
        // not writable: try the next place, or run without a cache
      }
    }
  };
  return { main: mod.exports.main, saveCache };
}

const useBundle = mtime(bundle) >= Math.max(mtime(join(dist, 'src/cli/main.js')), mtime(join(dist, '.tsbuildinfo')));
const { main, saveCache } = useBundle
  ? loadBundle()
  : { ...(await import(new URL('../dist/src/cli/main.js', import.meta.url).href)), saveCache: () => {} };
process.exitCode = await main(process.argv.slice(2));
saveCache();

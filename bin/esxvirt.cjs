#!/usr/bin/env node
// The launcher bin/esxvirt execs (see there). CommonJS, not an ES module: an ES module as the entry point makes Node
// set up its module loader first (~5 ms and ~2 MiB at every start). `npm run build` writes the CLI as modules (dist/src/cli/main.js) and as one
// bundle (dist/esxvirt.cjs). The bundle starts faster: it is compiled with V8's code cache
// (kept beside it, or in the user's cache directory), which saves ~20 ms per run. It is used
// unless a later `tsc` run (which rewrites dist/.tsbuildinfo) made it stale.
//
// The cache holds the bytecode of the functions that had been compiled when it was made: a cache made by `help` right
// after installing would leave `list` compiling most of its code at every run (~90 ms CPU at 1,000 VMs). So the cache
// records which commands it covers, and the first run of another command saves it again: V8 serializes the cached
// functions and the newly compiled ones together, so the cache grows to what the commands in use need. It also records
// the CPU time of the run that saved it for each command: a run that took at least twice as long did more (a listing of
// 10,000 VMs pages where one of 1,000 did not) and saves it again (a cache made by `list` of 1,000 VMs left `list` of
// 10,000 ~40 ms CPU slower at every run than one made by a run of that size).
'use strict';
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');
const v8 = require('node:v8');

// V8 flags for a short-lived CLI, set here rather than on Node's command line: any V8 flag given there changes V8's
// flag hash, so Node rejects the code cache built into it for its own modules and compiles http, tls, crypto, stream …
// from source at every start (about three times as long). The Node modules the bundle needs at start are loaded first,
// under the default flags; the flags are set before the bundle is compiled (its code cache is made and used under them).
// Measured by bench/cli-list.ts (`list --all` of 1,000 and 10,000 VMs):
// --semi-space-growth-factor=1 keeps the young generation at its initial 1 MiB semi-spaces instead of letting it grow
//   to 16 MiB (peak RSS -7 MiB at 10,000 VMs, no slower: what a listing keeps is small, the rest dies young);
// --interrupt-budget=524288 lets a function run 512 KiB of bytecode (4 x the default) before V8 optimizes it with
//   TurboFan: a short command no longer spends CPU and memory (~25 ms, ~8 MiB at 1,000 VMs) compiling code it hardly
//   uses again, while the decoder of a 10,000-VM listing, a transfer or a conversion still gets optimized code early.
for (const m of ['os', 'stream', 'stream/promises', 'string_decoder', 'net', 'http', 'https', 'crypto', 'tls', 'zlib', 'tty'])
  require(`node:${m}`);
v8.setFlagsFromString('--semi-space-growth-factor=1');
v8.setFlagsFromString('--interrupt-budget=524288');

const dist = join(__dirname, '..', 'dist');
const bundle = join(dist, 'esxvirt.cjs');
const stat = (p) => {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
};
const mtime = (p) => stat(p)?.mtimeMs ?? -1;

// V8 rejects a cache made by another Node version; naming it per version keeps a read-only install (npm -g as root)
// from reading a rejected cache beside the bundle first on every run. npm never ships a cache (files: dist/esxvirt.cjs).
function cacheFiles() {
  const user = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'esxvirt');
  return [join(dist, `esxvirt.cjs.${process.version}.v2.cache`), join(user, `esxvirt-${process.version}.v2.cache`)];
}

// A cache file: this line, one line of JSON {bundle, commands, cpuMs}, then V8's data. `bundle` (size and mtime) ties it to
// one build: V8 itself only compares the source's length.
const MAGIC = 'esxvirt code cache 2\n';

function readCache(bundleId) {
  for (const f of cacheFiles()) {
    let buf;
    try {
      buf = readFileSync(f);
    } catch {
      continue; // no cache there
    }
    const eol = buf.indexOf(10, MAGIC.length);
    if (eol < 0 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
    try {
      const meta = JSON.parse(buf.toString('utf8', MAGIC.length, eol));
      if (meta.bundle !== bundleId || !Array.isArray(meta.commands)) return undefined;
      const cpuMs = typeof meta.cpuMs === 'object' && meta.cpuMs !== null ? meta.cpuMs : {};
      return { data: buf.subarray(eol + 1), commands: meta.commands, cpuMs };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function writeCache(bundleId, commands, cpuMs, data) {
  const head = Buffer.from(`${MAGIC}${JSON.stringify({ bundle: bundleId, commands, cpuMs })}\n`);
  for (const f of cacheFiles()) {
    try {
      mkdirSync(dirname(f), { recursive: true });
      const tmp = `${f}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([head, data]));
      renameSync(tmp, f);
      return;
    } catch {
      // not writable: try the next place, or run without a cache
    }
  }
}

// The command word of the argument list, as main.js reads it: the first word after the global options (-c takes a value).
function commandOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' || a === '--connect') i++;
    else if (!a.startsWith('-') || a === '-') return a;
  }
  return '';
}

// The first line of the bundle scripts/bundle.mjs writes.
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

function loadBundle(command) {
  // The bundle is ASCII and already wrapped as a function (scripts/bundle.mjs): read as Latin-1 it becomes V8's source
  // as it is, without a UTF-8 decode or a wrapped copy.
  const source = readFileSync(bundle, 'latin1');
  if (!source.startsWith(WRAPPER)) {
    // a bundle of another build (e.g. after a pull without `npm run build`): one line, not a stack trace
    process.stderr.write(`error: ${bundle} comes from another version of esxvirt's build: run 'npm run build'\n`);
    process.exit(1);
  }
  const st = stat(bundle);
  const bundleId = `${st?.size}:${st?.mtimeMs}`;
  const cache = readCache(bundleId);
  const script = new vm.Script(source, { filename: bundle, cachedData: cache?.data });
  if (cache !== undefined) cache.data = undefined; // V8 has copied what it needs: let the buffer go
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  const saveCache = () => {
    const usable = cache !== undefined && !script.cachedDataRejected;
    const used = process.cpuUsage();
    const ms = Math.round((used.user + used.system) / 1000);
    const known = usable && cache.commands.includes(command);
    if (known && ms < 2 * (Number(cache.cpuMs[command]) || 0)) return;
    // Bounded: only the words given as commands end up here (mistyped ones too).
    const commands = known ? cache.commands : usable ? [...cache.commands.slice(-200), command] : [command];
    const cpuMs = {};
    for (const c of commands) if (usable && Number(cache.cpuMs[c]) > 0) cpuMs[c] = Number(cache.cpuMs[c]);
    cpuMs[command] = ms;
    writeCache(bundleId, commands, cpuMs, script.createCachedData());
  };
  return { main: mod.exports.main, saveCache };
}

async function run() {
  const argv = process.argv.slice(2);
  const useBundle = mtime(bundle) >= Math.max(mtime(join(dist, 'src/cli/main.js')), mtime(join(dist, '.tsbuildinfo')));
  const { main, saveCache } = useBundle
    ? loadBundle(commandOf(argv))
    : { ...(await import(pathToFileURL(join(dist, 'src/cli/main.js')).href)), saveCache: () => {} };
  process.exitCode = await main(argv);
  saveCache();
}

void run();

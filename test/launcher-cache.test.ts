/**
 * bin/esxvirt.cjs's code cache: made by the first run, grown by the first run of each other command (so `list` does
 * not compile its code at every run because `help` happened to run first), left alone by repeated commands, and
 * dropped when the bundle is rebuilt. Runs a copy of bin/ and the bundle in a temporary directory (npm test builds
 * the bundle first).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = process.cwd();

describe('the launcher keeps a V8 code cache that covers the commands in use', () => {
  let dir: string;
  const env: NodeJS.ProcessEnv = { ...process.env, ESXVIRT_NODE: process.execPath };
  delete env.ESXVIRT_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'esxvirt-launcher-'));
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    for (const f of ['bin/esxvirt', 'bin/esxvirt.cjs', 'dist/esxvirt.cjs']) copyFileSync(join(ROOT, f), join(dir, f));
    // beside the bundle first; the user's cache directory only when dist/ is read-only
    env.XDG_CACHE_HOME = join(dir, 'user-cache');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (...args: string[]): string => {
    const r = spawnSync(join(dir, 'bin/esxvirt'), args, { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const cacheFile = (): string => {
    const files = readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.cache'));
    assert.equal(files.length, 1, files.join(', '));
    return join(dir, 'dist', files[0] as string);
  };
  const meta = (): { bundle: string; commands: string[] } => {
    const lines = readFileSync(cacheFile(), 'latin1').split('\n', 2);
    assert.equal(lines[0], 'esxvirt code cache 2');
    return JSON.parse(lines[1] as string) as { bundle: string; commands: string[] };
  };

  it('the bundle is ASCII and already wrapped as a function: the launcher compiles it as read, as Latin-1', () => {
    const bytes = readFileSync(join(dir, 'dist/esxvirt.cjs'));
    assert.equal(
      bytes.findIndex((b) => b > 0x7f),
      -1,
    );
    const text = bytes.toString('latin1');
    assert.ok(text.startsWith('(function (exports, require, module, __filename, __dirname) {'), text.slice(0, 80));
    assert.ok(text.trimEnd().endsWith('})'), text.slice(-80));
  });

  it('the first run makes it; a new command adds its code; a repeated one leaves it as it is', () => {
    assert.match(cli('--version'), /^esxvirt /);
    assert.deepEqual(meta().commands, ['']);
    const first = readFileSync(cacheFile());
    assert.match(cli('help', 'list'), /list/);
    assert.deepEqual(meta().commands, ['', 'help']);
    const grown = readFileSync(cacheFile());
    assert.ok(grown.length > first.length, `${grown.length} > ${first.length}`);
    // -c takes a value: the command is the word after it
    cli('-c', 'esx://unused.example', 'help', 'version');
    cli('--version');
    assert.deepEqual(meta().commands, ['', 'help']);
    assert.ok(readFileSync(cacheFile()).equals(grown));
  });

  it('a run of a known command that took twice the CPU time of the one that saved the cache saves it again', () => {
    const setCpu = (ms: number): void => {
      const buf = readFileSync(cacheFile());
      const head = buf.indexOf(10, buf.indexOf(10) + 1);
      const lines = buf.toString('latin1', 0, head).split('\n');
      const m = JSON.parse(lines[1] as string) as { cpuMs: Record<string, number> };
      m.cpuMs.help = ms;
      writeFileSync(cacheFile(), Buffer.concat([Buffer.from(`${lines[0]}\n${JSON.stringify(m)}`, 'latin1'), buf.subarray(head)]));
    };
    const cpuOf = (): number | undefined => (meta() as { cpuMs?: Record<string, number> }).cpuMs?.help;
    assert.ok((cpuOf() ?? 0) > 0, JSON.stringify(meta()));
    // recorded as far longer than this run: left as it is
    setCpu(1e9);
    const before = readFileSync(cacheFile());
    cli('help', 'list');
    assert.ok(readFileSync(cacheFile()).equals(before));
    // recorded as far shorter (as a listing of 1,000 VMs against one of 10,000): saved again, with this run's time
    setCpu(1);
    cli('help', 'list');
    assert.ok((cpuOf() ?? 0) > 1, JSON.stringify(meta()));
    assert.deepEqual(meta().commands, ['', 'help']);
  });

  it('a rebuilt bundle (another size or time) is not run with the old cache, which is replaced', () => {
    const old = meta().bundle;
    const when = new Date(Date.now() + 5_000);
    utimesSync(join(dir, 'dist/esxvirt.cjs'), when, when);
    cli('help', 'list');
    assert.notEqual(meta().bundle, old);
    assert.deepEqual(meta().commands, ['help']);
  });

  it('a bundle of another build (not wrapped as the launcher expects) gives one line and exit 1, no stack trace', () => {
    const path = join(dir, 'dist/esxvirt.cjs');
    const good = readFileSync(path);
    try {
      writeFileSync(path, '"use strict";\nmodule.exports = {};\n');
      const r = spawnSync(join(dir, 'bin/esxvirt'), ['--version'], { env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^error: \S+esxvirt\.cjs comes from another version of esxvirt's build: run 'npm run build'\n$/);
    } finally {
      writeFileSync(path, good);
    }
  });
});

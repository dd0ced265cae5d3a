/**
 * The published package as a user gets it: `npm pack` of the built checkout, installed into an empty prefix without
 * network (the runtime dependencies are packed from node_modules beside it, package-lock.json says which, and npm
 * gets an empty cache and --offline, so nothing can come from a registry or the user's cache), then the installed
 * `esxvirt` and the library's entry points, types included, compared with the checkout. Packs what `npm run build`
 * left in dist/ (npm test builds first).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const ROOT = process.cwd();
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
};

// npm test exports npm's settings as npm_* variables; the installs below must not see the checkout's.
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
env.ESXVIRT_NODE = process.execPath;
delete env.ESXVIRT_DEFAULT_URI;
delete env.LIBVIRT_DEFAULT_URI;

function run(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? ROOT, env, encoding: 'utf8', input: opts.input ?? '', timeout: 120_000 });
  if (r.error) throw r.error;
  return r;
}

function ok(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): string {
  const r = run(cmd, args, opts);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** The runtime dependency tree as package-lock.json records it (paths under node_modules/). */
function runtimeDependencies(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !p.dev && !p.devOptional && !p.optional)
    .map(([path]) => `./${path}`);
}

interface Packed {
  name: string;
  filename: string;
  entryCount: number;
  size: number;
  unpackedSize: number;
  files: { path: string; mode: number }[];
}

describe('the published package, installed offline into an empty prefix', () => {
  let tmp: string;
  let prefix: string;
  let installed: string;
  let packed: Packed;
  const bin = (): string => join(prefix, 'node_modules', '.bin', 'esxvirt');
  const checkoutBin = join(ROOT, 'bin', 'esxvirt');

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'esxvirt-pack-'));
    const deps = runtimeDependencies();
    assert.ok(deps.length > 0, 'package-lock.json lists no runtime dependencies');
    for (const d of deps) assert.ok(existsSync(join(ROOT, d, 'package.json')), `${d} is not installed: run npm ci`);
    // --ignore-scripts: pack dist/ as built (prepare would rebuild it, and the dependencies' scripts need their sources).
    const json = ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp, '.', ...deps]);
    const all = JSON.parse(json) as Packed[];
    packed = all.find((p) => p.name === pkg.name) as Packed;
    assert.ok(packed, json);
    prefix = join(tmp, 'prefix');
    mkdirSync(prefix);
    ok('npm', [
      'install',
      '--prefix',
      prefix,
      '--offline',
      '--cache',
      join(tmp, 'npm-cache'),
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--loglevel=error',
      ...all.map((p) => join(tmp, p.filename)),
    ]);
    installed = join(prefix, 'node_modules', pkg.name);
  });
  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('ships the library, the bundle and the launcher, and no test, fixture or benchmark', (t) => {
    const paths = packed.files.map((f) => f.path).sort();
    const bad = paths.filter((p) => {
      if (['package.json', 'README.md', 'COPYING', 'bin/esxvirt', 'bin/esxvirt.mjs', 'dist/esxvirt.cjs'].includes(p)) return false;
      const m = /^dist\/lib\/(.+)\.(js|d\.ts)$/.exec(p);
      // Each library file is the output of a source file that is not a test.
      return !m || m[1]!.endsWith('.test') || !existsSync(join(ROOT, 'src', `${m[1]}.ts`));
    });
    assert.deepEqual(bad, [], `files npm pack should not ship:\n${bad.join('\n')}`);
    assert.ok(!paths.some((p) => /(^|\/)(test|tests|fixtures|bench|harness|cli)\/|\.test\.|\.cache$/.test(p)), paths.join('\n'));
    for (const p of ['dist/esxvirt.cjs', 'bin/esxvirt', 'bin/esxvirt.mjs']) assert.ok(paths.includes(p), `${p} missing from the package`);
    t.diagnostic(`npm pack: ${packed.entryCount} files, ${packed.size} bytes (${packed.unpackedSize} unpacked)`);
  });

  it('every main, types, exports and bin target exists in the installed package', () => {
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
    for (const e of Object.values(pkg.exports)) targets.push(...(typeof e === 'string' ? [e] : [e.types, e.default]));
    const missing = targets.filter((t) => !existsSync(join(installed, t)));
    assert.deepEqual(missing, []);
  });

  it('the installed esxvirt runs from the bundle: `--version` and `version` print the package version', (t) => {
    const expected = new RegExp(`^esxvirt ${pkg.version.replace(/\./g, '\\.')}\\n$`);
    assert.match(ok(bin(), ['--version']), expected);
    assert.equal(ok(bin(), ['--version']), ok(checkoutBin, ['--version']));
    assert.equal(ok(bin(), ['version']), ok(checkoutBin, ['version']));
    assert.match(ok(bin(), ['version']), expected);
    // No CLI modules are installed, so this ran the bundle (the launcher's fallback would have failed).
    assert.ok(!existsSync(join(installed, 'dist', 'src')));
    const ms = (b: string): number => {
      const times = [0, 1, 2].map(() => {
        const t = process.hrtime.bigint();
        ok(b, ['version']);
        return Number(process.hrtime.bigint() - t) / 1e6;
      });
      return times.sort((a, b2) => a - b2)[1]!;
    };
    t.diagnostic(`esxvirt version: installed ${ms(bin()).toFixed(0)} ms, checkout ${ms(checkoutBin).toFixed(0)} ms (median of 3)`);
  });

  it('converts golden fixtures offline as the checkout does, through files and standard input', () => {
    const golden = join(ROOT, 'test', 'fixtures', 'golden');
    for (const f of ['encoding-shift-jis', 'name-escaping', 'scsi-models-wide']) {
      const args = ['domxml-from-native', 'vmware-vmx', join(golden, 'vmx2xml', `${f}.vmx`), '--vmx-path', '[ds] dir/rule.vmx'];
      const got = ok(bin(), args);
      assert.equal(got, ok(checkoutBin, args), f);
      assert.equal(got.trimEnd(), readFileSync(join(golden, 'vmx2xml', `${f}.xml`), 'utf8').trimEnd(), f);
    }
    const xml = readFileSync(join(golden, 'xml2vmx', 'name-description-escaping.xml'), 'utf8');
    const args = ['domxml-to-native', 'vmware-vmx', '-', '--hw-version', '7'];
    assert.equal(ok(bin(), args, { input: xml }), ok(checkoutBin, args, { input: xml }));
    // A refused input: the same one-line error and exit status.
    const bad = ['domxml-from-native', 'vmware-vmx', join(golden, 'errors', 'bad-boolean.vmx')];
    const [a, b] = [run(bin(), bad), run(checkoutBin, bad)];
    assert.deepEqual([a.status, a.stdout, a.stderr], [b.status, b.stdout, b.stderr]);
    assert.equal(a.status, 1);
    assert.match(a.stderr, /^error: VMX entry 'scsi0\.present' .*\n$/);
  });

  it("the library resolves from the installed package ('esxvirt', 'esxvirt/driver', 'esxvirt/vim25') and converts", () => {
    const vmx = join(ROOT, 'test', 'fixtures', 'golden', 'vmx2xml', 'encoding-shift-jis.vmx');
    writeFileSync(
      join(prefix, 'consumer.mjs'),
      `
      import { readFileSync } from 'node:fs';
      import { vmxToDomain, offlineContext, formatDomain, VERSION } from 'esxvirt';
      import { Connection, listDomains } from 'esxvirt/driver';
      import { VimClient } from 'esxvirt/vim25';
      const where = ['esxvirt', 'esxvirt/driver', 'esxvirt/vim25'].map((s) => import.meta.resolve(s));
      const xml = formatDomain(vmxToDomain(readFileSync(${JSON.stringify(vmx)}), offlineContext({ vmxPath: '[ds] dir/rule.vmx' })));
      console.log(JSON.stringify({ where, VERSION, kinds: [typeof Connection.open, typeof listDomains, typeof VimClient.connect], xml }));
    `,
    );
    const out = JSON.parse(ok(process.execPath, ['consumer.mjs'], { cwd: prefix })) as {
      where: string[];
      VERSION: string;
      kinds: string[];
      xml: string;
    };
    assert.deepEqual(
      out.where,
      ['index.js', 'driver/index.js', 'vim25/index.js'].map((f) => new URL(`file://${join(installed, 'dist', 'lib', f)}`).href),
    );
    assert.equal(out.VERSION, pkg.version);
    assert.deepEqual(out.kinds, ['function', 'function', 'function']);
    assert.equal(out.xml.trimEnd(), readFileSync(vmx.replace(/\.vmx$/, '.xml'), 'utf8').trimEnd());
  });

  it('a TypeScript consumer type-checks against the installed declarations (and a wrong use is refused)', () => {
    writeFileSync(
      join(prefix, 'consumer.mts'),
      `
      import { vmxToDomain, offlineContext, formatDomain, type DomainDef } from 'esxvirt';
      import { Connection } from 'esxvirt/driver';
      import { VimClient } from 'esxvirt/vim25';
      const def: DomainDef = vmxToDomain(new Uint8Array(), offlineContext({ vmxPath: '[ds] a/a.vmx' }));
      export const xml: string = formatDomain(def);
      export const open: (uri: string) => Promise<Connection> = (uri) => Connection.open(uri);
      export const connect = VimClient.connect;
      // @ts-expect-error formatDomain returns a string: fails to compile (unused directive) if the types were 'any'
      export const wrong: number = formatDomain(def);
    `,
    );
    writeFileSync(
      join(prefix, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.mts'],
      }),
    );
    ok(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(prefix, 'tsconfig.json')], { cwd: prefix });
  });
});

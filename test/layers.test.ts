/**
 * The import rule of DEVELOPERS.md ("Layers"), checked on every import, re-export and dynamic import of src/**.ts:
 * a lower layer never imports an upper one, folders form no cycle, src never reaches test code or a dev dependency,
 * and index.ts files only re-export. Tests in src follow their folder's rule and may also use test/support and
 * test/helpers; files under test/ and bench/ sit above everything and are not checked.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import test from 'node:test';
import ts from 'typescript';

const ROOT = process.cwd();
const SRC = join(ROOT, 'src');

const BASE = ['errors', 'escape', 'datastore-path', 'limits', 'version'];
const below = (...units: string[]): string[] => [...units, ...BASE];
/** What each unit may import besides itself. A unit is a base module, a folder of src, or vim25/generated. */
const RULES: Record<string, { may: string[]; why: string }> = {
  errors: { may: [], why: 'errors is the bottom: it imports nothing from src' },
  escape: { may: BASE, why: 'base modules import only each other' },
  'datastore-path': { may: BASE, why: 'base modules import only each other' },
  version: { may: BASE, why: 'base modules import only each other' },
  limits: { may: BASE, why: 'base modules import only each other' },
  soap: { may: below(), why: 'soap imports only the base modules' },
  'vim25/prop-path': { may: BASE, why: 'the PropPath type imports nothing above the base modules' },
  'vim25/generated': {
    may: below('soap', 'vim25/prop-path'),
    why: 'generated vim25 code imports only soap, vim25/prop-path.ts (the PropPath type) and the base modules',
  },
  vim25: { may: below('vim25/generated', 'vim25/prop-path', 'soap'), why: 'vim25 imports only soap and the base modules' },
  conf: { may: below(), why: 'conf imports only the base modules' },
  vmx: { may: below('conf'), why: 'vmx imports only conf and the base modules' },
  vmdk: { may: below(), why: 'vmdk imports only the base modules' },
  vmconfig: {
    may: below('conf', 'vmx', 'vim25/generated'),
    why: 'vmconfig imports only conf, vmx, vim25/generated (types, schema) and the base modules',
  },
  driver: {
    may: below('vim25/prop-path', 'vim25', 'vim25/generated', 'soap', 'conf', 'vmx', 'vmconfig', 'vmdk'),
    why: 'driver imports only vim25, soap, conf, vmx, vmconfig, vmdk and the base modules',
  },
  cli: {
    may: below('vim25/prop-path', 'driver', 'vim25', 'vim25/generated', 'soap', 'conf', 'vmx', 'vmconfig', 'vmdk'),
    why: 'cli imports every layer below it (not src/index.ts)',
  },
  index: {
    may: below('vim25/prop-path', 'driver', 'vim25', 'vim25/generated', 'soap', 'conf', 'vmx', 'vmconfig', 'vmdk'),
    why: 'src/index.ts re-exports the library (not the CLI)',
  },
};
/** vmconfig is pure: of vim25 it may see the declared types and the schema, never the client or the SOAP methods. */
const VMCONFIG_GENERATED = new Set(['vim25/generated/types.ts', 'vim25/generated/schema.ts']);
/** What src tests may use outside src. */
const TEST_SUPPORT = ['test/support/', 'test/helpers/'];

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const BUILTIN = new Set(builtinModules);

interface Import {
  file: string; // src-relative, POSIX
  line: number;
  spec: string;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

const rel = (abs: string): string => relative(SRC, abs).split(sep).join('/');

/** The unit a src-relative path belongs to. */
function unitOf(path: string): string {
  if (path.startsWith('vim25/generated/')) return 'vim25/generated';
  if (path === 'vim25/prop-path.ts') return 'vim25/prop-path';
  const first = path.split('/')[0] as string;
  return path.includes('/') ? first : first.replace(/(\.test)?\.ts$/, '');
}

function importsOf(abs: string): Import[] {
  const text = readFileSync(abs, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos: number): number => text.slice(0, pos).split('\n').length;
  return info.importedFiles.map((f) => ({ file: rel(abs), line: lineOf(f.pos), spec: f.fileName }));
}

/** The src-relative .ts file a relative import names, or the repository-relative path when it leaves src. */
function target(imp: Import): { inSrc: boolean; path: string } {
  const resolved = posix.normalize(posix.join(posix.dirname(`src/${imp.file}`), imp.spec)).replace(/\.js$/, '.ts');
  return resolved.startsWith('src/') ? { inSrc: true, path: resolved.slice(4) } : { inSrc: false, path: resolved };
}

/** Rule violations of one import, as messages naming the file, the import and the rule. */
function check(imp: Import): string[] {
  const where = `src/${imp.file}:${imp.line} imports '${imp.spec}'`;
  const isTest = imp.file.endsWith('.test.ts');
  const from = unitOf(imp.file);
  if (!imp.spec.startsWith('.')) {
    const name = imp.spec.startsWith('@') ? imp.spec.split('/').slice(0, 2).join('/') : (imp.spec.split('/')[0] as string);
    if (imp.spec.startsWith('node:') || BUILTIN.has(imp.spec)) return [];
    if (name in (pkg.dependencies ?? {})) return [];
    if (isTest && name in (pkg.devDependencies ?? {})) return [];
    return [`${where}: src may import only node: built-ins and package.json dependencies${isTest ? ' (tests: also devDependencies)' : ''}`];
  }
  const t = target(imp);
  if (!t.inSrc) {
    if (isTest && TEST_SUPPORT.some((p) => t.path.startsWith(p))) return [];
    return [
      `${where}: ${isTest ? `tests in src may reach outside src only into ${TEST_SUPPORT.join(', ')}` : 'src code never imports outside src (tests, benchmarks, scripts)'}`,
    ];
  }
  if (t.path === 'index.ts')
    return [`${where}: nothing in src imports src/index.ts (the public surface re-exports src; it is not a layer)`];
  const to = unitOf(t.path);
  if (to === from) return [];
  const rule = RULES[from];
  if (rule === undefined)
    return [`${where}: src/${imp.file} belongs to '${from}', which has no rule in test/layers.test.ts and DEVELOPERS.md: add one`];
  if (!rule.may.includes(to)) return [`${where} (${to}): ${rule.why}`];
  if (from === 'vmconfig' && to === 'vim25/generated' && !VMCONFIG_GENERATED.has(t.path)) {
    return [`${where}: vmconfig may use only ${[...VMCONFIG_GENERATED].join(' and ')} of vim25/generated (it stays pure)`];
  }
  return [];
}

const files = sources(SRC);
const imports = files.flatMap(importsOf);

test('src has source files and imports to check', () => {
  assert.ok(files.length > 50 && imports.length > 200, `${files.length} files, ${imports.length} imports`);
});

test('every import in src follows the layer rule (DEVELOPERS.md, "Layers")', () => {
  const problems = imports.flatMap(check);
  assert.deepEqual(problems, [], `\n${problems.join('\n')}`);
});

test('every unit of src has a rule', () => {
  const units = [...new Set(files.map((f) => unitOf(rel(f))))].sort();
  assert.deepEqual(
    units.filter((u) => !(u in RULES)),
    [],
    'src has a file outside every layer: add its unit to RULES and DEVELOPERS.md',
  );
});

/** Edges between units, each with one import that makes it. */
function unitEdges(list: readonly Import[]): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const imp of list) {
    const t = imp.spec.startsWith('.') ? target(imp) : undefined;
    if (!t?.inSrc || t.path === 'index.ts' || imp.file === 'index.ts') continue;
    const [a, b] = [unitOf(imp.file), unitOf(t.path)];
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Map());
    edges.get(a)!.set(b, `src/${imp.file}:${imp.line} imports '${imp.spec}'`);
  }
  return edges;
}

/** Cycles found by a depth-first search (a back edge closes one), each with the import of its last step. */
function findCycles(edges: Map<string, Map<string, string>>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (u: string, path: string[]): void => {
    state.set(u, 'open');
    for (const [v, why] of edges.get(u) ?? []) {
      if (state.get(v) === 'open') cycles.push(`${[...path.slice(path.indexOf(v)), u, v].join(' → ')} (last step: ${why})`);
      else if (!state.has(v)) visit(v, [...path, u]);
    }
    state.set(u, 'done');
  };
  for (const u of [...edges.keys()].sort()) if (!state.has(u)) visit(u, []);
  return cycles;
}

test('no cycle between units (folders and base modules), tests included', () => {
  assert.deepEqual(findCycles(unitEdges(imports)), []);
  const loop = findCycles(
    unitEdges([
      { file: 'escape.ts', line: 3, spec: './datastore-path.js' },
      { file: 'datastore-path.ts', line: 5, spec: './escape.js' },
    ]),
  );
  assert.deepEqual(loop, ["datastore-path → escape → datastore-path (last step: src/escape.ts:3 imports './datastore-path.js')"]);
});

test('index.ts files only re-export', () => {
  const bad: string[] = [];
  for (const f of files.filter((p) => p.endsWith(`${sep}index.ts`))) {
    const sf = ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.ES2022, true);
    for (const s of sf.statements) {
      if (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined) continue;
      const { line } = sf.getLineAndCharacterOfPosition(s.getStart());
      bad.push(
        `src/${rel(f)}:${line + 1}: an index.ts only re-exports (export … from); move '${s.getText().split('\n')[0]}' into a module`,
      );
    }
  }
  assert.deepEqual(bad, []);
});

test('the checker catches what it is meant to catch', () => {
  const v = (file: string, spec: string): string[] => check({ file, line: 1, spec });
  assert.deepEqual(v('vmx/vmx-to-domain.ts', '../conf/domain/domain-def.js'), []);
  assert.match(
    v('vmx/vmx-to-domain.ts', '../driver/index.js')[0] ?? '',
    /^src\/vmx\/vmx-to-domain\.ts:1 imports '\.\.\/driver\/index\.js' \(driver\): vmx imports only conf/,
  );
  assert.match(v('errors.ts', './escape.js')[0] ?? '', /errors is the bottom/);
  assert.match(v('soap/codec.ts', '../vim25/client.js')[0] ?? '', /soap imports only the base modules/);
  assert.match(v('vmconfig/config-to-domain.ts', '../vim25/generated/methods.js')[0] ?? '', /vmconfig may use only/);
  assert.match(v('vmconfig/config-to-domain.ts', '../vim25/client.js')[0] ?? '', /\(vim25\): vmconfig imports only/);
  assert.match(v('conf/domain/parse-domain.ts', '../../../test/support/rng.js')[0] ?? '', /never imports outside src/);
  assert.deepEqual(v('conf/domain/parse-domain.test.ts', '../../../test/support/rng.js'), []);
  assert.match(v('conf/domain/parse-domain.test.ts', '../../../test/harness/vcsim.js')[0] ?? '', /only into test\/support/);
  assert.match(v('conf/domain/parse-domain.test.ts', '../../driver/index.js')[0] ?? '', /conf imports only the base/);
  assert.match(v('conf/xml/xml-reader.ts', 'fast-check')[0] ?? '', /package\.json dependencies/);
  assert.deepEqual(v('conf/xml/xml-reader.test.ts', 'fast-check'), []);
  assert.match(v('driver/domain/xml.ts', '../../index.js')[0] ?? '', /nothing in src imports src\/index\.ts/);
  assert.match(v('newfolder/x.ts', '../errors.js')[0] ?? '', /has no rule/);
});

/**
 * gen-vim25: turns the declaration, the area files of src/vim25/input/ read in AREA_ORDER, into
 * src/vim25/generated/ (types.ts, methods.ts, schema.ts, props.ts, flags.ts). Imports nothing from src/ so it
 * can run on a broken tree.
 *
 *   node --import tsx scripts/gen-vim25.ts [--check] [--input DIR|FILE] [--out DIR]
 *
 * --check writes nothing and exits 1 when the files on disk differ from what would be generated.
 * Declaration errors are reported as FILE:LINE: message, all of them, and exit 1.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitFlags, emitProps } from './gen-vim25-emit-props.js';
import { emitMethods, emitSchema, emitTypes } from './gen-vim25-emit.js';
import { validate } from './gen-vim25-check.js';
import { DeclError, parse, type Source } from './gen-vim25-model.js';

/** The area files of an input directory, in reading order (declarations are emitted in this order). */
const AREA_ORDER = ['core', 'inventory', 'vm', 'host', 'storage', 'network'] as const;

/** Parses, validates and renders; returns file name → content, or throws DeclError listing every problem. */
function generate(sources: readonly Source[], inputRel: string): Map<string, string> {
  const errors: string[] = [];
  const model = parse(sources, errors);
  if (errors.length === 0) validate(model, errors);
  if (errors.length > 0) throw new DeclError(errors.join('\n'));
  return new Map([
    ['types.ts', emitTypes(model, inputRel)],
    ['methods.ts', emitMethods(model, inputRel)],
    ['schema.ts', emitSchema(model, inputRel)],
    ['props.ts', emitProps(model, inputRel)],
    ['flags.ts', emitFlags(model, inputRel)],
  ]);
}

/** The input files: `input` itself, or a directory's area files in AREA_ORDER (an unlisted .input file is an error). */
function inputFiles(input: string): string[] {
  if (!statSync(input).isDirectory()) return [input];
  const present = readdirSync(input).filter((f) => f.endsWith('.input'));
  const known: readonly string[] = AREA_ORDER.map((a) => `${a}.input`);
  const unknown = present.filter((f) => !known.includes(f));
  if (unknown.length > 0) {
    throw new DeclError(
      `${unknown.map((f) => join(input, f)).join(', ')}: not an area file (${known.join(', ')}); add the area to AREA_ORDER in scripts/gen-vim25.ts`,
    );
  }
  const files = known.filter((f) => present.includes(f)).map((f) => join(input, f));
  if (files.length === 0) throw new DeclError(`${input}: no area files (${known.join(', ')})`);
  return files;
}

/** The package root above `dir`: the script also runs compiled from dist/scripts/. */
function repoRoot(dir: string): string {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return resolve(dir, '..');
  }
}

function main(argv: string[]): number {
  const root = repoRoot(fileURLToPath(new URL('.', import.meta.url)));
  let check = false;
  let input = join(root, 'src/vim25/input');
  let outDir = join(root, 'src/vim25/generated');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') check = true;
    else if (a === '--input' && argv[i + 1] !== undefined) input = resolve(argv[++i] ?? '');
    else if (a === '--out' && argv[i + 1] !== undefined) outDir = resolve(argv[++i] ?? '');
    else {
      process.stderr.write(`gen-vim25: unknown argument '${a ?? ''}'\nusage: gen-vim25 [--check] [--input DIR|FILE] [--out DIR]\n`);
      return 2;
    }
  }
  const shown = (path: string): string => {
    const fromCwd = relative(process.cwd(), path);
    return fromCwd === '' || fromCwd.startsWith('..') ? path : fromCwd;
  };
  let files: Map<string, string>;
  try {
    const sources = inputFiles(input).map((file) => ({ file: shown(file), text: readFileSync(file, 'utf8') }));
    const rel = relative(root, input).split('\\').join('/');
    files = generate(sources, statSync(input).isDirectory() ? `${rel}/` : rel);
  } catch (e) {
    process.stderr.write(`${e instanceof DeclError ? e.message : `gen-vim25: ${e instanceof Error ? e.message : String(e)}`}\n`);
    return 1;
  }
  const stale: string[] = [];
  for (const [name, content] of files) {
    const path = join(outDir, name);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === content) continue;
    stale.push(relative(process.cwd(), path) || path);
    if (!check) {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path, content);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(`gen-vim25: out of date: ${stale.join(', ')}; run: npm run gen\n`);
    return 1;
  }
  if (!check) process.stdout.write(stale.length ? `gen-vim25: wrote ${stale.join(', ')}\n` : 'gen-vim25: up to date\n');
  return 0;
}

process.exitCode = main(process.argv.slice(2));

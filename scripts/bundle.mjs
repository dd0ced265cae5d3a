#!/usr/bin/env node
// Bundles the CLI into one CommonJS file (dist/esxvirt.cjs): Node 20 spends ~50 ms resolving
// and compiling ~120 ES modules at every start, which matters for a CLI that scripts call
// often. CommonJS because bin/esxvirt runs it through vm.Script with V8's code cache, which
// Node 20 offers for scripts but not for ES modules.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/esxvirt.cjs',
  logLevel: 'warning',
  legalComments: 'none',
  // Whitespace and syntax only: names stay, so --debug stack traces still name the functions. A third smaller bundle
  // reads, hashes and deserializes its code cache faster at every start, and holds less memory (~2-3 MiB).
  minifyWhitespace: true,
  minifySyntax: true,
  // import() of a Node built-in (loaded where it is used, not at every start) becomes require() in a promise: the
  // launcher compiles the bundle with vm.Script, whose code cannot call import() without a module loader callback.
  supported: { 'dynamic-import': false },
  // The file is the body of the function bin/esxvirt.cjs calls (as Node wraps a CommonJS module), so the launcher
  // compiles it as read instead of concatenating a copy (~0.8 MB kept for the whole run).
  banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
  footer: { js: '})' },
});

// esbuild escapes non-ASCII characters (its default charset), so the launcher reads the file as Latin-1: V8 takes the
// bytes as a one-byte string without decoding UTF-8. Refuse a bundle for which that would be wrong.
const bytes = readFileSync('dist/esxvirt.cjs');
const wide = bytes.findIndex((b) => b > 0x7f);
if (wide >= 0) throw new Error(`dist/esxvirt.cjs: non-ASCII byte at offset ${wide}; bin/esxvirt.cjs reads it as Latin-1`);

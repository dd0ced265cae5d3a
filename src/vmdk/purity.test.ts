import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

/** src/vmdk in the source tree, found upwards: this test also runs compiled from dist/src/vmdk/. */
function sourceDir(): string {
  for (let d = fileURLToPath(new URL('.', import.meta.url)); dirname(d) !== d; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return join(d, 'src/vmdk');
  }
  throw new Error('package.json not found above this test');
}

test('the VMDK core imports only errors.ts, its own modules and node:stream/zlib/buffer (files.ts alone touches the file system)', () => {
  const dir = sourceDir();
  const allowed = /^(\.\.\/errors\.js|\.\/[a-z-]+\.js|node:(stream|zlib|buffer))$/;
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'files.ts');
  assert.ok(files.length >= 8);
  for (const f of files) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/^(?:import|export)[^;]*?from '([^']+)'/gms)) {
      assert.match(m[1] as string, allowed, `${f} imports ${m[1]}`);
      assert.notEqual(m[1], './files.js', `${f} imports the file-system helpers`);
    }
  }
});

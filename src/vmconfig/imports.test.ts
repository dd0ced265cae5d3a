// src/vmconfig stays pure: its modules import only the domain model, the VMX helpers, the vim25 declarations
// (types and schema data), the base modules and each other: no I/O, no client, no driver.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';

const DIR = join(process.cwd(), 'src/vmconfig');
const ALLOWED = [
  /^\.\/[a-z-]+\.js$/,
  /^\.\.\/conf\//,
  /^\.\.\/vmx\/[a-z-]+\.js$/,
  /^\.\.\/vim25\/generated\/(types|schema)\.js$/,
  /^\.\.\/(errors|escape|datastore-path)\.js$/,
];

test('vmconfig modules import only pure modules', () => {
  const bad: string[] = [];
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  assert.ok(files.length >= 8, files.join(' '));
  for (const f of files) {
    for (const m of readFileSync(join(DIR, f), 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)) {
      const target = m[1] as string;
      if (!ALLOWED.some((re) => re.test(target))) bad.push(`${f}: ${target}`);
    }
  }
  assert.deepEqual(bad, []);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byName, parseSize, prettyCapacity } from './shared.js';

test("virsh's vshPrettyCapacity", () => {
  assert.equal(prettyCapacity(0), '0.00 B');
  assert.equal(prettyCapacity(412), '412.00 B');
  assert.equal(prettyCapacity(1023), '1023.00 B');
  assert.equal(prettyCapacity(1024), '1.00 KiB');
  assert.equal(prettyCapacity(4 * 1024 ** 2), '4.00 MiB');
  assert.equal(prettyCapacity(270553174016), '251.97 GiB');
  assert.equal(prettyCapacity(26202308608), '24.40 GiB');
  assert.equal(prettyCapacity(2 ** 50), '1.00 PiB');
});

test('sizes: scaled integers in bytes by default; anything else is "Malformed size"', () => {
  assert.equal(parseSize('10M'), 10 * 1024 ** 2);
  assert.equal(parseSize('10 MiB'), 10 * 1024 ** 2);
  assert.equal(parseSize('1GB'), 1e9);
  assert.equal(parseSize('4096'), 4096);
  for (const bad of ['10X', '-1', '1.5G', 'M']) assert.throws(() => parseSize(bad), { message: `Malformed size ${bad}` });
});

test('sorted as virsh sorts: case-insensitively', () => {
  const names = ['LocalDS_1', 'iqn.x', 'datastore1', 'LocalDS_0'].map((name) => ({ name }));
  assert.deepEqual(
    names.sort(byName).map((n) => n.name),
    ['datastore1', 'iqn.x', 'LocalDS_0', 'LocalDS_1'],
  );
});

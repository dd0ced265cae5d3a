import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScaledBytes, parseVolumeXml, unitFactor } from './index.js';

test("libvirt's scaled units: binary by default, decimal with a B, bytes without a unit", () => {
  assert.equal(unitFactor(''), 1);
  assert.equal(unitFactor('bytes'), 1);
  assert.equal(unitFactor('K'), 1024);
  assert.equal(unitFactor('KiB'), 1024);
  assert.equal(unitFactor('KB'), 1000);
  assert.equal(unitFactor('m'), 1024 ** 2);
  assert.equal(unitFactor('GB'), 1000 ** 3);
  assert.equal(unitFactor('T'), 1024 ** 4);
  assert.equal(unitFactor('X'), undefined);
  assert.equal(unitFactor('Kib'), 1024);
  assert.equal(parseScaledBytes('16', 'M', 'x'), 16 * 1024 * 1024);
  assert.equal(parseScaledBytes('512', undefined, 'x'), 512);
});

test('vol-create input: units, a missing allocation, the type attribute, the format', () => {
  assert.deepEqual(
    parseVolumeXml("<volume><name> d/x.vmdk </name><capacity unit='G'>2</capacity><target><format type='vmdk'/></target></volume>"),
    {
      type: 'file',
      name: 'd/x.vmdk',
      capacity: 2 * 1024 ** 3,
      target: { format: 'vmdk' },
    },
  );
  assert.deepEqual(
    parseVolumeXml("<volume type='file'><name>a</name><capacity>1000</capacity><allocation unit='KB'>1</allocation></volume>"),
    {
      type: 'file',
      name: 'a',
      capacity: 1000,
      allocation: 1000,
      target: {},
    },
  );
  assert.equal(
    parseVolumeXml('<volume><name>a</name><backingStore><path>[ds] b.vmdk</path></backingStore></volume>').backingStore,
    '[ds] b.vmdk',
  );
});

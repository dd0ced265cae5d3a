import assert from 'node:assert/strict';
import test from 'node:test';
import { defaultVirtualHwVersion } from './xml.js';

test('the default hardware version follows the server version', () => {
  const cases: [string, number][] = [
    ['2.0.0', 4],
    ['3.5.0', 4],
    ['4.0.0', 7],
    ['4.1.0', 7],
    ['5.0.0', 8],
    ['5.1.0', 9],
    ['5.5.0', 10],
    ['6.0.0', 11],
    ['6.5.0', 13],
    ['6.7.0', 14],
    ['7.0.3', 17],
    ['8.0.2', 20],
    ['9.0.0', 20],
    ['6', 11],
    ['x', 4],
  ];
  for (const [version, hw] of cases) assert.equal(defaultVirtualHwVersion(version), hw, version);
});

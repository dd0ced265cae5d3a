import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../errors.js';
import { XML_LIMITS } from '../../limits.js';
import { parseXml } from './xml-reader.js';

const deep = (n: number): string => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;

test('parses nested elements up to the depth limit and refuses one level more, naming the limit', () => {
  const limits = { ...XML_LIMITS, maxDepth: 8 };
  assert.equal(parseXml(deep(8), 'XML', limits).local, 'a');
  assert.throws(
    () => parseXml(deep(9), 'test XML', limits),
    (e: unknown) => e instanceof ConfigError && /test XML nests elements deeper than the limit of 8/.test(e.message),
  );
});

test('refuses a document 80,000 levels deep at once (time does not grow with the depth)', () => {
  const started = process.hrtime.bigint();
  assert.throws(() => parseXml(deep(80_000)), /deeper than the limit of 256/);
  // a generous bound: the refusal happens at level 257, whatever follows
  assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000);
});

test('refuses more elements than the limit, and documents larger than the byte limit before parsing', () => {
  const limits = { ...XML_LIMITS, maxElements: 100 };
  assert.equal(parseXml(`<r>${'<x/>'.repeat(99)}</r>`, 'XML', limits).children.length, 99);
  assert.throws(() => parseXml(`<r>${'<x/>'.repeat(100)}</r>`, 'XML', limits), /more than the limit of 100 elements/);
  assert.throws(
    () => parseXml(`<r>${'é'.repeat(600)}</r>`, 'domain XML', { ...XML_LIMITS, maxBytes: 1024 }),
    /domain XML is 1207 bytes, more than the limit of 1 KiB \(1024 bytes\)/,
  );
});

test('malformed XML names the line', () => {
  assert.throws(
    () => parseXml('<a>\n<b>\n</a>'),
    (e: unknown) => e instanceof ConfigError && /malformed XML at line 3/.test(e.message),
  );
});

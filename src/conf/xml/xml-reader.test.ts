import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../errors.js';
import { XML_LIMITS } from '../../limits.js';
import { decodeXmlBytes, parseXml } from './xml-reader.js';

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

test('XML bytes are decoded as libxml2 does: byte-order mark, else the declared encoding, else UTF-8', () => {
  const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9</a>', 'latin1');
  assert.equal(parseXml(decodeXmlBytes(latin1)).text, 'café');
  assert.equal(decodeXmlBytes(Buffer.from("<?xml version='1.0' encoding='windows-1252'?><a>\x80</a>", 'latin1')).slice(-5), '€</a>');
  assert.equal(decodeXmlBytes(Buffer.from('\ufeff<a>é</a>', 'utf8')), '<a>é</a>');
  assert.equal(decodeXmlBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<a>é</a>', 'utf16le')])), '<a>é</a>');
  assert.equal(decodeXmlBytes(Buffer.from('<a>é</a>', 'utf8')), '<a>é</a>');
});

test('XML bytes invalid in their encoding, an encoding Node cannot read, or a UTF-16 label on 8-bit bytes are refused', () => {
  const refused = (bytes: Buffer, message: RegExp): void =>
    assert.throws(
      () => decodeXmlBytes(bytes, 'domain XML'),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  refused(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]), /malformed domain XML: the text is not valid utf-8/);
  refused(Buffer.from('<?xml version="1.0" encoding="UTF-7"?><a/>'), /unsupported encoding 'utf-7'/);
  refused(Buffer.from('<?xml version="1.0" encoding="x-user-defined"?><a/>'), /unsupported encoding 'x-user-defined'/);
  refused(Buffer.from('<?xml version="1.0" encoding="UTF-16"?><a/>'), /labelled utf-16 but has 8-bit content/);
});

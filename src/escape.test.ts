import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { EsxError } from './errors.js';
import { escapeDatastoreItem, escapePercent, escapePipe, unescapeDatastoreItem, unescapePercent, unescapePipe } from './escape.js';

test('percent-encoding escapes % / \\ only (vSphere entity names)', () => {
  assert.equal(escapePercent('a/b\\c%d e|f'), 'a%2fb%5cc%25d e|f');
  assert.equal(unescapePercent('a%2Fb%5cc%25d'), 'a/b\\c%d');
});

test('pipe-encoding escapes | " and control characters (displayName, annotation)', () => {
  assert.equal(escapePipe('say "hi" | bye\nnext'), 'say |22hi|22 |7c bye|0anext');
  assert.equal(unescapePipe('|45|73|63|61|70|65|64|21 |7C|7c|22'), 'Escaped! ||"');
});

test('malformed escape sequences are errors naming the value', () => {
  assert.throws(
    () => unescapePercent('50%', "VMX entry 'displayName'"),
    (e: unknown) => e instanceof EsxError && /displayName/.test(e.message),
  );
  assert.throws(() => unescapePipe('a|zz'), EsxError);
});

test('percent and pipe encodings round-trip any string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      assert.equal(unescapePercent(escapePercent(s)), s);
      assert.equal(unescapePipe(escapePipe(s)), s);
      // the VMX displayName scheme: percent first, then pipe
      assert.equal(unescapePercent(unescapePipe(escapePipe(escapePercent(s)))), s);
    }),
  );
});

test('datastore item names: Windows chars become _, unsafe runs are base64 (+…-, "," for "/")', () => {
  assert.equal(escapeDatastoreItem('Fedora 11'), 'Fedora 11');
  assert.equal(escapeDatastoreItem('a:b?c'), 'a_b_c');
  // '%' of the percent-encoding is itself unsafe, so it is base64-encoded: '%' = 'JQ'
  assert.equal(escapeDatastoreItem('a/b'), 'a+JQ-2fb');
  assert.equal(escapeDatastoreItem('x+y'), 'x+Kw-y');
  // a trailing encoded run has no closing '-'
  assert.equal(escapeDatastoreItem('ü'), '+w7w');
  assert.equal(escapeDatastoreItem('日本'), '+5pel5pys');
  // ',' stands for '/' of the base64 alphabet: 0xff 0xf0 encodes to '//A' in plain base64
  assert.equal(escapeDatastoreItem('\u{fff0}').includes('/'), false);
  assert.equal(unescapeDatastoreItem('a+JQ-2fb'), 'a/b');
  assert.equal(unescapeDatastoreItem('+5pel5pys'), '日本');
});

test('datastore item names round-trip unless they hold Windows-special chars (not bijective)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const back = unescapeDatastoreItem(escapeDatastoreItem(s));
      assert.equal(back, s.replace(/["*<>:|?]/g, '_'));
    }),
  );
  // two different names, one escaped form: the lost information cannot be restored
  assert.equal(escapeDatastoreItem('a:b'), escapeDatastoreItem('a?b'));
  assert.equal(escapeDatastoreItem('a:b'), escapeDatastoreItem('a_b'));
});

test('invalid base64 runs in datastore item names are errors', () => {
  assert.throws(() => unescapeDatastoreItem('a+!!-b'), EsxError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { assertXmlChars, escapeXmlAttr, escapeXmlText } from './xml-escape.js';

test('markup characters are escaped in text and attributes', () => {
  assert.equal(escapeXmlText(`a<b>&"c"'d']]>`), 'a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;]]&gt;');
  assert.equal(escapeXmlAttr(`x"<y>'&`), 'x&quot;&lt;y&gt;&apos;&amp;');
});

test('clean strings come back unchanged, including non-ASCII', () => {
  assert.equal(escapeXmlText('plain text é 日本 😀'), 'plain text é 日本 😀');
});

test('whitespace survives parser normalisation', () => {
  assert.equal(escapeXmlText('a\r\nb\tc'), 'a&#13;\nb\tc');
  assert.equal(escapeXmlAttr('a\r\nb\tc'), 'a&#13;&#10;b&#9;c');
});

test('characters XML 1.0 forbids are rejected with their code point', () => {
  assert.throws(
    () => escapeXmlText('bad\u0001', 'Item.name'),
    (e: unknown) => e instanceof InvalidArgumentError && /Item\.name contains U\+0001 at index 3/.test(e.message),
  );
  assert.throws(() => escapeXmlAttr('\u0000'), InvalidArgumentError);
  assert.throws(() => assertXmlChars('\uffff'), /U\+FFFF/);
  assert.throws(() => assertXmlChars('x\ud800y'), /U\+D800/);
  assert.throws(() => assertXmlChars('\udc00'), /U\+DC00/);
  assert.doesNotThrow(() => assertXmlChars('pair \ud83d\ude00 ok'));
});

import assert from 'node:assert/strict';
import test from 'node:test';
import { EsxError } from '../errors.js';
import { formatVmx, parseVmx } from './vmx-text.js';

test('parses key = "value" lines with comments, blanks, case-insensitive keys', () => {
  const c = parseVmx('#!/usr/bin/vmware\n# comment\n\n  DisplayName = "x y"  \nmemSize="64" # trailing\nbare = 12\n');
  assert.equal(c.get('displayname'), 'x y');
  assert.equal(c.get('MEMSIZE'), '64');
  assert.equal(c.get('bare'), '12');
  assert.equal(c.keyAsWritten('displayname'), 'DisplayName');
  assert.deepEqual(c.warnings, []);
});

test('duplicate keys: the last one wins and a warning says so', () => {
  const c = parseVmx('a = "1"\nA = "2"\n');
  assert.equal(c.get('a'), '2');
  assert.match(c.warnings[0] ?? '', /duplicate VMX key 'A' on lines 1 and 2: the last one wins/);
});

test('|XX escapes in values are decoded', () => {
  assert.equal(parseVmx('k = "a|22b|7Cc"\n').get('k'), 'a"b|c');
});

test('malformed lines are errors naming the line', () => {
  assert.throws(
    () => parseVmx('ok = "1"\nnot a line\n'),
    (e: unknown) => e instanceof EsxError && /line 2/.test(e.message),
  );
  assert.throws(
    () => parseVmx('k = "open\n'),
    (e: unknown) => e instanceof EsxError && /closing quote/.test(e.message),
  );
  assert.throws(() => parseVmx('k = "v" junk\n'), EsxError);
});

const encodings: [string, number[], string][] = [
  ['windows-1252', [0x43, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x93, 0x94], 'Café €“”'],
  ['Shift_JIS', [0x83, 0x65, 0x83, 0x58, 0x83, 0x67], 'テスト'],
  ['GB2312', [0xb2, 0xe2, 0xca, 0xd4], '测试'],
  ['ISO-8859-2', [0xb1, 0xe6], 'ąć'],
  ['ISO-8859-15', [0xa4], '€'],
  ['ISO-8859-1', [0xe9], 'é'],
];
for (const [enc, bytes, text] of encodings) {
  test(`.encoding = "${enc}" is decoded and written back as UTF-8`, () => {
    const head = Buffer.from(`.encoding = "${enc}"\nname = "`, 'latin1');
    const input = Buffer.concat([head, Buffer.from(bytes), Buffer.from('"\n')]);
    const c = parseVmx(input);
    assert.equal(c.get('name'), text);
    assert.equal(c.encoding, enc);
    assert.match(c.warnings.join(), new RegExp(`converted from charset ${enc} to UTF-8`));
    const out = formatVmx([
      ['.encoding', 'UTF-8'],
      ['name', c.get('name') as string],
    ]);
    assert.equal(parseVmx(Buffer.from(out, 'utf8')).get('name'), text);
  });
}

test('bytes that are not valid in the declared charset are an error, not garbage', () => {
  assert.throws(() => parseVmx(Buffer.from([0x6b, 0x20, 0x3d, 0x20, 0x22, 0xff, 0xfe, 0x22])), EsxError);
  assert.throws(() => parseVmx(Buffer.from('.encoding = "nope"\n')), EsxError);
});

test('formatVmx pipe-escapes quotes, pipes and newlines', () => {
  assert.equal(formatVmx([['annotation', 'a "b" | c\nd']]), 'annotation = "a |22b|22 |7c c|0ad"\n');
});

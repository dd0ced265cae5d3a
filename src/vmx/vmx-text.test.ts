import assert from 'node:assert/strict';
import test from 'node:test';
import { EsxError } from '../errors.js';
import { DUPLICATE_WARNINGS, formatVmx, parseVmx } from './vmx-text.js';

test('parses key = "value" statements with comments, blanks, case-insensitive keys, as libvirt does', () => {
  const c = parseVmx(
    '#!/usr/bin/vmware\n# comment\n\n  DisplayName = "x y"  \nmemSize="64" # trailing\nq = \'single\'; t = """two\nlines"""\r.e = "x"\n',
  );
  assert.equal(c.get('displayname'), 'x y');
  assert.equal(c.get('MEMSIZE'), '64');
  assert.equal(c.get('q'), 'single');
  assert.equal(c.get('t'), 'two\nlines');
  assert.equal(c.get('.e'), 'x');
  assert.equal(c.keyAsWritten('displayname'), 'DisplayName');
  assert.deepEqual(c.warnings, []);
});

test('duplicate keys: the first one wins (libvirt looks up the first) and a warning says so', () => {
  const c = parseVmx('a = "1"\nA = "2"\n');
  assert.equal(c.get('a'), '1');
  assert.match(c.warnings[0] ?? '', /duplicate VMX key 'A' on lines 1 and 2: the first one wins/);
});

test('many duplicate keys: the first few are named, the rest counted in one warning', () => {
  const lines = ['a = "0"', ...Array.from({ length: 200_000 }, (_, i) => `${i % 2 ? 'A' : 'a'} = "${i + 1}"`), 'b = "x"', 'B = "y"'];
  const c = parseVmx(`${lines.join('\n')}\n`);
  assert.equal(c.get('a'), '0');
  assert.equal(c.get('b'), 'x');
  assert.equal(c.warnings.length, DUPLICATE_WARNINGS + 1);
  assert.match(c.warnings[0] ?? '', /duplicate VMX key 'a' on lines 1 and 2: the first one wins/);
  assert.match(c.warnings[DUPLICATE_WARNINGS - 1] ?? '', new RegExp(`on lines 1 and ${DUPLICATE_WARNINGS + 1}:`));
  assert.equal(c.warnings[DUPLICATE_WARNINGS], `… and ${200_001 - DUPLICATE_WARNINGS} more duplicate VMX keys: the first of each wins`);
  // exactly one more: singular
  const one = parseVmx(`${Array.from({ length: DUPLICATE_WARNINGS + 2 }, () => 'k = "1"').join('\n')}\n`);
  assert.equal(one.warnings.at(-1), '… and 1 more duplicate VMX key: the first of each wins');
  // up to the limit, no summary
  const few = parseVmx(`${Array.from({ length: DUPLICATE_WARNINGS + 1 }, () => 'k = "1"').join('\n')}\n`);
  assert.equal(few.warnings.length, DUPLICATE_WARNINGS);
});

test('values are kept as written: |XX escapes are decoded only where libvirt does (displayName, annotation)', () => {
  assert.equal(parseVmx('k = "a|22b|7Cc"\n').get('k'), 'a|22b|7Cc');
});

test('a NUL byte ends the file, as libvirt reads it as a C string', () => {
  assert.equal(parseVmx(Buffer.from('a = "1"\n\0garbage = \n')).get('a'), '1');
});

test('malformed statements are errors naming the line', () => {
  assert.throws(
    () => parseVmx('ok = "1"\nnot a line\n'),
    (e: unknown) => e instanceof EsxError && /line 2/.test(e.message),
  );
  assert.throws(
    () => parseVmx('k = "open\n'),
    (e: unknown) => e instanceof EsxError && /closing quote/.test(e.message),
  );
  assert.throws(() => parseVmx('k = "v" junk\n'), EsxError);
  assert.throws(
    () => parseVmx('bare = 12\n'),
    (e: unknown) => e instanceof EsxError && /bare number/.test(e.message),
  );
  assert.throws(() => parseVmx('bare = word\n'), EsxError);
  assert.throws(() => parseVmx('_k = "v"\n'), EsxError);
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

test('bytes not valid in the declared charset end the text there (as libvirt converts); unknown charsets are errors', () => {
  const c = parseVmx(
    Buffer.concat([Buffer.from('.encoding = "Shift_JIS"\na = "1"\n# '), Buffer.from([0x85, 0x40]), Buffer.from('\nb = "2"\n')]),
  );
  assert.equal(c.get('a'), '1');
  assert.equal(c.get('b'), undefined);
  assert.match(c.warnings.join(), /read up to the first invalid byte/);
  assert.throws(() => parseVmx(Buffer.from('.encoding = "nope"\n')), EsxError);
});

test('.encoding names are read as iconv reads them: only letters, digits and _-.,: count, //suffixes are dropped', () => {
  const latin1 = (name: string): Buffer => Buffer.from(`.encoding = "${name}"\nk = "caf\xe9"\n`, 'latin1');
  for (const name of [' latin1 ', 'l a t i n 1', 'ISO_8859-1', 'latin1//TRANSLIT'])
    assert.equal(parseVmx(latin1(name)).get('k'), 'café', name);
  // nothing left is the C locale's charset, ASCII: the first byte above 0x7F ends the text
  for (const name of ['   ', '//']) assert.throws(() => parseVmx(latin1(name)), /value of 'k' lacks its closing quote/, name);
  assert.equal(parseVmx(Buffer.from('.encoding = "   "\nk = "v"\n')).get('k'), 'v');
  // not "UTF-8" itself: strict UTF-8 through iconv (invalid bytes end the text), not libvirt's copy
  assert.throws(() => parseVmx(latin1('utf8')), /lacks its closing quote/);
  assert.throws(() => parseVmx(latin1('')), /unsupported charset ''/);
});

test('invalid UTF-8 without .encoding is read with U+FFFD and a warning (libvirt copies the bytes)', () => {
  const c = parseVmx(Buffer.from([0x6b, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]));
  assert.equal(c.get('k'), '\ufffd');
  assert.match(c.warnings.join(), /not valid UTF-8/);
});

test('formatVmx writes values as they are but for quotes and line ends, which it pipe-escapes', () => {
  assert.equal(formatVmx([['annotation', 'a "b" | c\nd%']]), 'annotation = "a |22b|22 | c|0ad%"\n');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeResponseText } from './codec-decode.js';
import { encodeRequest } from './codec-encode.js';
import { returnsOf, testSchema, testThis } from './codec-test-schema.js';

/** Encodes a value as an Echo* request and decodes the same document as that method's response. */
function roundTrip(method: string, value: unknown): unknown {
  return decodeResponseText(testSchema, returnsOf(method), encodeRequest(testSchema, method, testThis, { returnval: value }));
}

const AWKWARD = [
  `<tag attr="x">`,
  `a & b`,
  `"quoted" 'single'`,
  'end ]]> of cdata',
  ']]>',
  'é ß 日本語 😀',
  '  padded  ',
  '\ttab\nline\r\nwindows',
  '&amp; literally',
  '',
];

test('awkward strings survive encode → decode in text, lists, anyType and reference attributes', () => {
  for (const s of AWKWARD) {
    assert.equal(roundTrip('EchoString', s), s);
    assert.deepEqual(roundTrip('Echo', { name: s, tags: [s, s], any: s, ref: { type: s, value: s }, needed: [s] }), {
      _type: 'Item',
      name: s,
      tags: [s, s],
      any: s,
      ref: { type: s, value: s },
      needed: [s],
    });
  }
});

test('polymorphic lists keep their subtypes', () => {
  const specs = [
    {
      _type: 'TraversalSpec',
      name: 'folder',
      type: 'Folder',
      path: 'childEntity',
      skip: false,
      selectSet: [{ _type: 'SelectionSpec', name: 'folder' }],
    },
    { _type: 'SelectionSpec', name: 'dc' },
  ];
  assert.deepEqual(roundTrip('EchoSpecs', specs), specs);
});

test('anyType values keep their type', () => {
  for (const v of [
    's',
    42,
    -3,
    2 ** 40,
    0.25,
    true,
    new Date('2001-02-03T04:05:06.007Z'),
    ['a', 'b'],
    [1, 2],
    [{ type: 'Datastore', value: 'ds-1' }],
    { type: 'Task', value: 't' },
  ]) {
    assert.deepEqual(roundTrip('EchoAny', v), v);
  }
  assert.deepEqual(roundTrip('EchoAny', { _type: 'SelectionSpec', name: 'x' }), { _type: 'SelectionSpec', name: 'x' });
  assert.deepEqual(roundTrip('EchoAny', { _type: 'ArrayOfBoolean', _value: [true, false] }), [true, false]);
});

test('property: any item of declared shape round-trips exactly', () => {
  const xmlString = fc
    .string({ unit: 'binary', maxLength: 30 })
    .filter((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(s));
  const item = fc.record(
    {
      name: xmlString,
      count: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
      big: fc.maxSafeInteger(),
      small: fc.integer({ min: -0x8000, max: 0x7fff }),
      ratio: fc.double().filter((d) => !Object.is(d, -0)),
      flag: fc.boolean(),
      when: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }),
      blob: fc.uint8Array({ maxLength: 20 }).map((a) => Buffer.from(a)),
      ref: fc.record({ type: xmlString, value: xmlString }, { noNullPrototype: true }),
      tags: fc.array(xmlString, { minLength: 1, maxLength: 4 }),
      any: fc.oneof(xmlString, fc.integer(), fc.boolean()),
      state: fc.constantFrom('poweredOff', 'poweredOn', 'suspended'),
      needed: fc.array(xmlString, { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: ['name', 'needed'], noNullPrototype: true },
  );
  fc.assert(
    fc.property(item, (value) => {
      assert.deepEqual(roundTrip('Echo', value), { _type: 'Item', ...value });
    }),
    { numRuns: 300 },
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { encodeRequest } from './codec-encode.js';
import { testSchema, testThis } from './codec-test-schema.js';

const PREFIX =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const SUFFIX = '</soapenv:Body></soapenv:Envelope>';

function body(xml: string): string {
  assert.ok(xml.startsWith(PREFIX) && xml.endsWith(SUFFIX), xml);
  return xml.slice(PREFIX.length, xml.length - SUFFIX.length);
}

test('envelope, _this and members in declaration order whatever the key order', () => {
  const xml = encodeRequest(
    testSchema,
    'RetrievePropertiesEx',
    { type: 'PropertyCollector', value: 'propertyCollector' },
    {
      maxObjects: 100,
      specSet: [{ name: 'a' }],
    },
  );
  assert.equal(
    body(xml),
    '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">propertyCollector</_this>' +
      '<specSet><name>a</name></specSet><maxObjects>100</maxObjects></RetrievePropertiesEx>',
  );
});

test('object members follow the schema order, base members first', () => {
  const xml = encodeRequest(testSchema, 'Echo', testThis, {
    returnval: { _type: 'SpecialItem', extra: 'x', tags: ['t1', 't2'], name: 'n', count: 3, needed: [] },
  });
  assert.match(
    body(xml),
    /<returnval xsi:type="SpecialItem"><name>n<\/name><count>3<\/count><tags>t1<\/tags><tags>t2<\/tags><extra>x<\/extra><\/returnval>/,
  );
});

test('a subtype in a base-typed list gets xsi:type; the declared type does not', () => {
  const xml = encodeRequest(testSchema, 'RetrievePropertiesEx', testThis, {
    specSet: [
      { name: 'plain' },
      { _type: 'SelectionSpec', name: 'explicit' },
      { _type: 'TraversalSpec', name: 'tr', type: 'Folder', path: 'childEntity', skip: false, selectSet: [{ name: 'plain' }] },
    ],
  });
  assert.match(
    body(xml),
    /<specSet><name>plain<\/name><\/specSet><specSet><name>explicit<\/name><\/specSet><specSet xsi:type="TraversalSpec"><name>tr<\/name><type>Folder<\/type><path>childEntity<\/path><skip>false<\/skip><selectSet><name>plain<\/name><\/selectSet><\/specSet>/,
  );
});

test('primitives: ints, booleans, doubles, dates, base64, references, enums', () => {
  const xml = encodeRequest(testSchema, 'Echo', testThis, {
    returnval: {
      name: 'p',
      count: -2147483648,
      big: 2 ** 40,
      small: 32767,
      tiny: -128,
      ratio: 0.5,
      flag: true,
      when: new Date('2024-02-03T04:05:06.789Z'),
      blob: Buffer.from([0, 1, 254, 255]),
      ref: { type: 'VirtualMachine', value: 'vm-1' },
      refs: [{ type: 'Datastore', value: 'ds-1' }],
      state: 'poweredOn',
      needed: ['x'],
    },
  });
  assert.match(
    body(xml),
    /<name>p<\/name><count>-2147483648<\/count><big>1099511627776<\/big><small>32767<\/small><tiny>-128<\/tiny><ratio>0.5<\/ratio><flag>true<\/flag><when>2024-02-03T04:05:06.789Z<\/when><blob>AAH\+\/w==<\/blob><ref type="VirtualMachine">vm-1<\/ref><refs type="Datastore">ds-1<\/refs><state>poweredOn<\/state><needed>x<\/needed>/,
  );
});

test('anyType values always carry xsi:type, inferred or boxed', () => {
  const any = (v: unknown): string =>
    body(encodeRequest(testSchema, 'EchoAny', testThis, { returnval: v })).replace(/^.*?<\/_this>|<\/EchoAny>$/g, '');
  assert.equal(any('s'), '<returnval xsi:type="xsd:string">s</returnval>');
  assert.equal(any(7), '<returnval xsi:type="xsd:int">7</returnval>');
  assert.equal(any(2 ** 33), '<returnval xsi:type="xsd:long">8589934592</returnval>');
  assert.equal(any(1.5), '<returnval xsi:type="xsd:double">1.5</returnval>');
  assert.equal(any(false), '<returnval xsi:type="xsd:boolean">false</returnval>');
  assert.equal(any(new Date(0)), '<returnval xsi:type="xsd:dateTime">1970-01-01T00:00:00.000Z</returnval>');
  assert.equal(any({ _type: 'long', _value: 5 }), '<returnval xsi:type="xsd:long">5</returnval>');
  assert.equal(any({ _type: 'PowerState', _value: 'suspended' }), '<returnval xsi:type="PowerState">suspended</returnval>');
  assert.equal(any(['a', 'b']), '<returnval xsi:type="ArrayOfString"><string>a</string><string>b</string></returnval>');
  assert.equal(any([1, 2 ** 40]), '<returnval xsi:type="ArrayOfLong"><long>1</long><long>1099511627776</long></returnval>');
  assert.equal(any({ _type: 'ArrayOfString', _value: [] }), '<returnval xsi:type="ArrayOfString"></returnval>');
  assert.equal(
    any([{ type: 'HostSystem', value: 'host-1' }]),
    '<returnval xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="HostSystem">host-1</ManagedObjectReference></returnval>',
  );
  assert.equal(any({ type: 'HostSystem', value: 'h' }), '<returnval xsi:type="ManagedObjectReference" type="HostSystem">h</returnval>');
  assert.equal(any({ _type: 'SelectionSpec', name: 'n' }), '<returnval xsi:type="SelectionSpec"><name>n</name></returnval>');
});

test('text and attributes are escaped, non-ASCII kept', () => {
  const xml = encodeRequest(testSchema, 'EchoString', { type: 'A"<&>\'', value: 'v<&>' }, { returnval: `<&>"' ]]> é 漢` });
  assert.match(
    xml,
    /<_this type="A&quot;&lt;&amp;&gt;&apos;">v&lt;&amp;&gt;<\/_this><returnval>&lt;&amp;&gt;&quot;&apos; ]]&gt; é 漢<\/returnval>/,
  );
  assert.ok(!xml.includes(']]>'));
});

test('bad input is refused with InvalidArgumentError naming the place', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['Nope', {}, /unknown SOAP method 'Nope'/],
    ['EchoString', {}, /EchoString\.returnval is required/],
    ['EchoString', { returnval: 5 }, /EchoString\.returnval must be a string, got number/],
    ['EchoString', { returnval: 'x', extra: 1 }, /EchoString has no parameter 'extra'/],
    ['Echo', { returnval: { name: 'n', needed: [], count: 1.5 } }, /Echo\.returnval\.count must be an integer in int range/],
    ['Echo', { returnval: { name: 'n', needed: [], count: 2 ** 31 } }, /int range/],
    ['Echo', { returnval: { name: 'n', needed: [], tiny: 128 } }, /byte range/],
    ['Echo', { returnval: { needed: [] } }, /Echo\.returnval\.name is required/],
    ['Echo', { returnval: { name: 'n' } }, /Echo\.returnval\.needed is required/],
    ['Echo', { returnval: { name: 'n', needed: [], nmae: 'typo' } }, /Item has no member 'nmae'/],
    ['Echo', { returnval: { name: 'n', needed: [], tags: 'x' } }, /tags must be an array/],
    ['Echo', { returnval: { name: 'n', needed: [], tags: [null] } }, /tags\[0\] is null/],
    ['Echo', { returnval: { _type: 'SelectionSpec' } }, /SelectionSpec is not a Item/],
    ['Echo', { returnval: { _type: 'Martian', name: 'n' } }, /unknown data object type 'Martian'/],
    ['Echo', { returnval: { name: 'n', needed: [], when: new Date(NaN) } }, /when must be a valid Date/],
    ['Echo', { returnval: { name: 'n', needed: [], ref: { type: 'X' } } }, /ref must be a managed object reference/],
    ['Echo', { returnval: { name: 'bell\u0007', needed: [] } }, /Echo\.returnval\.name contains U\+0007/],
    ['EchoAny', { returnval: [] }, /empty array needs a BoxedValue/],
    ['EchoAny', { returnval: ['a', 1] }, /array mixes string and int/],
    ['EchoAny', { returnval: { name: 'untyped' } }, /needs a _type/],
  ];
  for (const [method, params, re] of cases) {
    assert.throws(
      () => encodeRequest(testSchema, method, testThis, params),
      (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message),
      `${method} ${re}`,
    );
  }
});

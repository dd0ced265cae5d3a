import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { HttpError, OperationError } from '../errors.js';
import { decodeResponse, decodeResponseText } from './codec-decode.js';
import { responseEnvelope, returnsOf, testSchema } from './codec-test-schema.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The same RetrievePropertiesEx answer as real ESX writes it (xsi prefix, typed array items). */
const ESX = responseEnvelope(`<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>
  <objects><obj type="VirtualMachine">vm-1</obj>
    <propSet><name>name</name><val xsi:type="xsd:string">web &amp; db &lt;1&gt; é</val></propSet>
    <propSet><name>datastore</name><val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore" xsi:type="ManagedObjectReference">ds-1</ManagedObjectReference><ManagedObjectReference type="Datastore" xsi:type="ManagedObjectReference">ds-2</ManagedObjectReference></val></propSet>
    <propSet><name>numCpu</name><val xsi:type="xsd:int">4</val></propSet>
    <propSet><name>template</name><val xsi:type="xsd:boolean">false</val></propSet>
    <propSet><name>spec</name><val xsi:type="TraversalSpec"><name>t</name><type>Folder</type><path>childEntity</path><selectSet xsi:type="SelectionSpec"><name>t</name></selectSet></val></propSet>
  </objects>
  <objects><obj type="VirtualMachine">vm-2</obj></objects>
  <token>tok-1</token>
</returnval></RetrievePropertiesExResponse>`);

/** vcsim: `XMLSchema-instance` bound on each value, array items without xsi:type. */
const VCSIM_NS = `xmlns:XMLSchema-instance="${XSI}"`;
const VCSIM = responseEnvelope(
  `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects><obj type="VirtualMachine">vm-1</obj><propSet><name>name</name><val ${VCSIM_NS} XMLSchema-instance:type="xsd:string">web &amp; db &lt;1&gt; é</val></propSet><propSet><name>datastore</name><val ${VCSIM_NS} XMLSchema-instance:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">ds-1</ManagedObjectReference><ManagedObjectReference type="Datastore">ds-2</ManagedObjectReference></val></propSet><propSet><name>numCpu</name><val ${VCSIM_NS} XMLSchema-instance:type="xsd:int">4</val></propSet><propSet><name>template</name><val ${VCSIM_NS} XMLSchema-instance:type="xsd:boolean">false</val></propSet><propSet><name>spec</name><val ${VCSIM_NS} XMLSchema-instance:type="TraversalSpec"><name>t</name><type>Folder</type><path>childEntity</path><selectSet><name>t</name></selectSet></val></propSet></objects><objects><obj type="VirtualMachine">vm-2</obj></objects><token>tok-1</token></returnval></RetrievePropertiesExResponse>`,
);

const EXPECTED = {
  _type: 'RetrieveResult',
  objects: [
    {
      _type: 'ObjectContent',
      obj: { type: 'VirtualMachine', value: 'vm-1' },
      propSet: [
        { _type: 'DynamicProperty', name: 'name', val: 'web & db <1> é' },
        {
          _type: 'DynamicProperty',
          name: 'datastore',
          val: [
            { type: 'Datastore', value: 'ds-1' },
            { type: 'Datastore', value: 'ds-2' },
          ],
        },
        { _type: 'DynamicProperty', name: 'numCpu', val: 4 },
        { _type: 'DynamicProperty', name: 'template', val: false },
        {
          _type: 'DynamicProperty',
          name: 'spec',
          val: {
            _type: 'TraversalSpec',
            name: 't',
            type: 'Folder',
            path: 'childEntity',
            selectSet: [{ _type: 'SelectionSpec', name: 't' }],
          },
        },
      ],
    },
    { _type: 'ObjectContent', obj: { type: 'VirtualMachine', value: 'vm-2' } },
  ],
  token: 'tok-1',
};

test('ESX-style and vcsim-style responses decode identically', () => {
  const esx = decodeResponseText(testSchema, returnsOf('RetrievePropertiesEx'), ESX, { status: 200 });
  const vcsim = decodeResponseText(testSchema, returnsOf('RetrievePropertiesEx'), VCSIM, { status: 200 });
  assert.deepEqual(esx, EXPECTED);
  assert.deepEqual(vcsim, EXPECTED);
});

test('a response arriving in chunks (split inside tags and UTF-8 sequences) decodes the same', async () => {
  const bytes = Buffer.from(VCSIM, 'utf8');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
  assert.deepEqual(await decodeResponse(testSchema, returnsOf('RetrievePropertiesEx'), Readable.from(chunks), { status: 200 }), EXPECTED);
  async function* gen(): AsyncGenerator<Buffer> {
    yield* chunks;
  }
  assert.deepEqual(await decodeResponse(testSchema, returnsOf('RetrievePropertiesEx'), gen()), EXPECTED);
  assert.deepEqual(await decodeResponse(testSchema, returnsOf('RetrievePropertiesEx'), bytes), EXPECTED);
});

test('elements the schema does not declare are skipped, subtree and all', () => {
  const xml = responseEnvelope(`<EchoResponse xmlns="urn:vim25"><returnval>
    <name>n</name><futureMember><deep><deeper x="1">text<name>not me</name></deeper></deep></futureMember>
    <count>1</count><futureScalar>9</futureScalar>
    <any xsi:type="FutureType"><name>ignored</name></any>
  </returnval><returnval><name>second ignored: not a list return</name></returnval></EchoResponse>`);
  assert.deepEqual(decodeResponseText(testSchema, returnsOf('Echo'), xml), { _type: 'Item', name: 'n', count: 1, needed: [] });
});

test('an undeclared subtype decodes as its declared base type and keeps its wire name', () => {
  const xml = responseEnvelope(
    `<R xmlns="urn:vim25"><returnval><name>n</name><spec xsi:type="FancySelectionSpec"><name>s</name><fancy>1</fancy></spec></returnval></R>`,
  );
  assert.deepEqual(decodeResponseText(testSchema, returnsOf('Echo'), xml), {
    _type: 'Item',
    name: 'n',
    spec: { _type: 'FancySelectionSpec', name: 's' },
    needed: [],
  });
});

test('primitives: widths, booleans, special doubles, dates, base64, enums, nil, CDATA', () => {
  const xml = responseEnvelope(`<R xmlns="urn:vim25"><returnval xsi:type="SpecialItem">
    <name><![CDATA[a <raw> & name]]></name><count> -7 </count><big>9007199254740991</big><small>-32768</small><tiny>127</tiny>
    <ratio>-INF</ratio><flag>1</flag><when>2024-05-06T07:08:09.123456+02:00</when><blob>AAH+/w==</blob>
    <ref type="HostSystem">host-9</ref><tags>a</tags><tags></tags><state>suspended</state><extra xsi:nil="true"/>
    <needed>z</needed>
  </returnval></R>`);
  const v = decodeResponseText(testSchema, returnsOf('Echo'), xml) as Record<string, unknown>;
  assert.deepEqual(v, {
    _type: 'SpecialItem',
    name: 'a <raw> & name',
    count: -7,
    big: 9007199254740991,
    small: -32768,
    tiny: 127,
    ratio: -Infinity,
    flag: true,
    when: new Date('2024-05-06T05:08:09.123Z'),
    blob: Buffer.from([0, 1, 254, 255]),
    ref: { type: 'HostSystem', value: 'host-9' },
    tags: ['a', ''],
    state: 'suspended',
    needed: ['z'],
  });
  assert.ok(Buffer.isBuffer(v.blob));
});

test('anyType arrays: ArrayOfString, ArrayOfLong, ArrayOfAnyType with per-item types, ArrayOf objects', () => {
  const any = (inner: string): unknown =>
    decodeResponseText(
      testSchema,
      returnsOf('EchoAny'),
      responseEnvelope(`<R xmlns="urn:vim25" xmlns:vim="urn:vim25"><returnval ${inner}</returnval></R>`),
    );
  assert.deepEqual(any('xsi:type="ArrayOfString"><string>a</string><string>b</string>'), ['a', 'b']);
  assert.deepEqual(any('xsi:type="ArrayOfLong"><long>1</long><long>4294967296</long>'), [1, 4294967296]);
  assert.deepEqual(any('xsi:type="ArrayOfString">'), []);
  assert.deepEqual(
    any(
      'xsi:type="ArrayOfAnyType"><anyType xsi:type="xsd:int">1</anyType><anyType xsi:type="xsd:string">s</anyType><anyType xsi:type="ManagedObjectReference" type="Task">task-1</anyType>',
    ),
    [1, 's', { type: 'Task', value: 'task-1' }],
  );
  assert.deepEqual(
    any(
      'xsi:type="ArrayOfSelectionSpec"><SelectionSpec><name>x</name></SelectionSpec><SelectionSpec xsi:type="TraversalSpec"><type>T</type><path>p</path></SelectionSpec>',
    ),
    [
      { _type: 'SelectionSpec', name: 'x' },
      { _type: 'TraversalSpec', type: 'T', path: 'p' },
    ],
  );
  // The type QName resolves by namespace URI: another prefix for urn:vim25, or the default namespace.
  assert.deepEqual(any('xsi:type="vim:PowerState">poweredOn'), 'poweredOn');
  assert.deepEqual(any('xsi:type="SelectionSpec"><name>d</name>'), { _type: 'SelectionSpec', name: 'd' });
  assert.deepEqual(any('xsi:type="xsd:unsignedLong">18'), 18);
  assert.equal(any('xsi:type="ArrayOfFutureThing"><FutureThing/>'), undefined);
  assert.equal(any('>plain text without xsi:type'), 'plain text without xsi:type');
});

test('list and void returns; required return missing is an error', () => {
  const findAll = (inner: string): unknown =>
    decodeResponseText(testSchema, returnsOf('FindAll'), responseEnvelope(`<FindAllResponse xmlns="urn:vim25">${inner}</FindAllResponse>`));
  assert.deepEqual(findAll(''), []);
  assert.deepEqual(findAll('<returnval type="VirtualMachine">vm-1</returnval><returnval type="VirtualMachine">vm-2</returnval>'), [
    { type: 'VirtualMachine', value: 'vm-1' },
    { type: 'VirtualMachine', value: 'vm-2' },
  ]);
  assert.equal(decodeResponseText(testSchema, undefined, responseEnvelope('<LogoutResponse xmlns="urn:vim25"/>')), undefined);
  assert.equal(decodeResponseText(testSchema, returnsOf('Echo'), responseEnvelope('<EchoResponse xmlns="urn:vim25"/>')), undefined);
  const t = decodeResponseText(
    testSchema,
    returnsOf('CurrentTime'),
    responseEnvelope('<CurrentTimeResponse xmlns="urn:vim25"><returnval>2024-01-01T00:00:00Z</returnval></CurrentTimeResponse>'),
  );
  assert.deepEqual(t, new Date(Date.UTC(2024, 0, 1)));
  assert.throws(
    () =>
      decodeResponseText(testSchema, returnsOf('CurrentTime'), responseEnvelope('<CurrentTimeResponse xmlns="urn:vim25"/>'), {
        method: 'CurrentTime',
      }),
    (e: unknown) => e instanceof OperationError && /to CurrentTime: the required return value is missing/.test(e.message),
  );
});

test('malformed values and non-SOAP bodies', () => {
  const bad = responseEnvelope('<R xmlns="urn:vim25"><returnval><name>n</name><count>12abc</count></returnval></R>');
  assert.throws(
    () => decodeResponseText(testSchema, returnsOf('Echo'), bad),
    (e: unknown) => e instanceof OperationError && /count is not a valid int: '12abc'/.test(e.message),
  );
  assert.throws(
    () => decodeResponseText(testSchema, returnsOf('Echo'), '<html><body>Service Unavailable</body></html>', { status: 200 }),
    (e: unknown) => e instanceof OperationError && /not a SOAP envelope/.test(e.message),
  );
  assert.throws(
    () => decodeResponseText(testSchema, returnsOf('Echo'), responseEnvelope('<R><returnval>'), { status: 200 }),
    (e: unknown) => e instanceof OperationError && /invalid XML/.test(e.message),
  );
  assert.throws(() => decodeResponseText(testSchema, returnsOf('Echo'), '', { status: 200 }), OperationError);
});

test('HTTP error status without a SOAP fault becomes HttpError with an excerpt', async () => {
  const html = '<html>\n<head><title>503 Service Unavailable</title></head><body>down</body></html>';
  await assert.rejects(decodeResponse(testSchema, returnsOf('Echo'), html, { status: 503, method: 'Echo' }), (e: unknown) => {
    return (
      e instanceof HttpError &&
      e.status === 503 &&
      e.message === 'HTTP 503 to Echo: <html> <head><title>503 Service Unavailable</title></head><body>down</body></html>'
    );
  });
  await assert.rejects(
    decodeResponse(testSchema, returnsOf('Echo'), 'not xml at all', { status: 500 }),
    (e: unknown) => e instanceof HttpError && e.status === 500,
  );
  await assert.rejects(
    decodeResponse(testSchema, returnsOf('Echo'), Readable.from([]), { status: 502 }),
    (e: unknown) => e instanceof HttpError && /empty body/.test(e.message),
  );
  const soapButError = responseEnvelope('<EchoResponse xmlns="urn:vim25"><returnval><name>n</name></returnval></EchoResponse>');
  await assert.rejects(decodeResponse(testSchema, returnsOf('Echo'), soapButError, { status: 500 }), HttpError);
});

// ReturnSpec.each and ReturnSpec.after: members handed over as decoded (a listing of any size held one object at a
// time), callbacks' exceptions passed through unchanged, and a response read only after another call settled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { decodeResponse } from './codec-decode.js';
import { responseEnvelope, returnsOf, testSchema } from './codec-test-schema.js';
import type { ReturnSpec } from './schema-types.js';

const page = (token: string, from: number, n: number): string =>
  responseEnvelope(
    `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${token ? `<token>${token}</token>` : ''}${Array.from(
      { length: n },
      (_, i) =>
        `<objects><obj type="VirtualMachine">vm-${from + i}</obj><propSet><name>name</name><val xsi:type="xsd:string">a rather long name #${from + i}</val></propSet></objects>`,
    ).join('')}</returnval></RetrievePropertiesExResponse>`,
  );

const chunked = (xml: string, size = 777): Readable => {
  const bytes = Buffer.from(xml);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
};

const streaming = (each: ReturnSpec['each'], after?: Promise<unknown>): ReturnSpec => ({
  ...(returnsOf('RetrievePropertiesEx') as ReturnSpec),
  each,
  ...(after !== undefined ? { after } : {}),
});

test('each: members are handed over as decoded, in order, and left out of the result (a required list is [])', async () => {
  const seen: string[] = [];
  const result = (await decodeResponse(
    testSchema,
    streaming({
      token: (t) => seen.push(`token ${String(t)}`),
      objects: (oc) => seen.push((oc as { obj: { value: string } }).obj.value),
    }),
    chunked(page('t-1', 0, 300)),
    { status: 200 },
  )) as Record<string, unknown>;
  assert.deepEqual(seen, ['token t-1', ...Array.from({ length: 300 }, (_, i) => `vm-${i}`)]);
  assert.deepEqual(result, { _type: 'RetrieveResult', objects: [] });
});

test('each: the handed-over values are complete decoded objects', async () => {
  const got: unknown[] = [];
  await decodeResponse(testSchema, streaming({ objects: (oc) => got.push(oc) }), page('', 7, 1), { status: 200 });
  assert.deepEqual(got, [
    {
      _type: 'ObjectContent',
      obj: { type: 'VirtualMachine', value: 'vm-7' },
      propSet: [{ _type: 'DynamicProperty', name: 'name', val: 'a rather long name #7' }],
    },
  ]);
});

test("each: a callback's exception ends the decode and reaches the caller unchanged", async () => {
  class Mine extends Error {}
  const body = chunked(page('', 0, 50));
  let n = 0;
  await assert.rejects(
    decodeResponse(
      testSchema,
      streaming({
        objects: () => {
          if (++n === 3) throw new Mine('stop here');
        },
      }),
      body,
      { status: 200 },
    ),
    (e) => e instanceof Mine && e.message === 'stop here',
  );
  assert.equal(n, 3);
});

test('each: a fault is still a fault, and nothing is handed over', async () => {
  const fault = responseEnvelope(
    '<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>nope</faultstring><detail><InvalidArgumentFault xmlns="urn:vim25" xsi:type="InvalidArgument"><invalidProperty>token</invalidProperty></InvalidArgumentFault></detail></soapenv:Fault>',
  );
  let calls = 0;
  await assert.rejects(decodeResponse(testSchema, streaming({ objects: () => calls++ }), fault, { status: 500 }), /nope/);
  assert.equal(calls, 0);
});

test('after: the body is read only once the earlier call settled (even when it failed)', async () => {
  const order: string[] = [];
  let release!: (v: unknown) => void;
  const earlier = new Promise((resolve) => (release = resolve));
  const second = decodeResponse(testSchema, streaming({ objects: () => order.push('second') }, earlier), chunked(page('', 0, 2)), {
    status: 200,
  });
  await new Promise((r) => setTimeout(r, 20));
  order.push('first');
  release(undefined);
  await second;
  assert.deepEqual(order, ['first', 'second', 'second']);

  const failed = Promise.reject(new Error('earlier call failed'));
  failed.catch(() => undefined);
  let n = 0;
  await decodeResponse(testSchema, streaming({ objects: () => n++ }, failed), chunked(page('', 0, 2)), { status: 200 });
  assert.equal(n, 2);
});

test('decoded strings are equal to the text whatever the chunking (long values are copied out of the chunk)', async () => {
  for (const size of [1, 13, 64, 4096]) {
    const names: string[] = [];
    await decodeResponse(
      testSchema,
      streaming({ objects: (oc) => names.push((oc as { propSet: { val: string }[] }).propSet[0]?.val ?? '') }),
      chunked(page('', 0, 20), size),
      { status: 200 },
    );
    assert.deepEqual(
      names,
      Array.from({ length: 20 }, (_, i) => `a rather long name #${i}`),
    );
  }
});

test('a response larger than the read slices decodes the same whatever the chunking (raw > and UTF-8 in values)', async () => {
  const n = 3000;
  const xml = responseEnvelope(
    `<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${Array.from(
      { length: n },
      (_, i) =>
        `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>name</name><val xsi:type="xsd:string">é > ü &amp; ${'x'.repeat(i % 97)} #${i}</val></propSet></objects>`,
    ).join('')}</returnval></RetrievePropertiesExResponse>`,
  );
  assert.ok(Buffer.byteLength(xml) > 4 * 65536);
  for (const size of [997, 16384, 65536, 200_000]) {
    const names: string[] = [];
    await decodeResponse(
      testSchema,
      streaming({ objects: (oc) => names.push((oc as { propSet: { val: string }[] }).propSet[0]?.val ?? '') }),
      chunked(xml, size),
      { status: 200 },
    );
    assert.equal(names.length, n);
    assert.ok(
      names.every((v, i) => v === `é > ü & ${'x'.repeat(i % 97)} #${i}`),
      `chunks of ${size}`,
    );
  }
});

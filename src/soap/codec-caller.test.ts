import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultError } from '../errors.js';
import { createSoapCaller, type SoapRequest } from './codec-caller.js';
import { responseEnvelope, returnsOf, testSchema, testThis } from './codec-test-schema.js';

test('invoke encodes, posts and decodes; the Echo method makes the request its own answer', async () => {
  const seen: SoapRequest[] = [];
  const caller = createSoapCaller(testSchema, async (req) => {
    seen.push(req);
    return { status: 200, body: Buffer.from(req.body) };
  });
  const value = { name: 'a<b', tags: ['x'], needed: [] };
  assert.deepEqual(await caller.invoke('Echo', testThis, { returnval: value }, returnsOf('Echo')), { _type: 'Item', ...value });
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.method, 'Echo');
  assert.match(
    seen[0]?.body ?? '',
    /<Echo xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance<\/_this><returnval><name>a&lt;b<\/name>/,
  );
});

test('invoke turns a fault answer into FaultError with the HTTP status', async () => {
  const caller = createSoapCaller(testSchema, async () => ({
    status: 500,
    body: responseEnvelope(
      '<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>nope</faultstring><detail><InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"/></detail></soapenv:Fault>',
    ),
  }));
  await assert.rejects(
    caller.invoke('Logout', testThis, {}, undefined),
    (e: unknown) => e instanceof FaultError && e.faultType === 'InvalidLogin' && e.status === 500,
  );
});

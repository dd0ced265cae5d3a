import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultError } from '../errors.js';
import { decodeResponse } from './codec-decode.js';
import { responseEnvelope, returnsOf, testSchema } from './codec-test-schema.js';
import { faultTypeOf } from './fault.js';

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

function fault(code: string, message: string, detail?: string): string {
  return responseEnvelope(
    `<soapenv:Fault><faultcode>${code}</faultcode><faultstring>${message}</faultstring>${detail === undefined ? '' : `<detail>${detail}</detail>`}</soapenv:Fault>`,
  );
}

async function faultOf(xml: string, status = 500): Promise<FaultError> {
  try {
    await decodeResponse(testSchema, returnsOf('Echo'), xml, { status, method: 'Echo' });
  } catch (e) {
    if (e instanceof FaultError) return e;
    throw e;
  }
  assert.fail('expected a FaultError');
}

test('InvalidLogin as ESX sends it', async () => {
  const e = await faultOf(
    fault(
      'ServerFaultCode',
      'Cannot complete login due to an incorrect user name or password.',
      '<InvalidLoginFault xmlns="urn:vim25" xsi:type="InvalidLogin"></InvalidLoginFault>',
    ),
  );
  assert.equal(e.faultType, 'InvalidLogin');
  assert.equal(e.faultString, 'Cannot complete login due to an incorrect user name or password.');
  assert.equal(e.status, 500);
  assert.equal(e.code, 'Fault');
  assert.deepEqual(e.detail, { _type: 'InvalidLogin' });
  assert.equal(e.message, 'InvalidLogin: Cannot complete login due to an incorrect user name or password.');
});

test('NotAuthenticated as vcsim sends it (empty faultstring, object and privilege)', async () => {
  const e = await faultOf(
    fault(
      'ServerFaultCode',
      '',
      `<NotAuthenticatedFault xmlns="urn:vim25" xmlns:XMLSchema-instance="${XSI}" XMLSchema-instance:type="NotAuthenticated"><object type="SessionManager">ha-sessionmgr</object><privilegeId>System.View</privilegeId></NotAuthenticatedFault>`,
    ),
  );
  assert.equal(e.faultType, 'NotAuthenticated');
  assert.equal(e.faultString, '');
  assert.deepEqual(e.detail, {
    _type: 'NotAuthenticated',
    object: { type: 'SessionManager', value: 'ha-sessionmgr' },
    privilegeId: 'System.View',
  });
  assert.equal(e.message, 'NotAuthenticated: no message');
});

test('ManagedObjectNotFound carries the missing object', async () => {
  const e = await faultOf(
    fault(
      'ServerFaultCode',
      'The object has already been deleted or has not been completely created',
      '<ManagedObjectNotFoundFault xmlns="urn:vim25" xsi:type="ManagedObjectNotFound"><obj type="VirtualMachine">vm-77</obj></ManagedObjectNotFoundFault>',
    ),
  );
  assert.equal(e.faultType, 'ManagedObjectNotFound');
  assert.deepEqual(e.detail, { _type: 'ManagedObjectNotFound', obj: { type: 'VirtualMachine', value: 'vm-77' } });
});

test('InvalidPowerState with states; detail type from the element name when xsi:type is missing', async () => {
  const e = await faultOf(
    fault(
      'ServerFaultCode',
      'The attempted operation cannot be performed in the current state (Powered on).',
      '<InvalidPowerStateFault xmlns="urn:vim25"><requestedState>poweredOff</requestedState><existingState>poweredOn</existingState></InvalidPowerStateFault>',
    ),
  );
  assert.equal(e.faultType, 'InvalidPowerState');
  assert.deepEqual(e.detail, { _type: 'InvalidPowerState', requestedState: 'poweredOff', existingState: 'poweredOn' });
});

test('a fault type the schema does not declare keeps its name; content is skipped', async () => {
  const e = await faultOf(
    fault(
      'ServerFaultCode',
      'ServiceInstance:ServiceInstance does not implement: AnswerVM',
      '<MethodNotFoundFault xmlns="urn:vim25" xsi:type="MethodNotFound"><receiver type="VirtualMachine">vm-1</receiver><method>AnswerVM</method></MethodNotFoundFault>',
    ),
  );
  assert.equal(e.faultType, 'MethodNotFound');
  assert.deepEqual(e.detail, { _type: 'MethodNotFound' });
  assert.match(e.message, /does not implement: AnswerVM/);
});

test('a fault without detail takes its type from faultcode', async () => {
  const e = await faultOf(fault('soapenv:Client', 'Unable to parse request &lt;x&gt;'));
  assert.equal(e.faultType, 'Client');
  assert.equal(e.faultString, 'Unable to parse request <x>');
  assert.equal(e.detail, undefined);
  const empty = await faultOf(fault('', 'odd'), 200);
  assert.equal(empty.faultType, 'SoapFault');
  assert.equal(empty.status, 200);
});

test('faultTypeOf prefers xsi:type and strips the Fault suffix otherwise', () => {
  assert.equal(faultTypeOf('InvalidLoginFault', 'InvalidLogin'), 'InvalidLogin');
  assert.equal(faultTypeOf('FileNotFoundFault', undefined), 'FileNotFound');
  assert.equal(faultTypeOf('Fault', undefined), 'Fault');
  assert.equal(faultTypeOf('SystemError', undefined), 'SystemError');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthError,
  FaultError,
  InvalidArgumentError,
  InvalidStateError,
  NotFoundError,
  OperationError,
  UnsupportedError,
} from '../errors.js';
import { faultChain, findFault, isVimFault, mapCallError, mapFault, taskFaultError, vimFaultType } from './faults.js';

test('faults map to the error class their type (or nearest declared base type) denotes', () => {
  const cases: [string, unknown][] = [
    ['NotAuthenticated', AuthError],
    ['InvalidLogin', AuthError],
    ['ManagedObjectNotFound', NotFoundError],
    ['FileNotFound', NotFoundError],
    ['InvalidPowerState', InvalidStateError],
    ['TaskInProgress', InvalidStateError],
    ['InvalidState', InvalidStateError],
    ['NotSupported', UnsupportedError],
    ['NotImplemented', UnsupportedError],
    ['InvalidArgument', InvalidArgumentError],
    ['RequestCanceled', OperationError],
  ];
  for (const [type, cls] of cases) {
    const err = mapFault(new FaultError(type, 'msg'), 'PowerOnVM_Task');
    assert.ok(err instanceof (cls as new () => Error), `${type} → ${err.name}`);
    assert.equal(vimFaultType(err), type, 'fault type kept via cause');
    assert.match(err.message, new RegExp(`^PowerOnVM_Task: ${type}: msg$`));
  }
});

test('undeclared and unlisted faults stay FaultErrors; declared subtypes inherit', () => {
  const dup = new FaultError('DuplicateName', 'The name exists');
  assert.equal(mapFault(dup, 'x'), dup);
  // FileLocked is declared with base FileFault, which is not listed: stays a FaultError.
  assert.ok(mapFault(new FaultError('FileLocked', 'locked'), 'x') instanceof FaultError);
  assert.deepEqual(faultChain('InvalidPowerState'), ['InvalidPowerState', 'InvalidState', 'VimFault', 'MethodFault']);
  assert.deepEqual(faultChain('SomethingNew'), ['SomethingNew']);
  assert.ok(isVimFault(new FaultError('InvalidPowerState', ''), 'InvalidState'));
  assert.ok(!isVimFault(new FaultError('InvalidState', ''), 'InvalidPowerState'));
  assert.ok(!isVimFault(new Error('plain'), 'InvalidState'));
});

test('faults whose text says nothing (empty, a Go type name as vcsim sends) get words from their type and detail', () => {
  const cases: [FaultError, RegExp][] = [
    [
      new FaultError('NotFound', '*types.NotFound'),
      /^RegisterVM_Task: something the operation needs was not found on the server \(NotFound\)$/,
    ],
    [
      new FaultError('FileNotFound', '', { detail: { _type: 'FileNotFound', file: '[ds] a/b.vmx' } }),
      /^RegisterVM_Task: file '\[ds\] a\/b\.vmx' not found \(FileNotFound\)$/,
    ],
    [
      new FaultError('InvalidPowerState', 'InvalidPowerState', { detail: { existingState: 'poweredOff', requestedState: 'poweredOn' } }),
      /: the VM is poweredOff; the operation needs it poweredOn \(InvalidPowerState\)$/,
    ],
    [
      new FaultError('DuplicateName', '*types.DuplicateName', { detail: { name: 'web' } }),
      /^RegisterVM_Task: the name 'web' is already taken \(DuplicateName\)$/,
    ],
    [new FaultError('SomethingNew', ''), /^RegisterVM_Task: the server refused it without saying why \(SomethingNew\)$/],
  ];
  for (const [fault, re] of cases) {
    const err = mapFault(fault, 'RegisterVM_Task');
    assert.match(err.message, re);
    assert.equal(findFault(err), fault, 'the fault stays reachable');
  }
  // a fault with words of its own keeps them
  assert.match(
    mapFault(new FaultError('NotFound', 'The object has been deleted'), 'x').message,
    /^x: NotFound: The object has been deleted$/,
  );
});

test("vcsim's 'does not implement' server fault becomes UnsupportedError", () => {
  const err = mapFault(new FaultError('ServerFaultCode', 'VirtualMachine:vm-1 does not implement: MigrateVM_Task'), 'MigrateVM_Task');
  assert.ok(err instanceof UnsupportedError);
});

test('mapCallError passes non-fault errors through and findFault looks through causes', () => {
  const plain = new Error('x');
  assert.equal(mapCallError(plain, 'm'), plain);
  const f = new FaultError('InvalidState', 'busy');
  const wrapped = new OperationError('outer', { cause: new InvalidStateError('mid', { cause: f }) });
  assert.equal(findFault(wrapped), f);
  assert.equal(vimFaultType(wrapped), 'InvalidState');
  assert.equal(vimFaultType(plain), undefined);
});

test('taskFaultError uses the fault type and localized message of TaskInfo.error', () => {
  const err = taskFaultError(
    {
      _type: 'LocalizedMethodFault',
      fault: { _type: 'InvalidPowerState', existingState: 'poweredOff' } as never,
      localizedMessage: 'The attempted operation cannot be performed in the current state (Powered off).',
    },
    "PowerOffVM_Task on VM 'web'",
  );
  assert.ok(err instanceof InvalidStateError);
  assert.equal(vimFaultType(err), 'InvalidPowerState');
  assert.match(err.message, /^PowerOffVM_Task on VM 'web': InvalidPowerState: The attempted operation/);
  const unknown = taskFaultError(undefined, 'task');
  assert.equal(vimFaultType(unknown), 'MethodFault');
  assert.equal(unknown.message, 'task: the server refused it without saying why (MethodFault)');
});

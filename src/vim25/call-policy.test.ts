import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError, FaultError, HttpError } from '../errors.js';
import { isIdempotentMethod, isRetryableError } from './call-policy.js';
import { IDEMPOTENT_METHODS, TASK_METHODS } from './generated/flags.js';
import { vim25Schema } from './generated/schema.js';

test('reads are idempotent; tasks and state-changing calls are not', () => {
  for (const m of ['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'WaitForUpdatesEx', 'FindByUuid', 'Login', 'CurrentTime']) {
    assert.ok(isIdempotentMethod(m), m);
  }
  for (const m of [
    'PowerOnVM_Task',
    'ReconfigVM_Task',
    'DeleteDatastoreFile_Task',
    'AnswerVM',
    'CancelTask',
    'MakeDirectory',
    'UnregisterVM',
    'ShutdownGuest',
    'Logout',
    'SomethingNew',
  ]) {
    assert.ok(!isIdempotentMethod(m), m);
  }
});

test('the declared idempotent set is the one the retry policy always had; tasks are exactly the *_Task methods', () => {
  assert.deepEqual([...IDEMPOTENT_METHODS].sort(), [
    'CancelRetrievePropertiesEx',
    'CancelWaitForUpdates',
    'ContinueRetrievePropertiesEx',
    'CreateContainerView',
    'CreateFilter',
    'CreatePropertyCollector',
    'CurrentTime',
    'DestroyPropertyCollector',
    'DestroyPropertyFilter',
    'DestroyView',
    'FindAllByUuid',
    'FindByDatastorePath',
    'FindByDnsName',
    'FindByInventoryPath',
    'FindByIp',
    'FindByUuid',
    'FindChild',
    'Login',
    // reads added for migration: host lookups, vMotion compatibility, DRS's ranking
    'QueryVMotionCompatibility',
    'RecommendHostsForVm',
    'QueryVirtualDiskUuid',
    'RefreshDatastore',
    'RetrieveProperties',
    'RetrievePropertiesEx',
    'RetrieveServiceContent',
    'SessionIsActive',
    'WaitForUpdatesEx',
  ]);
  const declared = Object.keys(vim25Schema.methods);
  assert.deepEqual([...TASK_METHODS].sort(), declared.filter((m) => m.endsWith('_Task')).sort());
  for (const m of declared) assert.equal(isIdempotentMethod(m), IDEMPOTENT_METHODS.has(m), m);
});

test('retryable: transient connection errors and 502/503/504, not faults or other statuses', () => {
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  assert.ok(isRetryableError(new ConnectionError('closed', { cause: reset })));
  assert.ok(isRetryableError(new HttpError(503, 'busy')));
  assert.ok(!isRetryableError(new HttpError(500, 'err')));
  assert.ok(!isRetryableError(new FaultError('InvalidState', 'x')));
  assert.ok(!isRetryableError(new ConnectionError('cannot resolve', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) })));
});

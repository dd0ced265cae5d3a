import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionError, FaultError, HttpError } from '../errors.js';
import { isIdempotentMethod, isRetryableError } from './call-policy.js';

test('reads are idempotent; tasks and state-changing calls are not', () => {
  for (const m of ['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'WaitForUpdatesEx', 'FindByUuid', 'Login', 'CurrentTime']) {
    assert.ok(isIdempotentMethod(m), m);
  }
  for (const m of ['PowerOnVM_Task', 'ReconfigVM_Task', 'DeleteDatastoreFile_Task', 'AnswerVM', 'CancelTask', 'MakeDirectory', 'UnregisterVM', 'ShutdownGuest', 'Logout', 'SomethingNew']) {
    assert.ok(!isIdempotentMethod(m), m);
  }
});

test('retryable: transient connection errors and 502/503/504, not faults or other statuses', () => {
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  assert.ok(isRetryableError(new ConnectionError('closed', { cause: reset })));
  assert.ok(isRetryableError(new HttpError(503, 'busy')));
  assert.ok(!isRetryableError(new HttpError(500, 'err')));
  assert.ok(!isRetryableError(new FaultError('InvalidState', 'x')));
  assert.ok(!isRetryableError(new ConnectionError('cannot resolve', { cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }) })));
});

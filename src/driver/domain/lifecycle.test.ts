import assert from 'node:assert/strict';
import test from 'node:test';
import type { DomainState } from './ref.js';
import { STATE_RULES, type LifecycleOp } from './lifecycle.js';

const STATES: DomainState[] = ['running', 'paused', 'shut off', 'no state'];

test('each power operation accepts the states ESX accepts and words the others as libvirt does', () => {
  const expected: Record<LifecycleOp, (string | undefined)[]> = {
    start: ['domain is already running', "domain is suspended: use 'resume' to power it on again", undefined, undefined],
    shutdown: [undefined, 'domain is not running', 'domain is not running', undefined],
    reboot: [undefined, 'domain is not running', 'domain is not running', undefined],
    reset: [undefined, 'domain is not running', 'domain is not running', undefined],
    destroy: [undefined, undefined, 'domain is not running', undefined],
    suspend: [undefined, 'domain is already suspended', 'domain is not running', undefined],
    resume: ['domain is not suspended', undefined, 'domain is not running', undefined],
  };
  for (const op of Object.keys(expected) as LifecycleOp[]) {
    assert.deepEqual(
      STATES.map((s) => STATE_RULES[op](s)),
      expected[op],
      op,
    );
  }
});

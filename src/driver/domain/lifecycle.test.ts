import assert from 'node:assert/strict';
import test from 'node:test';
import type { DomainState } from './ref.js';
import { STATE_RULES, type LifecycleOp } from './lifecycle.js';

const STATES: DomainState[] = ['running', 'paused', 'shut off', 'no state'];

test('each power operation accepts the states ESX accepts and words the others as libvirt does', () => {
  const expected: Record<LifecycleOp, (string | undefined)[]> = {
    start: ['Domain is already active', 'Domain is already active', undefined, undefined],
    shutdown: [undefined, 'Domain is not powered on', 'Domain is not powered on', undefined],
    reboot: [undefined, 'Domain is not powered on', 'Domain is not powered on', undefined],
    reset: [undefined, 'Domain is not powered on', 'Domain is not powered on', undefined],
    destroy: [undefined, undefined, 'Domain is not powered on', undefined],
    suspend: [undefined, 'Domain is not powered on', 'Domain is not powered on', undefined],
    resume: ['Domain is not suspended', undefined, 'Domain is not suspended', undefined],
  };

  for (const op of Object.keys(expected) as LifecycleOp[]) {
    assert.deepEqual(
      STATES.map((s) => STATE_RULES[op](s)),
      expected[op],
      op,
    );
  }
});

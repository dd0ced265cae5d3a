import assert from 'node:assert/strict';
import test from 'node:test';
import { InvalidArgumentError } from '../../errors.js';
import { parseSchedulerAssignments, schedulerParamsOf, sharesInfoOf, sharesValue, validateSchedulerParams } from './sched.js';

test('shares: levels low/normal/high are -1/-2/-3, custom is the number, and back', () => {
  assert.equal(sharesValue({ shares: 500, level: 'low' }), -1);
  assert.equal(sharesValue({ shares: 1000, level: 'normal' }), -2);
  assert.equal(sharesValue({ shares: 2000, level: 'high' }), -3);
  assert.equal(sharesValue({ shares: 1234, level: 'custom' }), 1234);
  assert.equal(sharesValue(undefined), -2);
  for (const v of [-1, -2, -3, 0, 1, 1234, 2 ** 31 - 1]) assert.equal(sharesValue(sharesInfoOf(v)), v);
  assert.deepEqual(sharesInfoOf(-3), { shares: 0, level: 'high' });
  assert.deepEqual(sharesInfoOf(77), { shares: 77, level: 'custom' });
});

test('schedulerParamsOf: config.cpuAllocation, with ESX defaults for unset fields', () => {
  assert.deepEqual(schedulerParamsOf({ reservation: 100, limit: 400, shares: { shares: 4000, level: 'custom' } }), {
    reservation: 100,
    limit: 400,
    shares: 4000,
  });
  assert.deepEqual(schedulerParamsOf(undefined), { reservation: 0, limit: -1, shares: -2 });
});

test("validateSchedulerParams: the rules of libvirt's ESX driver page", () => {
  for (const ok of [
    { reservation: 0, limit: -1, shares: -1 },
    { reservation: 100, limit: 100, shares: 0 },
    { reservation: 100, limit: -1, shares: -3 },
    { reservation: 0, limit: 0, shares: 5000 },
  ])
    validateSchedulerParams(ok);
  const bad: [object, RegExp][] = [
    [{ reservation: -1, limit: -1, shares: -2 }, /reservation=-1: must be 0 or greater/],
    [{ reservation: 200, limit: 100, shares: -2 }, /limit=100: must be -1 \(unlimited\) or at least the reservation \(200\)/],
    [{ reservation: 0, limit: -2, shares: -2 }, /limit=-2/],
    [{ reservation: 0, limit: -1, shares: -4 }, /shares=-4: must be 0 or greater, or -1, -2, -3/],
    [{ reservation: 0, limit: -1, shares: 2 ** 31 }, /shares=2147483648/],
  ];
  for (const [p, re] of bad)
    assert.throws(
      () => validateSchedulerParams(p as never),
      (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message),
    );
});

test('parseSchedulerAssignments: field=value words, unknown fields and non-integers refused', () => {
  assert.deepEqual(parseSchedulerAssignments(['reservation=50', 'limit=-1', 'shares=+7']), { reservation: 50, limit: -1, shares: 7 });
  assert.deepEqual(parseSchedulerAssignments([]), {});
  assert.throws(
    () => parseSchedulerAssignments(['weight=3']),
    /invalid scheduler parameter 'weight': expecting one of reservation, limit, shares/,
  );
  assert.throws(() => parseSchedulerAssignments(['limit']), /invalid value '' for scheduler parameter limit/);
  assert.throws(() => parseSchedulerAssignments(['limit=1.5']), InvalidArgumentError);
  assert.throws(() => parseSchedulerAssignments(['shares=high']), InvalidArgumentError);
});

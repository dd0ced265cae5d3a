import assert from 'node:assert/strict';
import test from 'node:test';
import { parseCommandLine } from '../../args.js';
import { UsageError } from '../../exit-codes.js';
import { COMMANDS } from '../registry.js';
import { formatSchedInfo } from './tuning.js';

const command = (name: string) => {
  const c = COMMANDS.get(name);
  assert.ok(c, name);
  return c;
};

test('schedinfo layout: "%-15s: %s"', () => {
  assert.equal(
    formatSchedInfo({ reservation: 0, limit: -1, shares: -2 }),
    'Scheduler      : allocation\nreservation    : 0\nlimit          : -1\nshares         : -2\n',
  );
});

test("schedinfo --set is virsh's argv: --set values, then the trailing field=value words; option values stay theirs", () => {
  const schedinfo = command('schedinfo');
  assert.deepEqual(parseCommandLine(schedinfo, ['vm', 'limit=5', '--set', 'shares=3', '--live', 'reservation=1']).values, {
    domain: 'vm',
    config: false,
    live: true,
    current: false,
    set: ['shares=3', 'limit=5', 'reservation=1'],
  });
  assert.deepEqual(parseCommandLine(schedinfo, ['--domain', 'a=b', 'limit=1']).values.set, ['limit=1']);
  assert.equal(parseCommandLine(schedinfo, ['--domain', 'a=b', 'limit=1']).values.domain, 'a=b');
});

test('--current excludes --live and --config', () => {
  const setmem = command('setmem');
  const v = parseCommandLine(setmem, ['d', '1M', '--live', '--config']).values;
  assert.deepEqual([v.live, v.config, v.current, v.size], [true, true, false, 1024]);
  assert.equal(parseCommandLine(setmem, ['d', '1', '--current']).values.current, true);
  assert.throws(
    () => parseCommandLine(setmem, ['d', '1', '--current', '--config']),
    (e: unknown) => e instanceof UsageError && e.message === 'Options --current and --config are mutually exclusive',
  );
});

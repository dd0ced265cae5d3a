import assert from 'node:assert/strict';
import test from 'node:test';
import { parseArgs } from '../../args.js';
import { UsageError } from '../../exit-codes.js';
import { formatSchedInfo, modifyFlagsOf, splitAssignments } from './tuning.js';

test('schedinfo layout: "%-15s: %s"', () => {
  assert.equal(formatSchedInfo({ reservation: 0, limit: -1, shares: -2 }), 'Scheduler      : allocation\nreservation    : 0\nlimit          : -1\nshares         : -2\n');
});

test('splitAssignments: trailing field=value words, not option values', () => {
  assert.deepEqual(splitAssignments(['vm', 'limit=5', '--set', 'shares=3', '--live', 'reservation=1'], ['set', 'domain']), {
    rest: ['vm', '--set', 'shares=3', '--live'],
    assignments: ['limit=5', 'reservation=1'],
  });
  assert.deepEqual(splitAssignments(['--domain', 'a=b', 'limit=1'], ['set', 'domain']), { rest: ['--domain', 'a=b'], assignments: ['limit=1'] });
});

test('--current excludes --live and --config', () => {
  const spec = { name: 'setmem', positionals: ['domain'], flags: ['live', 'config', 'current'] };
  assert.deepEqual(modifyFlagsOf(parseArgs(spec, ['d', '--live', '--config'])), { live: true, config: true });
  assert.deepEqual(modifyFlagsOf(parseArgs(spec, ['d', '--current'])), { live: false, config: false });
  assert.throws(() => modifyFlagsOf(parseArgs(spec, ['d', '--current', '--config'])), (e: unknown) => e instanceof UsageError && e.message === 'Options --current and --config are mutually exclusive');
});

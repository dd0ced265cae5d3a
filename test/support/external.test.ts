// A missing external thing skips a test on a developer's machine and fails it in CI.
import assert from 'node:assert/strict';
import test from 'node:test';
import { existing, external, inCi, runnable } from './external.js';

test('CI is on when the variable is set to anything but empty, 0 or false', () => {
  assert.deepEqual(
    ['1', 'true', 'yes', ''].map((CI) => inCi({ CI })),
    [true, true, true, false],
  );
  assert.deepEqual(
    [{}, { CI: '0' }, { CI: 'false' }, { CI: 'FALSE' }].map((env) => inCi(env)),
    [false, false, false, false],
  );
});

test('outside CI a missing thing skips the test, saying what is missing and how to get it', () => {
  const e = external('the oracle', () => existing('/nonexistent/oracle'), 'build it', {});
  assert.deepEqual(e.options, { skip: 'the oracle is missing (build it)' });
  assert.throws(() => e.value(), /the oracle is missing/);
});

test('in CI a missing thing runs the test, which fails naming it', () => {
  const e = external('virsh', () => runnable('/nonexistent/virsh'), 'apt-get install libvirt-clients', { CI: '1' });
  assert.deepEqual(e.options, {});
  assert.throws(() => e.value(), /^Error: CI is set, so tests must not skip: virsh is missing \(apt-get install libvirt-clients\)$/);
});

test('a thing that is there is handed over; a lookup that throws counts as missing', () => {
  const e = external('node', () => runnable(process.execPath), 'install node', { CI: '1' });
  assert.deepEqual(e.options, {});
  assert.equal(e.value(), process.execPath);
  assert.throws(
    () =>
      external(
        'x',
        () => {
          throw new Error('boom');
        },
        'h',
        { CI: 'true' },
      ).value(),
    /CI is set.*x is missing/,
  );
});

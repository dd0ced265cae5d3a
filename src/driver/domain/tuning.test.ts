import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { InvalidArgumentError, InvalidStateError } from '../../errors.js';
import { allocationWith, memoryMBFor, modifyTargets, oddVcpuWarning, parseSizeKiB } from './tuning.js';

test('parseSizeKiB: virsh scaled integers, default KiB, rounded up to whole KiB', () => {
  const cases: [string, number][] = [
    ['0', 0],
    ['524288', 524288],
    ['512M', 524288],
    ['512MiB', 524288],
    ['512mib', 524288],
    ['2G', 2097152],
    ['2GiB', 2097152],
    ['1T', 1024 ** 3],
    ['1k', 1],
    ['1KiB', 1],
    ['1KB', 1], // 1000 bytes, rounded up
    ['1MB', 977], // 1,000,000 bytes = 976.5625 KiB
    ['1GB', 976563],
    ['2048b', 2],
    ['2049bytes', 3],
    ['1byte', 1],
    ['1P', 1024 ** 4],
    [' 4 G ', 4 * 1024 ** 2],
  ];
  for (const [text, kib] of cases) assert.equal(parseSizeKiB(text), kib, text);
});

test('parseSizeKiB: malformed, negative, unknown unit and too large are InvalidArgumentErrors', () => {
  for (const bad of ['', '-1', '1.5G', 'G', '12x', '1Mi', '1MiBs', '1 2', '0x10', '99999999999E']) {
    assert.throws(() => parseSizeKiB(bad), InvalidArgumentError, bad);
  }
  assert.throws(() => parseSizeKiB('12x', 'memory size'), /invalid memory size '12x': unknown unit 'x'/);
});

test('parseSizeKiB: N MiB is N * 1024 KiB and N GB never less than N * 10^9 bytes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 30 }), (n) => {
      assert.equal(parseSizeKiB(`${n}M`), n * 1024);
      const kib = parseSizeKiB(`${n}GB`);
      assert.ok(kib * 1024 >= n * 1e9 && (kib - 1) * 1024 < n * 1e9);
    }),
  );
});

test('memoryMBFor rounds up to a multiple of 4 MiB', () => {
  assert.equal(memoryMBFor(1), 4);
  assert.equal(memoryMBFor(4096), 4);
  assert.equal(memoryMBFor(4097), 8);
  assert.equal(memoryMBFor(524288), 512);
  assert.equal(memoryMBFor(102400), 100);
  assert.equal(memoryMBFor(101 * 1024), 104);
});

test('modifyTargets: --current follows the state; --live needs an active domain; both flags allowed', () => {
  assert.deepEqual(modifyTargets('running', {}), { live: true, config: false });
  assert.deepEqual(modifyTargets('paused', {}), { live: true, config: false });
  assert.deepEqual(modifyTargets('shut off', {}), { live: false, config: true });
  assert.deepEqual(modifyTargets('shut off', { config: true }), { live: false, config: true });
  assert.deepEqual(modifyTargets('running', { config: true }), { live: false, config: true });
  assert.deepEqual(modifyTargets('running', { live: true, config: true }), { live: true, config: true });
  assert.throws(
    () => modifyTargets('shut off', { live: true }),
    (e: unknown) => e instanceof InvalidStateError && e.message === 'domain is not running',
  );
});

test('allocationWith keeps the other fields, copies shares and drops overheadLimit', () => {
  const current = { reservation: 10, limit: -1, shares: { shares: 1000, level: 'normal' as const }, overheadLimit: 5 };
  assert.deepEqual(allocationWith(current, { limit: 256 }), { reservation: 10, limit: 256, shares: { shares: 1000, level: 'normal' } });
  assert.deepEqual(allocationWith(undefined, { limit: 4 }), { limit: 4 });
  assert.deepEqual(allocationWith({ reservation: 1 }, { shares: { shares: 7, level: 'custom' } }), {
    reservation: 1,
    shares: { shares: 7, level: 'custom' },
  });
});

test('oddVcpuWarning: only odd counts above 1 on servers older than API 4.1', () => {
  assert.match(oddVcpuWarning(3, '4.0') ?? '', /3 vCPUs: servers before API 4\.1 \(this one speaks 4\.0\) accept only 1 or an even number/);
  assert.ok(oddVcpuWarning(3, '2.5') !== undefined);
  assert.equal(oddVcpuWarning(1, '4.0'), undefined);
  assert.equal(oddVcpuWarning(4, '4.0'), undefined);
  assert.equal(oddVcpuWarning(3, '4.1'), undefined);
  assert.equal(oddVcpuWarning(5, '6.5'), undefined);
});

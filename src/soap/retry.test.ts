import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionError, TlsError } from '../errors.js';
import { backoffDelay, isTransientConnectionError, withRetry } from './retry.js';

const sysErr = (code: string, message = code): Error => Object.assign(new Error(message), { code });

function recorder(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

test('isTransientConnectionError: the listed codes, socket hang up, and through cause chains', () => {
  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) assert.ok(isTransientConnectionError(sysErr(code)), code);
  assert.ok(isTransientConnectionError(new Error('socket hang up')));
  assert.ok(isTransientConnectionError(new ConnectionError('x', { cause: sysErr('ECONNREFUSED') })));
  assert.ok(!isTransientConnectionError(sysErr('ENOTFOUND')));
  assert.ok(!isTransientConnectionError(new TlsError('x', { cause: sysErr('DEPTH_ZERO_SELF_SIGNED_CERT') })));
  assert.ok(!isTransientConnectionError(new Error('boom')));
  assert.ok(!isTransientConnectionError('ECONNRESET'));
  const loop: { cause?: unknown } = new Error('loop');
  loop.cause = loop;
  assert.ok(!isTransientConnectionError(loop));
});

test('withRetry succeeds after transient failures, waiting with growing delays', async () => {
  const { sleeps, sleep } = recorder();
  let calls = 0;
  const result = await withRetry(
    async (attempt) => {
      assert.equal(attempt, calls);
      calls++;
      if (calls <= 3) throw sysErr('ECONNRESET', 'socket hang up');
      return 'done';
    },
    { sleep, random: () => 0.5, baseDelayMs: 100, maxDelayMs: 10_000 },
  );
  assert.equal(result, 'done');
  assert.equal(calls, 4);
  assert.deepEqual(sleeps, [75, 150, 300]);
});

test('withRetry gives up after N retries and throws the last error', async () => {
  const { sleeps, sleep } = recorder();
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new ConnectionError(`attempt ${calls}`, { cause: sysErr('ECONNREFUSED') });
      },
      { retries: 3, sleep, random: () => 0 },
    ),
    /attempt 4/,
  );
  assert.equal(calls, 4);
  assert.equal(sleeps.length, 3);
});

test('withRetry defaults to 10 retries', async () => {
  const { sleeps, sleep } = recorder();
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw sysErr('EPIPE');
      },
      { sleep },
    ),
  );
  assert.equal(calls, 11);
  assert.equal(sleeps.length, 10);
});

test('withRetry does not retry errors that are not transient, nor with a custom predicate saying no', async () => {
  const { sleeps, sleep } = recorder();
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw new TlsError('bad cert');
      },
      { sleep },
    ),
    /bad cert/,
  );
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        throw sysErr('ECONNRESET');
      },
      { sleep, isRetryable: () => false },
    ),
  );
  assert.equal(calls, 1);
  assert.equal(sleeps.length, 0);
});

test('withRetry reports each retry and stops when the signal is aborted', async () => {
  const ac = new AbortController();
  const seen: [number, number][] = [];
  let calls = 0;
  await assert.rejects(
    withRetry(
      async () => {
        calls++;
        if (calls === 2) ac.abort();
        throw sysErr('ETIMEDOUT');
      },
      { signal: ac.signal, sleep: async () => {}, random: () => 1, baseDelayMs: 10, onRetry: (_e, n, d) => seen.push([n, d]) },
    ),
  );
  assert.equal(calls, 2);
  assert.deepEqual(seen, [[1, 10]]);
});

test('the default sleep rejects on abort instead of waiting', async () => {
  const ac = new AbortController();
  const p = withRetry(
    async () => {
      throw sysErr('ECONNRESET');
    },
    { signal: ac.signal, baseDelayMs: 60_000, maxDelayMs: 60_000, onRetry: () => setImmediate(() => ac.abort(new Error('stop'))) },
  );
  await assert.rejects(p, /stop/);
});

test('backoffDelay doubles per attempt, is capped, and stays within [ceiling/2, ceiling]', () => {
  assert.equal(
    backoffDelay(1, 100, 1000, () => 0),
    50,
  );
  assert.equal(
    backoffDelay(1, 100, 1000, () => 1),
    100,
  );
  assert.equal(
    backoffDelay(3, 100, 1000, () => 1),
    400,
  );
  assert.equal(
    backoffDelay(10, 100, 1000, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(10, 100, 1000, () => 0),
    500,
  );
  for (let i = 0; i < 50; i++) {
    const d = backoffDelay(4, 100, 1000);
    assert.ok(d >= 400 && d <= 800, String(d));
  }
});

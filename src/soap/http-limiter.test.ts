import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidStateError } from '../errors.js';
import { Limiter } from './http-limiter.js';

test('grants up to max slots, then hands released slots to waiters in order', async () => {
  const l = new Limiter(2);
  const r1 = await l.acquire();
  const r2 = await l.acquire();
  assert.equal(l.active, 2);
  const order: number[] = [];
  const w3 = l.acquire().then((r) => (order.push(3), r));
  const w4 = l.acquire().then((r) => (order.push(4), r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, []);
  r1();
  r1();
  const r3 = await w3;
  assert.deepEqual(order, [3]);
  assert.equal(l.active, 2);
  r2();
  const r4 = await w4;
  assert.deepEqual(order, [3, 4]);
  r3();
  r4();
  assert.equal(l.active, 0);
});

test('an aborted waiter leaves the queue; close rejects waiters and later calls', async () => {
  const l = new Limiter(1);
  const r1 = await l.acquire();
  const ac = new AbortController();
  const aborted = l.acquire(ac.signal);
  const waiting = l.acquire();
  ac.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  r1();
  const r2 = await waiting;
  assert.equal(l.active, 1);
  r2();
  await assert.rejects(l.acquire(AbortSignal.abort(new Error('already'))), /already/);
  const held = await l.acquire();
  const pending = l.acquire();
  l.close('closed now');
  await assert.rejects(pending, (e: unknown) => e instanceof InvalidStateError && e.message === 'closed now');
  await assert.rejects(l.acquire(), InvalidStateError);
  held();
});

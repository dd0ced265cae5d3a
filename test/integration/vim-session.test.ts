import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError, HttpError } from '../../src/errors.js';
import { CurrentTime, PowerOffVM_Task } from '../../src/vim25/generated/methods.js';
import type { MoRef } from '../../src/vim25/generated/types.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { retrieveOne } from '../../src/vim25/property.js';
import type { VimEvent } from '../../src/vim25/soap-channel.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

const IDLE_TIMEOUT_MS = 1000;

describe('vim25 session: re-login, keepalive, retries (ESX simulator, 1 s idle timeout)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true, sessionTimeoutMs: IDLE_TIMEOUT_MS });
  });
  after(() => sim?.stop());

  it('logs in again once when a call fails with NotAuthenticated, then repeats the call', async () => {
    const events: VimEvent[] = [];
    const c = await connectTo(sim, { onEvent: (e) => events.push(e) });
    try {
      assert.equal(c.sessionGeneration, 1);
      assert.ok((await sim.expireSessions()) >= 1);
      const vms = await c.inventory.listVms([VirtualMachineProps.name]);
      assert.equal(vms.length, sim.vms);
      assert.equal(c.sessionGeneration, 2);
      assert.equal(c.stats.byMethod.Login, 2);
      assert.ok(events.some((e) => e.type === 'relogin'));
    } finally {
      await c.close();
    }
  });

  it('concurrent calls refused by an expired session share one re-login', async () => {
    const c = await connectTo(sim);
    try {
      const vm = (await c.inventory.listVms([VirtualMachineProps.name]))[0]?.ref as MoRef<'VirtualMachine'>;
      await sim.expireSessions();
      const names = await Promise.all(Array.from({ length: 4 }, () => retrieveOne(c, vm, [VirtualMachineProps.name])));
      assert.equal(new Set(names.map((n) => n.props.name)).size, 1);
      assert.equal(c.stats.byMethod.Login, 2);
      assert.equal(c.stats.relogins, 4);
    } finally {
      await c.close();
    }
  });

  it('a keepalive keeps an idle session from expiring; without it the session expires and is renewed on use', async () => {
    const kept = await connectTo(sim, { keepaliveSeconds: 0.25 });
    const idle = await connectTo(sim);
    try {
      await sleep(IDLE_TIMEOUT_MS * 2.5);
      await CurrentTime(kept.soap, kept.serviceInstance);
      await CurrentTime(idle.soap, idle.serviceInstance);
      assert.equal(kept.stats.byMethod.Login, 1, 'keepalive session survived');
      assert.ok((kept.stats.byMethod.CurrentTime ?? 0) >= 3);
      assert.equal(idle.stats.byMethod.Login, 2, 'idle session expired and was renewed');
    } finally {
      await kept.close();
      await idle.close();
    }
  });

  it('repeats idempotent calls after dropped connections, resets and 503s', async () => {
    const c = await connectTo(sim);
    try {
      const vm = (await c.inventory.listVms([VirtualMachineProps.name]))[0]?.ref as MoRef<'VirtualMachine'>;
      const s0 = await sim.stats();
      await sim.dropNext(2);
      await sim.dropNext(1, { reset: true });
      await sim.dropNext(1, { status: 503 });
      const rec = await retrieveOne(c, vm, [VirtualMachineProps.powerState]);
      assert.equal(rec.props[VirtualMachineProps.powerState], 'poweredOn');
      const s1 = await sim.stats();
      assert.equal(s1.dropped - s0.dropped, 4);
      assert.equal(c.stats.retries, 4);
    } finally {
      await c.close();
    }
  });

  it('gives up after the configured number of retries', async () => {
    const c = await connectTo(sim, { retries: 2 });
    try {
      const s0 = await sim.stats();
      await sim.dropNext(3);
      await assert.rejects(CurrentTime(c.soap, c.serviceInstance), ConnectionError);
      assert.equal((await sim.stats()).requests - s0.requests, 3);
      await sim.dropNext(1, { status: 500 });
      await assert.rejects(CurrentTime(c.soap, c.serviceInstance), (e: unknown) => e instanceof HttpError && e.status === 500);
    } finally {
      await sim.reset();
      await c.close();
    }
  });

  it('never repeats a task call after a connection failure', async () => {
    const c = await connectTo(sim);
    try {
      const vm = (await c.inventory.listVms([VirtualMachineProps.name]))[0]?.ref as MoRef<'VirtualMachine'>;
      const s0 = await sim.stats();
      await sim.dropNext(1);
      await assert.rejects(PowerOffVM_Task(c.soap, vm), ConnectionError);
      assert.equal((await sim.stats()).requests - s0.requests, 1);
      assert.equal(c.stats.retries, 0);
      assert.equal((await retrieveOne(c, vm, [VirtualMachineProps.powerState])).props[VirtualMachineProps.powerState], 'poweredOn');
    } finally {
      await c.close();
    }
  });
});

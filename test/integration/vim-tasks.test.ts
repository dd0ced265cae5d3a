import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError, OperationError, QuestionError } from '../../src/errors.js';
import type { VimClient } from '../../src/vim25/client.js';
import { vimFaultType } from '../../src/vim25/faults.js';
import { PowerOffVM_Task, PowerOnVM_Task } from '../../src/vim25/generated/methods.js';
import type { MoRef } from '../../src/vim25/generated/types.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { prop, retrieveOne } from '../../src/vim25/property.js';
import type { VimEvent } from '../../src/vim25/soap-channel.js';
import { cancelTask, waitForTask } from '../../src/vim25/task.js';
import { runVmTask } from '../../src/vim25/vm-task.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

describe('vim25 tasks and questions (vCenter simulator)', () => {
  let sim: Simulator;
  let c: VimClient;
  let auto: VimClient;
  const events: VimEvent[] = [];
  let n = 0;

  before(async () => {
    sim = await startSimulator({ model: 'vpx', vms: 4, quiet: true });
    c = await connectTo(sim);
    auto = await connectTo(sim, { autoAnswer: true, onEvent: (e) => events.push(e) });
  });
  after(async () => {
    await c?.close();
    await auto?.close();
    await sim?.stop();
  });

  /** A different powered-off VM for each test. */
  async function poweredOffVm(): Promise<MoRef<'VirtualMachine'>> {
    const vm = (await c.inventory.findVmByName(`DC0_C0_RP0_VM${n++}`)) as MoRef<'VirtualMachine'>;
    await runVmTask(c, vm, 'PowerOffVM_Task', () => PowerOffVM_Task(c.soap, vm));
    return vm;
  }
  const powerState = async (vm: MoRef<'VirtualMachine'>): Promise<unknown> =>
    prop(await retrieveOne(c, vm, [VirtualMachineProps.powerState]), VirtualMachineProps.powerState);
  const lastAnswer = async (vm: MoRef<'VirtualMachine'>) => (await sim.questions()).answered.filter((a) => a.vm === vm.value).at(-1);

  it('waits for a task with progress, and maps a failed task to a typed error keeping the fault type', async () => {
    const vm = await poweredOffVm();
    const states: string[] = [];
    const info = await runVmTask(c, vm, 'PowerOnVM_Task', () => PowerOnVM_Task(c.soap, vm, {}), {
      onProgress: (p) => states.push(p.info.state),
    });
    assert.equal(info.state, 'success');
    assert.equal(states.at(-1), 'success');
    assert.equal(await powerState(vm), 'poweredOn');
    const err = await runVmTask(c, vm, 'PowerOnVM_Task', () => PowerOnVM_Task(c.soap, vm, {})).catch((e: unknown) => e);
    assert.ok(err instanceof InvalidStateError, String(err));
    assert.equal(vimFaultType(err), 'InvalidPowerState');
    assert.match(err.message, /^PowerOnVM_Task on VM 'DC0_C0_RP0_VM0': InvalidPowerState/);
  });

  it('auto_answer: a question raised by the task is answered with the default choice and the task completes', async () => {
    const vm = await poweredOffVm();
    await sim.armQuestion(vm.value, { kind: 'serial' });
    const info = await runVmTask(auto, vm, 'PowerOnVM_Task', () => PowerOnVM_Task(auto.soap, vm, {}));
    assert.equal(info.state, 'success');
    assert.equal(await powerState(vm), 'poweredOn');
    const a = await lastAnswer(vm);
    assert.equal(a?.default, true);
    assert.equal(a?.label, 'Append');
    assert.equal(a?.outcome, 'poweredOn');
    assert.ok(events.some((e) => e.type === 'question-answered' && e.choice === 'Append' && /serial port 1/.test(e.question)));
  });

  it('without auto_answer: QuestionError with text and choices, and the blocked task is cancelled', async () => {
    const vm = await poweredOffVm();
    await sim.armQuestion(vm.value, { kind: 'serial', cancelable: true });
    const err = await runVmTask(c, vm, 'PowerOnVM_Task', () => PowerOnVM_Task(c.soap, vm, {})).catch((e: unknown) => e);
    assert.ok(err instanceof QuestionError, String(err));
    assert.match(err.question, /The file specified for serial port 1 already exists/);
    assert.deepEqual(
      err.choices.map((x) => `${x.key}:${x.label}:${x.isDefault}`),
      ['0:Cancel:false', '1:Append:true', '2:Replace:false'],
    );
    assert.match(err.message, /\(task cancelled\)/);
    assert.equal((await lastAnswer(vm))?.outcome, 'canceled');
    assert.equal(await powerState(vm), 'poweredOff');
  });

  it('a question blocking an uncancelable task is reported, then handled before the next task as libvirt does', async () => {
    const vm = await poweredOffVm();
    await sim.armQuestion(vm.value, { kind: 'uuid' });
    const err = await runVmTask(c, vm, 'PowerOnVM_Task', () => PowerOnVM_Task(c.soap, vm, {})).catch((e: unknown) => e);
    assert.ok(err instanceof QuestionError, String(err));
    assert.match(err.message, /left blocked, it could not be cancelled: .*NotSupported/);
    assert.equal((await sim.questions()).pending.filter((p) => p.vm === vm.value).length, 1);

    // Still pending: without auto_answer the next task is not even started.
    const notStarted = (): Promise<never> => Promise.reject(new Error('must not start'));
    const again = await runVmTask(c, vm, 'PowerOffVM_Task', notStarted).catch((e: unknown) => e);
    assert.ok(again instanceof QuestionError);
    assert.match(again.message, /\(not started\)/);

    // With auto_answer it is answered; the blocked power-on was pending, so the new task is refused.
    const refused = await runVmTask(auto, vm, 'PowerOffVM_Task', notStarted).catch((e: unknown) => e);
    assert.ok(refused instanceof InvalidStateError, String(refused));
    assert.match(refused.message, /other tasks are pending for this VM: VirtualMachine\.powerOn/);
    const a = await lastAnswer(vm);
    assert.equal(a?.label, 'I copied it');
    assert.equal(a?.outcome, 'poweredOn');
    assert.equal(await powerState(vm), 'poweredOn');
  });

  it('cancels a running task when the wait is aborted (CancelTask), and refuses to cancel a finished one', async () => {
    const vm = (await c.inventory.findVmByName('DC0_H0_VM0')) as MoRef<'VirtualMachine'>;
    await runVmTask(c, vm, 'PowerOffVM_Task', () => PowerOffVM_Task(c.soap, vm));
    await sim.armQuestion(vm.value, { cancelable: true });
    const task = await PowerOnVM_Task(c.soap, vm, {});
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const err = await waitForTask(c, task, { signal: ac.signal }).catch((e: unknown) => e);
    assert.ok(err instanceof OperationError, String(err));
    assert.match(err.message, /cancelled$/);
    assert.equal((await lastAnswer(vm))?.outcome, 'canceled');
    await assert.rejects(cancelTask(c, task), InvalidStateError);
  });

  it('polls when told to, and refuses a second task on a VM while this connection runs one', async () => {
    const poll = await connectTo(sim, { taskWait: 'poll', taskPollIntervalMs: 50 });
    try {
      const vm = (await poll.inventory.findVmByName('DC0_H0_VM1')) as MoRef<'VirtualMachine'>;
      await sim.armQuestion(vm.value, { cancelable: true });
      await runVmTask(poll, vm, 'PowerOffVM_Task', () => PowerOffVM_Task(poll.soap, vm));
      const first = runVmTask(poll, vm, 'PowerOnVM_Task', () => PowerOnVM_Task(poll.soap, vm, {}));
      const second = runVmTask(poll, vm, 'ResetVM_Task', () => Promise.reject(new Error('must not start')));
      await assert.rejects(
        second,
        (e: unknown) => e instanceof InvalidStateError && /another task started by this connection/.test(e.message),
      );
      await assert.rejects(first, QuestionError);
      assert.equal(poll.stats.byMethod.WaitForUpdatesEx, undefined);
    } finally {
      await poll.close();
    }
  });
});

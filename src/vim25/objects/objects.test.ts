import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError, QuestionError } from '../../errors.js';
import { fakeContext, type FakeContext, type FakeHandler } from '../fake-context.js';
import type { TaskInfo, VirtualMachineQuestionInfo } from '../generated/types.js';
import { FolderHandle, TaskHandle, VirtualMachineHandle, type TaskProgress } from './index.js';

const vm = { type: 'VirtualMachine', value: 'vm-3' } as const;
const task = { type: 'Task', value: 'task-7' } as const;
const snap = { type: 'VirtualMachineSnapshot', value: 'snapshot-2' } as const;

function info(state: TaskInfo['state'], extra: Partial<TaskInfo> = {}): TaskInfo {
  return {
    key: 'task-7',
    task,
    descriptionId: 'VirtualMachine.powerOn',
    state,
    cancelled: false,
    cancelable: true,
    reason: {},
    queueTime: new Date(0),
    eventChainId: 1,
    ...extra,
  };
}

/**
 * RetrievePropertiesEx as a VM task sees it: first the precheck (the VM's name, its question, its recent tasks),
 * then the task's info, one state per call (the last one repeated).
 */
function vmServer(states: TaskInfo[], opts: { question?: VirtualMachineQuestionInfo; pending?: boolean } = {}): FakeHandler {
  let prechecked = false;
  return (p) => {
    const wantsTasks = JSON.stringify(p.specSet).includes('recentTask');
    if (wantsTasks && !prechecked) {
      prechecked = true;
      const objects: unknown[] = [
        { obj: vm, propSet: [{ name: 'name', val: 'web' }, ...(opts.question ? [{ name: 'runtime.question', val: opts.question }] : [])] },
      ];
      if (opts.pending)
        objects.push({
          obj: { type: 'Task', value: 'task-1' },
          propSet: [
            { name: 'info.state', val: 'running' },
            { name: 'info.descriptionId', val: 'VirtualMachine.reset' },
          ],
        });
      return { objects };
    }
    const s = states.length > 1 ? states.shift() : states[0];
    return {
      objects: [
        { obj: task, propSet: [{ name: 'info', val: s }] },
        { obj: vm, propSet: [] },
      ],
    };
  };
}

function started(ctx: FakeContext): FakeHandler {
  return (_p, thisRef) => {
    assert.ok(ctx.vmTasksInFlight.has(vm.value), 'the VM is busy from the start of its task');
    assert.ok(thisRef.type === 'VirtualMachine' || thisRef.type === 'VirtualMachineSnapshot');
    return task;
  };
}

test('VM task: precheck, the method named once, then the wait; the VM is busy until the wait ends', async () => {
  const ctx = fakeContext();
  ctx.handlers = {
    RetrievePropertiesEx: vmServer([info('running', { progress: 30 }), info('success', { result: 'ok' })]),
    PowerOnVM_Task: started(ctx),
  };
  const handle = new VirtualMachineHandle(ctx, vm);
  const t = await handle.powerOn({ host: { type: 'HostSystem', value: 'host-9' } });
  assert.deepEqual(t.ref, task);
  assert.deepEqual(ctx.methods(), ['RetrievePropertiesEx', 'PowerOnVM_Task']);
  assert.deepEqual(ctx.calls[1]?.params, { host: { type: 'HostSystem', value: 'host-9' } });
  // A second task of this connection is refused without a call while the first one is not waited for.
  await assert.rejects(
    handle.reset(),
    (e: unknown) => e instanceof InvalidStateError && /ResetVM_Task on VM vm-3: another task started by this connection/.test(e.message),
  );
  assert.equal(ctx.calls.length, 2);
  const seen: string[] = [];
  const final = await t.wait({ onProgress: (p) => seen.push(`${p.info.state}:${p.percent ?? '-'}`) });
  assert.equal(final.result, 'ok');
  assert.deepEqual(seen, ['running:30', 'success:-']);
  assert.equal(ctx.vmTasksInFlight.size, 0);
  assert.deepEqual(ctx.methods(), ['RetrievePropertiesEx', 'PowerOnVM_Task', 'RetrievePropertiesEx', 'RetrievePropertiesEx']);
});

test('a VM task failure names the method and the VM; a refused start frees the VM at once', async () => {
  const ctx = fakeContext();
  const error = { fault: { _type: 'InvalidPowerState', existingState: 'poweredOff' } as never, localizedMessage: 'off' };
  ctx.handlers = { RetrievePropertiesEx: vmServer([info('error', { error })]), SuspendVM_Task: started(ctx) };
  const t = await new VirtualMachineHandle(ctx, vm).suspend();
  await assert.rejects(
    t.wait(),
    (e: unknown) => e instanceof InvalidStateError && /^SuspendVM_Task on VM 'web': InvalidPowerState: off$/.test(e.message),
  );
  assert.equal(ctx.vmTasksInFlight.size, 0);

  const refusing = fakeContext({
    RetrievePropertiesEx: vmServer([]),
    ReconfigVM_Task: () => Promise.reject(new InvalidStateError('busy')),
  });
  await assert.rejects(new VirtualMachineHandle(refusing, vm).reconfigure({ numCPUs: 2 }), /busy/);
  assert.deepEqual(refusing.calls[1]?.params, { spec: { numCPUs: 2 } });
  assert.equal(refusing.vmTasksInFlight.size, 0);
});

test('VM task checks: a pending question (no auto_answer) and pending tasks stop the start', async () => {
  const question: VirtualMachineQuestionInfo = {
    id: 'q1',
    text: 'Copied?',
    choice: { choiceInfo: [{ key: '1', label: 'Yes', summary: '' }], defaultIndex: 0 },
  };
  const asked = fakeContext({ RetrievePropertiesEx: vmServer([], { question }) });
  await assert.rejects(
    new VirtualMachineHandle(asked, vm).powerOff(),
    (e: unknown) => e instanceof QuestionError && /PowerOffVM_Task on VM 'web' \(not started\)/.test(e.message),
  );
  const busy = fakeContext({ RetrievePropertiesEx: vmServer([], { pending: true }) });
  await assert.rejects(
    new VirtualMachineHandle(busy, vm).createSnapshot({ name: 's', memory: false, quiesce: false }),
    /other tasks are pending for this VM: VirtualMachine\.reset \(task-1, running\)/,
  );
  assert.deepEqual(busy.methods(), ['RetrievePropertiesEx']);
  assert.equal(busy.vmTasksInFlight.size, 0);
});

test('snapshot tasks run on the snapshot but count as tasks of its VM', async () => {
  const ctx = fakeContext();
  ctx.handlers = {
    RetrievePropertiesEx: vmServer([info('success')]),
    RevertToSnapshot_Task: started(ctx),
    RemoveSnapshot_Task: started(ctx),
  };
  const s = new VirtualMachineHandle(ctx, vm).snapshot(snap);
  await (await s.revert()).wait();
  assert.deepEqual(ctx.calls[1]?.thisRef, snap);
  assert.ok(JSON.stringify(ctx.calls[0]?.params.specSet).includes('{"type":"VirtualMachine","value":"vm-3"}'));
  ctx.handlers.RetrievePropertiesEx = vmServer([info('success')]);
  await (await s.remove({ removeChildren: true })).wait();
  assert.deepEqual(ctx.calls.at(-2)?.params, { removeChildren: true });
  assert.deepEqual(ctx.methods(), [
    'RetrievePropertiesEx',
    'RevertToSnapshot_Task',
    'RetrievePropertiesEx',
    'RetrievePropertiesEx',
    'RemoveSnapshot_Task',
    'RetrievePropertiesEx',
  ]);
});

test('progress() as an async iterator ends with the final info; a failure is thrown from the loop', async () => {
  const ctx = fakeContext({
    RetrievePropertiesEx: vmServer([info('queued'), info('running', { progress: 50 }), info('success', { result: 3 })]),
  });
  const t = new TaskHandle(ctx, task);
  const seen: string[] = [];
  const it = t.progress();
  let r = await it.next();
  for (; !r.done; r = await it.next()) seen.push(`${r.value.info.state}:${r.value.percent ?? '-'}`);
  assert.deepEqual(seen, ['queued:-', 'running:50', 'success:-']);
  assert.equal(r.value.result, 3);

  const error = { fault: { _type: 'GenericVmConfigFault' } as never, localizedMessage: 'bad config' };
  const failing = fakeContext({ RetrievePropertiesEx: vmServer([info('running'), info('error', { error })]) });
  const got: TaskProgress[] = [];
  await assert.rejects(
    (async () => {
      for await (const p of new TaskHandle(failing, task).progress()) got.push(p);
    })(),
    /bad config/,
  );
  assert.deepEqual(
    got.map((p) => p.info.state),
    ['running', 'error'],
  );
});

test('cancel() asks the server; folder tasks have no VM checks; guest operations are single calls', async () => {
  const ctx = fakeContext({
    CancelTask: () => undefined,
    RegisterVM_Task: () => task,
    RetrievePropertiesEx: vmServer([info('success', { result: { type: 'VirtualMachine', value: 'vm-12' } })]),
    ShutdownGuest: () => undefined,
    UnregisterVM: () => undefined,
  });
  await new TaskHandle(ctx, task).cancel();
  const folder = { type: 'Folder', value: 'group-v3' } as const;
  const t = await new FolderHandle(ctx, folder).registerVm({ path: '[ds] a/a.vmx', asTemplate: false });
  assert.deepEqual((await t.wait()).result, { type: 'VirtualMachine', value: 'vm-12' });
  await new VirtualMachineHandle(ctx, vm).shutdownGuest();
  await new VirtualMachineHandle(ctx, vm).unregister();
  assert.deepEqual(ctx.methods(), ['CancelTask', 'RegisterVM_Task', 'RetrievePropertiesEx', 'ShutdownGuest', 'UnregisterVM']);
  assert.deepEqual(
    ctx.calls.map((c) => c.thisRef.value),
    ['task-7', 'group-v3', 'propertyCollector', 'vm-3', 'vm-3'],
  );
});

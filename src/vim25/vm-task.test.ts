import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError, QuestionError } from '../errors.js';
import { fakeContext } from './fake-context.js';
import type { VirtualMachineQuestionInfo } from './generated/types.js';
import { runVmTask } from './vm-task.js';

const vm = { type: 'VirtualMachine', value: 'vm-3' } as const;
const question: VirtualMachineQuestionInfo = {
  id: 'q9',
  text: 'Moved or copied?',
  choice: {
    choiceInfo: [
      { key: '0', label: 'Cancel', summary: '' },
      { key: '2', label: 'I copied it', summary: '' },
    ],
    defaultIndex: 1,
  },
};

function vmState(opts: { question?: VirtualMachineQuestionInfo; tasks?: [string, string][] }) {
  return () => {
    const objects: unknown[] = [
      { obj: vm, propSet: [{ name: 'name', val: 'web' }, ...(opts.question ? [{ name: 'runtime.question', val: opts.question }] : [])] },
    ];
    for (const [id, state] of opts.tasks ?? []) {
      objects.push({
        obj: { type: 'Task', value: id },
        propSet: [
          { name: 'info.state', val: state },
          { name: 'info.descriptionId', val: 'VirtualMachine.powerOn' },
        ],
      });
    }
    return { objects };
  };
}

const notStarted = (): Promise<never> => Promise.reject(new Error('must not start'));

test('precheck: one call with a recentTask traversal; finished tasks do not count', async () => {
  let started = 0;
  const ctx = fakeContext({
    RetrievePropertiesEx: vmState({
      tasks: [
        ['task-1', 'success'],
        ['task-2', 'error'],
      ],
    }),
  });
  ctx.handlers.RetrievePropertiesEx = ((first) => (p) => {
    if (ctx.calls.length === 1) {
      const spec = (p.specSet as { objectSet: { selectSet: { path: string; type: string }[] }[] }[])[0];
      assert.equal(spec?.objectSet[0]?.selectSet[0]?.path, 'recentTask');
      return first(p, vm);
    }
    return { objects: [{ obj: { type: 'Task', value: 'task-3' }, propSet: [{ name: 'info', val: { state: 'success', result: 42 } }] }] };
  })(ctx.handlers.RetrievePropertiesEx!);
  const info = await runVmTask(ctx, vm, 'PowerOnVM_Task', async () => {
    started++;
    return { type: 'Task', value: 'task-3' };
  });
  assert.equal(info.result, 42);
  assert.equal(started, 1);
  assert.equal(ctx.vmTasksInFlight.size, 0);
});

test('pending question without auto_answer: QuestionError, nothing started, nothing answered', async () => {
  const ctx = fakeContext({ RetrievePropertiesEx: vmState({ question, tasks: [['task-1', 'running']] }) });
  const err = await runVmTask(ctx, vm, 'PowerOffVM_Task', notStarted).catch((e: unknown) => e);
  assert.ok(err instanceof QuestionError);
  assert.match(err.message, /^PowerOffVM_Task on VM 'web' \(not started\): pending question/);
  assert.deepEqual(ctx.methods(), ['RetrievePropertiesEx']);
});

test('pending question with auto_answer: answered, then refused because the blocked task is pending', async () => {
  const ctx = fakeContext(
    { RetrievePropertiesEx: vmState({ question, tasks: [['task-1', 'running']] }), AnswerVM: () => undefined },
    { autoAnswer: true },
  );
  const err = await runVmTask(ctx, vm, 'PowerOffVM_Task', notStarted).catch((e: unknown) => e);
  assert.ok(err instanceof InvalidStateError);
  assert.match(
    err.message,
    /answered with the default choice and other tasks are pending for this VM: VirtualMachine\.powerOn \(task-1, running\)/,
  );
  assert.deepEqual(ctx.calls[1]?.params, { questionId: 'q9', answerChoice: '2' });
});

test('a running task refuses a new one; so does a task of this connection still in flight', async () => {
  const ctx = fakeContext({ RetrievePropertiesEx: vmState({ tasks: [['task-1', 'queued']] }) });
  await assert.rejects(runVmTask(ctx, vm, 'ResetVM_Task', notStarted), /other tasks are pending for this VM/);
  ctx.vmTasksInFlight.add(vm.value);
  await assert.rejects(runVmTask(ctx, vm, 'ResetVM_Task', notStarted), InvalidStateError);
  assert.equal(ctx.calls.length, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError, NotFoundError, OperationError, QuestionError } from '../errors.js';
import { fakeContext } from './fake-context.js';
import type { TaskInfo, VirtualMachineQuestionInfo } from './generated/types.js';
import { vimFaultType } from './faults.js';
import { waitForTask } from './task.js';

const task = { type: 'Task', value: 'task-7' } as const;
const vm = { type: 'VirtualMachine', value: 'vm-3' } as const;

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
    name: 'PowerOnVM_Task',
    ...extra,
  };
}

const question: VirtualMachineQuestionInfo = {
  id: 'q1',
  text: 'Append or replace?',
  choice: {
    choiceInfo: [
      { key: '0', label: 'Cancel', summary: 'Cancel' },
      { key: '1', label: 'Append', summary: 'Append' },
    ],
    defaultIndex: 1,
  },
};

/** Answers RetrievePropertiesEx with the next of `states` (task info and, optionally, the VM's question). */
function polled(states: { task: TaskInfo; question?: VirtualMachineQuestionInfo }[]) {
  return () => {
    const s = states.length > 1 ? states.shift() : states[0];
    if (s === undefined) throw new Error('no state');
    const objects = [{ obj: task, propSet: [{ name: 'info', val: s.task }] }];
    objects.push({ obj: vm as never, propSet: s.question ? [{ name: 'runtime.question', val: s.question as never }] : [] });
    return { objects };
  };
}

test('polls until success, reporting progress changes once each', async () => {
  const ctx = fakeContext({
    RetrievePropertiesEx: polled([
      { task: info('queued') },
      { task: info('running', { progress: 40 }) },
      { task: info('running', { progress: 40 }) },
      { task: info('success', { result: 'done' }) },
    ]),
  });
  const seen: string[] = [];
  const final = await waitForTask(ctx, task, { onProgress: (p) => seen.push(`${p.info.state}:${p.percent ?? '-'}`) });
  assert.equal(final.result, 'done');
  assert.deepEqual(seen, ['queued:-', 'running:40', 'success:-']);
  assert.equal(ctx.methods().length, 4);
});

test('a failed task throws its fault mapped, with the task named', async () => {
  const error = { fault: { _type: 'InvalidPowerState', existingState: 'poweredOff' } as never, localizedMessage: 'powered off' };
  const ctx = fakeContext({ RetrievePropertiesEx: polled([{ task: info('error', { error, entityName: 'web' }) }]) });
  const err = await waitForTask(ctx, task).catch((e: unknown) => e);
  assert.ok(err instanceof InvalidStateError);
  assert.equal(vimFaultType(err), 'InvalidPowerState');
  assert.match((err as Error).message, /^PowerOnVM_Task on 'web' \(task-7\): InvalidPowerState: powered off$/);
});

test('a question while waiting: auto_answer answers the default choice once and goes on', async () => {
  const answers: unknown[] = [];
  const ctx = fakeContext({
    RetrievePropertiesEx: polled([{ task: info('running'), question }, { task: info('running'), question }, { task: info('success') }]),
    AnswerVM: (p) => answers.push(p),
  });
  await waitForTask(ctx, task, { vm, autoAnswer: true });
  assert.deepEqual(answers, [{ questionId: 'q1', answerChoice: '1' }]);
  assert.equal(ctx.events[0]?.type, 'question-answered');
});

test('a question while waiting without auto_answer: QuestionError with text and choices, task cancelled', async () => {
  const ctx = fakeContext({ RetrievePropertiesEx: polled([{ task: info('running'), question }]), CancelTask: () => undefined });
  const err = await waitForTask(ctx, task, { vm }).catch((e: unknown) => e);
  assert.ok(err instanceof QuestionError);
  assert.equal(err.question, 'Append or replace?');
  assert.deepEqual(err.choices, [
    { key: '0', label: 'Cancel', isDefault: false },
    { key: '1', label: 'Append', isDefault: true },
  ]);
  assert.match(err.message, /\(task cancelled\)/);
  assert.deepEqual(ctx.methods(), ['RetrievePropertiesEx', 'CancelTask']);
});

test('a question without a default choice is reported even with auto_answer; an uncancelable task is said to stay blocked', async () => {
  const noDefault = { ...question, choice: { choiceInfo: question.choice.choiceInfo } };
  const ctx = fakeContext({
    RetrievePropertiesEx: polled([{ task: info('running'), question: noDefault }]),
    CancelTask: () => {
      throw new Error('NotSupported: not cancelable');
    },
  });
  const err = await waitForTask(ctx, task, { vm, autoAnswer: true }).catch((e: unknown) => e);
  assert.ok(err instanceof QuestionError);
  assert.match(err.message, /no default answer/);
  assert.match(err.message, /left blocked/);
});

test('abort cancels the task; timeout gives up without cancelling; vanished task is NotFound', async () => {
  const ac = new AbortController();
  let cancels = 0;
  const ctx = fakeContext({
    RetrievePropertiesEx: polled([{ task: info('running') }]),
    CancelTask: () => {
      cancels++;
    },
  });
  setTimeout(() => ac.abort(), 20);
  await assert.rejects(
    waitForTask(ctx, task, { signal: ac.signal }),
    (e: unknown) => e instanceof OperationError && /cancelled/.test(e.message),
  );
  assert.equal(cancels, 1);
  await assert.rejects(waitForTask(ctx, task, { timeoutMs: 30 }), /still running after 30 ms/);
  assert.equal(cancels, 1);
  const gone = fakeContext({ RetrievePropertiesEx: () => ({ objects: [] }) });
  await assert.rejects(waitForTask(gone, task), NotFoundError);
});

test('updates mode: after a quick first look, waits with the watcher and destroys its collector', async () => {
  let waits = 0;
  const ctx = fakeContext(
    {
      RetrievePropertiesEx: polled([{ task: info('running') }]),
      CreatePropertyCollector: () => ({ type: 'PropertyCollector', value: 'pc-9' }),
      CreateFilter: () => ({ type: 'PropertyFilter', value: 'f' }),
      WaitForUpdatesEx: () => {
        waits++;
        const state = waits === 1 ? info('running', { progress: 5 }) : info('success');
        return {
          version: String(waits),
          filterSet: [
            {
              filter: { type: 'PropertyFilter', value: 'f' },
              objectSet: [{ kind: 'modify', obj: task, changeSet: [{ name: 'info', op: 'assign', val: state }] }],
            },
          ],
        };
      },
      DestroyPropertyCollector: () => undefined,
    },
    { taskWait: 'updates' },
  );
  const final = await waitForTask(ctx, task);
  assert.equal(final.state, 'success');
  assert.deepEqual(ctx.methods(), [
    'RetrievePropertiesEx',
    'CreatePropertyCollector',
    'CreateFilter',
    'WaitForUpdatesEx',
    'WaitForUpdatesEx',
    'DestroyPropertyCollector',
  ]);
});

test('updates mode falls back to polling when the server lacks WaitForUpdatesEx support', async () => {
  const ctx = fakeContext(
    {
      RetrievePropertiesEx: polled([{ task: info('running') }, { task: info('success') }]),
      CreatePropertyCollector: () => {
        throw new Error('ServerFaultCode: PropertyCollector does not implement: CreatePropertyCollector');
      },
    },
    { taskWait: 'updates' },
  );
  await waitForTask(ctx, task);
  assert.equal(ctx.taskWait, 'poll');
});

/**
 * Starting a task on a VM the way libvirt's ESX driver does: one task per VM at a time, and questions handled
 * before and while the task runs (libvirt's src/esx README). Before starting, a pending question is answered
 * (auto_answer) or reported; tasks still queued or running on the VM (the one blocked by the question among them)
 * make the new task pointless, so it is refused. Then the task is started and waited for, questions included.
 */
import { InvalidStateError } from '../errors.js';
import type { VimContext } from './context.js';
import type { MoRef, TaskInfoState, VirtualMachineQuestionInfo } from './generated/types.js';
import { TaskProps, VirtualMachineProps } from './generated/props.js';
import { prop, propertySpec, retrieveAll } from './property.js';
import { answerWithDefault, defaultChoice, questionError } from './question.js';
import { waitForTask, type WaitForTaskOptions } from './task.js';
import type { TaskInfo } from './generated/types.js';

/** A task found queued or running on a VM. */
export interface PendingTask {
  task: MoRef<'Task'>;
  state: TaskInfoState;
  /** e.g. 'VirtualMachine.powerOn'. */
  descriptionId: string | undefined;
}

/** What runVmTask found on the VM before starting. */
export interface VmTaskPrecheck {
  name: string;
  question: VirtualMachineQuestionInfo | undefined;
  pending: PendingTask[];
}

/** Options of runVmTask (those of waitForTask, the VM given separately). */
export type RunVmTaskOptions = Omit<WaitForTaskOptions, 'vm'>;

/** Reads the VM's name, pending question and the states of its recent tasks in one call. */
export async function precheckVm(ctx: VimContext, vm: MoRef<'VirtualMachine'>): Promise<VmTaskPrecheck> {
  const recs = await retrieveAll(ctx, [
    {
      propSet: [
        propertySpec('VirtualMachine', [VirtualMachineProps.name, VirtualMachineProps.question]),
        propertySpec('Task', [TaskProps.state, TaskProps.descriptionId]),
      ],
      objectSet: [
        {
          obj: vm,
          skip: false,
          selectSet: [
            { _type: 'TraversalSpec', name: 'recentTask', type: 'VirtualMachine', path: VirtualMachineProps.recentTask, skip: false },
          ],
        },
      ],
    },
  ]);
  let name = vm.value;
  let question: VirtualMachineQuestionInfo | undefined;
  const pending: PendingTask[] = [];
  for (const r of recs) {
    if (r.ref.type === 'VirtualMachine') {
      name = prop(r, VirtualMachineProps.name) ?? name;
      question = prop(r, VirtualMachineProps.question);
    } else if (r.ref.type === 'Task') {
      const state = prop(r, TaskProps.state);
      if (state === 'queued' || state === 'running') {
        pending.push({ task: r.ref as MoRef<'Task'>, state, descriptionId: prop(r, TaskProps.descriptionId) });
      }
    }
  }
  return { name, question, pending };
}

/** A VM task that passed the checks and was started; release() must follow once it is over. */
export interface StartedVmTask {
  task: MoRef<'Task'>;
  vm: MoRef<'VirtualMachine'>;
  /** Names the task in messages: "PowerOnVM_Task on VM 'web1'". */
  description: string;
  /** Lets this connection start the VM's next task (only the first call counts). */
  release(): void;
}

/**
 * Starts one task on a VM: checks for a pending question (answered with auto_answer, else QuestionError) and for
 * other queued/running tasks (InvalidStateError), then calls `start`. Until release() the VM counts as busy for this
 * connection, so a second task on it is refused without asking the server.
 */
export async function startVmTask(
  ctx: VimContext,
  vm: MoRef<'VirtualMachine'>,
  what: string,
  start: () => Promise<MoRef<'Task'>>,
  opts: { autoAnswer?: boolean } = {},
): Promise<StartedVmTask> {
  if (ctx.vmTasksInFlight.has(vm.value)) {
    throw new InvalidStateError(`${what} on VM ${vm.value}: another task started by this connection is still running on it`);
  }
  ctx.vmTasksInFlight.add(vm.value);
  let released = false;
  const release = (): void => {
    // Once only: a late second call must not free the VM for a task started after this one.
    if (released) return;
    released = true;
    ctx.vmTasksInFlight.delete(vm.value);
  };
  try {
    const pre = await precheckVm(ctx, vm);
    const context = `${what} on VM '${pre.name}'`;
    const autoAnswer = opts.autoAnswer ?? ctx.autoAnswer;
    if (pre.question !== undefined) {
      if (!autoAnswer || defaultChoice(pre.question) === undefined) throw questionError(pre.question, `${context} (not started)`);
      await answerWithDefault(ctx, vm, pre.question, context);
    }
    if (pre.pending.length > 0) {
      const list = pre.pending.map((p) => `${p.descriptionId ?? 'task'} (${p.task.value}, ${p.state})`).join(', ');
      const answered = pre.question !== undefined ? 'its pending question was answered with the default choice and ' : '';
      throw new InvalidStateError(`${context}: ${answered}other tasks are pending for this VM: ${list}; not started`);
    }
    return { task: await start(), vm, description: context, release };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * Runs one task on a VM: startVmTask's checks, then waits for the task, handling questions it runs into. Returns the
 * task's final info. Object handles (src/vim25/objects/) do the same with the method named once.
 */
export async function runVmTask(
  ctx: VimContext,
  vm: MoRef<'VirtualMachine'>,
  what: string,
  start: () => Promise<MoRef<'Task'>>,
  opts: RunVmTaskOptions = {},
): Promise<TaskInfo> {
  const started = await startVmTask(ctx, vm, what, start, opts);
  try {
    return await waitForTask(ctx, started.task, { description: started.description, ...opts, vm });
  } finally {
    started.release();
  }
}

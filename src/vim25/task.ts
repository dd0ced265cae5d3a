/**
 * Waiting for tasks: one RetrievePropertiesEx first (most tasks are quick), then WaitForUpdatesEx on the task's
 * `info` (and the VM's `runtime.question`, to see questions the task runs into), or polling at the task poll
 * interval where WaitForUpdatesEx is missing. Reports progress, answers or reports questions, cancels on request.
 */
import { NotFoundError, OperationError } from '../errors.js';
import type { VimContext } from './context.js';
import { isVimFault, taskFaultError } from './faults.js';
import { CancelTask } from './generated/methods.js';
import { TaskProps, VirtualMachineProps } from './generated/props.js';
import type { MoRef, PropertyFilterSpec, TaskInfo, VirtualMachineQuestionInfo } from './generated/types.js';
import { prop, propertySpec, retrieveAll, type ObjectRecord } from './property.js';
import { PropertyWatcher, refKey } from './property-watch.js';
import { answerWithDefault, defaultChoice, questionError } from './question.js';

/** Options of waitForTask. */
export interface WaitForTaskOptions {
  /** Called when the task's progress or state changes. */
  onProgress?: (progress: { percent: number | undefined; info: TaskInfo }) => void;
  /** Aborting cancels the task (CancelTask, where the task allows it) and rejects with OperationError. */
  signal?: AbortSignal;
  /** The VM the task works on: its questions are watched and handled while waiting. */
  vm?: MoRef<'VirtualMachine'>;
  /** Answer VM questions with their default choice (default: the connection's autoAnswer). */
  autoAnswer?: boolean;
  /** Names the task in messages, e.g. "PowerOnVM_Task on VM 'web1'". */
  description?: string;
  /** Gives up (without cancelling) after this long. */
  timeoutMs?: number;
}

/** Asks the server to cancel a task; the task may refuse (NotSupported for non-cancelable tasks). */
export async function cancelTask(ctx: VimContext, task: MoRef<'Task'>): Promise<void> {
  await CancelTask(ctx.soap, task);
}

/** The filter spec for a task's info and, optionally, its VM's pending question. */
export function taskWatchSpec(task: MoRef<'Task'>, vm?: MoRef<'VirtualMachine'>): PropertyFilterSpec {
  const spec: PropertyFilterSpec = { propSet: [propertySpec('Task', [TaskProps.info])], objectSet: [{ obj: task, skip: false }] };
  if (vm !== undefined) {
    spec.propSet.push(propertySpec('VirtualMachine', [VirtualMachineProps.question]));
    spec.objectSet.push({ obj: vm, skip: false });
  }
  return spec;
}

/** Waits until the task succeeds (returns its final info, `result` included) or fails (throws its fault, mapped). */
export async function waitForTask(ctx: VimContext, task: MoRef<'Task'>, opts: WaitForTaskOptions = {}): Promise<TaskInfo> {
  const spec = taskWatchSpec(task, opts.vm);
  const autoAnswer = opts.autoAnswer ?? ctx.autoAnswer;
  const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  const handled = new Set<string>();
  let lastProgress: string | undefined;
  let watcher: PropertyWatcher | undefined;
  let records = await snapshot(ctx, spec, task);
  try {
    for (;;) {
      const taskRec = records.get(refKey(task));
      const info = taskRec === undefined ? undefined : prop(taskRec, TaskProps.info);
      if (info === undefined) throw new NotFoundError(`${describe(task, undefined, opts)}: the task no longer exists`);
      const context = describe(task, info, opts);
      const mark = `${info.state}:${info.progress ?? ''}`;
      if (mark !== lastProgress) {
        lastProgress = mark;
        opts.onProgress?.({ percent: info.progress, info });
      }
      if (info.state === 'success') return info;
      if (info.state === 'error') throw taskFaultError(info.error, context);

      const vmRec = opts.vm === undefined ? undefined : records.get(refKey(opts.vm));
      const question = vmRec === undefined ? undefined : prop(vmRec, VirtualMachineProps.question);
      if (opts.vm !== undefined && question !== undefined && !handled.has(question.id)) {
        // Without a default choice there is nothing to answer automatically: report it as auto_answer=0 would.
        if (!autoAnswer || defaultChoice(question) === undefined) throw await blockedByQuestion(ctx, task, question, context);
        await answerWithDefault(ctx, opts.vm, question, context);
        handled.add(question.id);
        continue;
      }

      if (aborted(opts.signal)) throw await cancelled(ctx, task, context);
      if (Date.now() >= deadline) throw new OperationError(`${context}: still ${info.state} after ${opts.timeoutMs} ms`);
      if (watcher === undefined && ctx.taskWait === 'updates') watcher = await makeWatcher(ctx, spec);
      try {
        if (watcher !== undefined) {
          await watcher.next(waitOptions(deadline, opts.signal));
          records = watcher.objects;
        } else {
          await sleep(Math.min(ctx.taskPollIntervalMs, Math.max(0, deadline - Date.now())), opts.signal);
          if (!aborted(opts.signal)) records = await snapshot(ctx, spec, task);
        }
      } catch (e) {
        if (!aborted(opts.signal)) throw e;
      }
      if (aborted(opts.signal)) throw await cancelled(ctx, task, context);
    }
  } finally {
    await watcher?.close();
  }
}

/** Cancels the task blocked by `q` if it can be cancelled, and builds the QuestionError saying what happened. */
async function blockedByQuestion(ctx: VimContext, task: MoRef<'Task'>, q: VirtualMachineQuestionInfo, context: string): Promise<Error> {
  let outcome = 'task cancelled';
  try {
    await cancelTask(ctx, task);
  } catch (e) {
    // A power-on task, for one, is not cancelable: it stays blocked until someone answers.
    outcome = `task ${task.value} left blocked, it could not be cancelled: ${e instanceof Error ? e.message : String(e)}`;
  }
  return questionError(q, `${context} (${outcome})`);
}

async function cancelled(ctx: VimContext, task: MoRef<'Task'>, context: string): Promise<Error> {
  try {
    await cancelTask(ctx, task);
    return new OperationError(`${context}: cancelled`);
  } catch (e) {
    return new OperationError(`${context}: aborted, but the task could not be cancelled: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}

async function snapshot(ctx: VimContext, spec: PropertyFilterSpec, task: MoRef<'Task'>): Promise<Map<string, ObjectRecord>> {
  try {
    const recs = await retrieveAll(ctx, [spec]);
    return new Map(recs.map((r) => [refKey(r.ref), r]));
  } catch (e) {
    if (isVimFault(e, 'ManagedObjectNotFound')) throw new NotFoundError(`task ${task.value} (or its VM) no longer exists`, { cause: e });
    throw e;
  }
}

async function makeWatcher(ctx: VimContext, spec: PropertyFilterSpec): Promise<PropertyWatcher | undefined> {
  try {
    return await PropertyWatcher.create(ctx, spec);
  } catch (e) {
    // GSX 2.0 and ESX 3.5 speak API 2.5, which has no WaitForUpdatesEx: poll from now on.
    if (!isVimFault(e, 'NotImplemented', 'NotSupported', 'MethodNotFound') && !/does not implement/i.test(String(e))) throw e;
    ctx.taskWait = 'poll';
    return undefined;
  }
}

function waitOptions(deadline: number, signal: AbortSignal | undefined): { maxWaitSeconds: number; signal?: AbortSignal } {
  const left = deadline === Infinity ? 30 : Math.ceil((deadline - Date.now()) / 1000);
  const o: { maxWaitSeconds: number; signal?: AbortSignal } = { maxWaitSeconds: Math.max(1, Math.min(30, left)) };
  if (signal !== undefined) o.signal = signal;
  return o;
}

function describe(task: MoRef<'Task'>, info: TaskInfo | undefined, opts: WaitForTaskOptions): string {
  if (opts.description !== undefined) return opts.description;
  const what = info?.name ?? info?.descriptionId ?? 'task';
  const on = info?.entityName !== undefined ? ` on '${info.entityName}'` : '';
  return `${what}${on} (${task.value})`;
}

// A function, not an inline test: TypeScript would keep a narrowed `aborted` across awaits.
function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    // Resolves on abort too: the caller checks the signal and cancels the task.
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

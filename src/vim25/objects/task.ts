/**
 * TaskHandle: a started vSphere task, as the object handles return it (govmomi's object.Task). wait() follows it
 * to its end as waitForTask does (one retrieve, then WaitForUpdatesEx or polling; the VM's questions handled for VM
 * tasks); progress() gives the same progress as an async iterator; cancel() asks the server to stop it.
 */
import type { VimContext } from '../context.js';
import { startTask, type TaskMethodName, type TaskMethods } from '../generated/flags.js';
import type { MoRef, TaskInfo } from '../generated/types.js';
import { cancelTask, waitForTask, type WaitForTaskOptions } from '../task.js';
import { startVmTask } from '../vm-task.js';

/** Options of TaskHandle.wait (the VM, for a VM task, is the handle's). */
export type TaskWaitOptions = Omit<WaitForTaskOptions, 'vm'>;

/** One progress report: the percentage (when the server gives one) and the task's info at that moment. */
export interface TaskProgress {
  percent: number | undefined;
  info: TaskInfo;
}

/** Options of a VM task's start: answer a pending question with its default first (default: the connection's auto_answer). */
export interface VmTaskOptions {
  autoAnswer?: boolean;
}

/** What a handle knows about the task beyond its reference. */
interface TaskContext {
  /** For a VM task: the VM whose questions are watched, and which stays busy for this connection until the end. */
  vm?: MoRef<'VirtualMachine'>;
  description?: string;
  autoAnswer?: boolean;
  release?: () => void;
}

/** A started task: wait for it, follow its progress, or cancel it. */
export class TaskHandle {
  /** The task's reference. */
  readonly ref: MoRef<'Task'>;
  readonly #ctx: VimContext;
  readonly #task: TaskContext;

  /** A handle on `ref`; the object handles pass what they know of the task (its VM, its name in messages). */
  constructor(ctx: VimContext, ref: MoRef<'Task'>, task: TaskContext = {}) {
    this.#ctx = ctx;
    this.ref = ref;
    this.#task = task;
  }

  /**
   * Waits until the task succeeds (its final info, `result` included) or fails (its fault as an EsxError). For a VM
   * task, its questions are answered (auto_answer) or reported, and once the wait is over, whatever its outcome, this
   * connection may start the VM's next task.
   */
  async wait(opts: TaskWaitOptions = {}): Promise<TaskInfo> {
    const o: WaitForTaskOptions = { ...opts };
    if (o.description === undefined && this.#task.description !== undefined) o.description = this.#task.description;
    if (o.autoAnswer === undefined && this.#task.autoAnswer !== undefined) o.autoAnswer = this.#task.autoAnswer;
    if (this.#task.vm !== undefined) o.vm = this.#task.vm;
    try {
      return await waitForTask(this.#ctx, this.ref, o);
    } finally {
      this.#task.release?.();
    }
  }

  /**
   * wait() as an async iterator of progress reports (each change of state or percentage); the iteration ends when
   * the task succeeds and throws what wait() would throw. Leaving the loop early does not stop the wait.
   */
  async *progress(opts: Omit<TaskWaitOptions, 'onProgress'> = {}): AsyncGenerator<TaskProgress, TaskInfo> {
    const queue: TaskProgress[] = [];
    let wake: (() => void) | undefined;
    let done = false;
    const result = this.wait({ ...opts, onProgress: (p) => (queue.push(p), wake?.()) }).finally(() => {
      done = true;
      wake?.();
    });
    // Rejections surface through the return below; this only keeps an abandoned iteration from an unhandled one.
    result.catch(() => undefined);
    for (;;) {
      for (let p = queue.shift(); p !== undefined; p = queue.shift()) yield p;
      if (done) return await result;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }

  /** Asks the server to cancel the task; one that cannot be cancelled (a power-on, say) is refused by the server. */
  cancel(): Promise<void> {
    return cancelTask(this.#ctx, this.ref);
  }
}

/** Starts task method `method` on `self` (no VM checks: for tasks on folders, hosts, files). */
export async function startTaskHandle<K extends TaskMethodName>(
  ctx: VimContext,
  method: K,
  self: TaskMethods[K]['this'],
  args: TaskMethods[K]['args'],
): Promise<TaskHandle> {
  return new TaskHandle(ctx, await startTask(ctx.soap, method, self, args));
}

/**
 * Starts task method `method` on `self` as a task of VM `vm` (self is the VM, or one of its snapshots): the checks
 * of runVmTask first (one task per VM and connection, pending questions and tasks), the method named once.
 */
export async function startVmTaskHandle<K extends TaskMethodName>(
  ctx: VimContext,
  vm: MoRef<'VirtualMachine'>,
  method: K,
  self: TaskMethods[K]['this'],
  args: TaskMethods[K]['args'],
  opts: VmTaskOptions = {},
): Promise<TaskHandle> {
  const started = await startVmTask(ctx, vm, method, () => startTask(ctx.soap, method, self, args), opts);
  const task: TaskContext = { vm, description: started.description, release: started.release };
  if (opts.autoAnswer !== undefined) task.autoAnswer = opts.autoAnswer;
  return new TaskHandle(ctx, started.task, task);
}

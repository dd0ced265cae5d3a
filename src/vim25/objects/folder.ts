/** FolderHandle: a folder's task methods (registering a VM); the tasks are not a VM's yet, so no VM checks apply. */
import type { VimContext } from '../context.js';
import type { TaskMethods } from '../generated/flags.js';
import type { MoRef } from '../generated/types.js';
import { startTaskHandle, type TaskHandle } from './task.js';

/** A folder of one connection (a datacenter's VM folder, for registering). */
export class FolderHandle {
  /** The folder's reference. */
  readonly ref: MoRef<'Folder'>;
  readonly #ctx: VimContext;

  /** A handle on `ref` through connection `ctx` (nothing is asked of the server). */
  constructor(ctx: VimContext, ref: MoRef<'Folder'>) {
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** RegisterVM_Task: adds the VM whose VMX file is `path` to the inventory; the task's result is the new VM. */
  registerVm(args: TaskMethods['RegisterVM_Task']['args']): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'RegisterVM_Task', this.ref, args);
  }
}

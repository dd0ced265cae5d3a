/** SnapshotHandle: one snapshot of a VM; reverting and removing it are tasks of that VM (one at a time, questions handled). */
import type { VimContext } from '../context.js';
import type { TaskMethods } from '../generated/flags.js';
import type { MoRef } from '../generated/types.js';
import { startVmTaskHandle, type TaskHandle, type VmTaskOptions } from './task.js';

/** A snapshot of VM `vm`. */
export class SnapshotHandle {
  /** The snapshot's reference. */
  readonly ref: MoRef<'VirtualMachineSnapshot'>;
  /** The VM it belongs to. */
  readonly vm: MoRef<'VirtualMachine'>;
  readonly #ctx: VimContext;

  /** A handle on snapshot `ref` of `vm` through connection `ctx` (nothing is asked of the server). */
  constructor(ctx: VimContext, ref: MoRef<'VirtualMachineSnapshot'>, vm: MoRef<'VirtualMachine'>) {
    this.#ctx = ctx;
    this.ref = ref;
    this.vm = vm;
  }

  /** RevertToSnapshot_Task: the VM returns to the snapshot, its power state included (unless suppressPowerOn). */
  revert(args: TaskMethods['RevertToSnapshot_Task']['args'] = {}, opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.vm, 'RevertToSnapshot_Task', this.ref, args, opts);
  }

  /** RemoveSnapshot_Task: deletes the snapshot (its state merged into the VM's disks), and with removeChildren its descendants. */
  remove(args: TaskMethods['RemoveSnapshot_Task']['args'], opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.vm, 'RemoveSnapshot_Task', this.ref, args, opts);
  }
}

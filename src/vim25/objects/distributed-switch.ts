/** Handles of a distributed switch and of its port groups: their task methods (vCenter only). */
import type { VimContext } from '../context.js';
import type { TaskMethods } from '../generated/flags.js';
import type { MoRef } from '../generated/types.js';
import { startTaskHandle, type TaskHandle } from './task.js';

/** A distributed virtual switch of one connection. */
export class DistributedSwitchHandle {
  /** The switch's reference. */
  readonly ref: MoRef<'DistributedVirtualSwitch'>;
  readonly #ctx: VimContext;

  /** A handle on `ref` through connection `ctx` (nothing is asked of the server). */
  constructor(ctx: VimContext, ref: MoRef<'DistributedVirtualSwitch'>) {
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** AddDVPortgroup_Task: adds port groups described by `spec`. */
  addPortgroups(args: TaskMethods['AddDVPortgroup_Task']['args']): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'AddDVPortgroup_Task', this.ref, args);
  }
}

/** A distributed port group of one connection. */
export class DistributedPortgroupHandle {
  /** The port group's reference. */
  readonly ref: MoRef<'DistributedVirtualPortgroup'>;
  readonly #ctx: VimContext;

  /** A handle on `ref` through connection `ctx` (nothing is asked of the server). */
  constructor(ctx: VimContext, ref: MoRef<'DistributedVirtualPortgroup'>) {
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** ReconfigureDVPortgroup_Task: applies `spec` (its configVersion must be the current one). */
  reconfigure(args: TaskMethods['ReconfigureDVPortgroup_Task']['args']): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'ReconfigureDVPortgroup_Task', this.ref, args);
  }

  /** Destroy_Task: removes the port group (the server refuses while VMs use it). */
  destroy(): Promise<TaskHandle> {
    return startTaskHandle(this.#ctx, 'Destroy_Task', this.ref, {});
  }
}

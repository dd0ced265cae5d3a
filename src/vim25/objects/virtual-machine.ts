/**
 * VirtualMachineHandle: one VM's operations (govmomi's object.VirtualMachine). Task methods start their task the
 * way libvirt's ESX driver does (one task per VM and connection, a pending question answered per auto_answer or
 * reported, other pending tasks refused) and return a TaskHandle to wait for; the guest operations return when the
 * server has taken the request.
 */
import type { VimContext } from '../context.js';
import type { TaskMethods } from '../generated/flags.js';
import { RebootGuest, ShutdownGuest, StandbyGuest, UnregisterVM } from '../generated/methods.js';
import type { MoRef, VirtualMachineConfigSpec } from '../generated/types.js';
import { SnapshotHandle } from './snapshot.js';
import { startVmTaskHandle, type TaskHandle, type VmTaskOptions } from './task.js';

/** A virtual machine of one connection. */
export class VirtualMachineHandle {
  /** The VM's reference. */
  readonly ref: MoRef<'VirtualMachine'>;
  readonly #ctx: VimContext;

  /** A handle on `ref` through connection `ctx` (nothing is asked of the server). */
  constructor(ctx: VimContext, ref: MoRef<'VirtualMachine'>) {
    this.#ctx = ctx;
    this.ref = ref;
  }

  /** PowerOnVM_Task; `host` picks the host on a vCenter (else DRS may choose). */
  powerOn(args: TaskMethods['PowerOnVM_Task']['args'] = {}, opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'PowerOnVM_Task', this.ref, args, opts);
  }

  /** PowerOffVM_Task: off at once, as pulling the plug. */
  powerOff(opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'PowerOffVM_Task', this.ref, {}, opts);
  }

  /** ResetVM_Task: a hard reset. */
  reset(opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'ResetVM_Task', this.ref, {}, opts);
  }

  /** SuspendVM_Task: memory to disk. */
  suspend(opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'SuspendVM_Task', this.ref, {}, opts);
  }

  /** ReconfigVM_Task with `spec`. */
  reconfigure(spec: VirtualMachineConfigSpec, opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'ReconfigVM_Task', this.ref, { spec }, opts);
  }

  /** CreateSnapshot_Task; the task's result is the new snapshot's reference. */
  createSnapshot(args: TaskMethods['CreateSnapshot_Task']['args'], opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'CreateSnapshot_Task', this.ref, args, opts);
  }

  /** Destroy_Task: unregisters the VM and deletes its files. */
  destroy(opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'Destroy_Task', this.ref, {}, opts);
  }

  /** RelocateVM_Task: moves the VM to another host, pool or datastore (disks per locator). */
  relocate(args: TaskMethods['RelocateVM_Task']['args'], opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'RelocateVM_Task', this.ref, args, opts);
  }

  /** MigrateVM_Task: moves the VM to another host or pool, only if it is in `state` when given. */
  migrate(args: TaskMethods['MigrateVM_Task']['args'], opts?: VmTaskOptions): Promise<TaskHandle> {
    return startVmTaskHandle(this.#ctx, this.ref, 'MigrateVM_Task', this.ref, args, opts);
  }

  /** A snapshot of this VM, for revert and remove. */
  snapshot(ref: MoRef<'VirtualMachineSnapshot'>): SnapshotHandle {
    return new SnapshotHandle(this.#ctx, ref, this.ref);
  }

  /** ShutdownGuest: asks VMware Tools to shut the guest down; returns at once. */
  async shutdownGuest(): Promise<void> {
    await ShutdownGuest(this.#ctx.soap, this.ref);
  }

  /** RebootGuest: asks VMware Tools to reboot the guest; returns at once. */
  async rebootGuest(): Promise<void> {
    await RebootGuest(this.#ctx.soap, this.ref);
  }

  /** StandbyGuest: asks VMware Tools to put the guest in standby; returns at once. */
  async standbyGuest(): Promise<void> {
    await StandbyGuest(this.#ctx.soap, this.ref);
  }

  /** UnregisterVM: removes the VM from the inventory, keeping its files. */
  async unregister(): Promise<void> {
    await UnregisterVM(this.#ctx.soap, this.ref);
  }
}

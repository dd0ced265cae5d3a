/**
 * Power operations as virsh names them, mapped the way libvirt's ESX driver maps them: start/resume
 * PowerOnVM_Task, destroy PowerOffVM_Task, reset ResetVM_Task (the hard reboot), suspend SuspendVM_Task, shutdown
 * and reboot ShutdownGuest/RebootGuest (VMware Tools required, libvirt's ESX driver page). The state is checked first so a wrong one
 * gives libvirt's InvalidStateError message rather than a vSphere fault; tasks start through the VM's handle (one task
 * per VM, questions per auto_answer). Each returns the domain as it was found before the operation.
 */
import { InvalidStateError } from '../../errors.js';
import { VirtualMachineHandle, type AnyPropPath, type MoRef, type TaskHandle } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainRef, DomainState } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';
import { requireToolsRunning, toolsStatusPath } from './guest.js';

/** The InvalidStateError message for an operation in a state it does not accept, or undefined when it accepts it. */
export type StateRule = (state: DomainState) => string | undefined;

/** Accepted states of each operation, with libvirt's wording for the others ('no state' is left to the server). */
export const STATE_RULES = {
  start: (s) =>
    s === 'running' ? 'domain is already running' : s === 'paused' ? "domain is suspended: use 'resume' to power it on again" : undefined,
  shutdown: (s) => (s === 'shut off' || s === 'paused' ? 'domain is not running' : undefined),
  reboot: (s) => (s === 'shut off' || s === 'paused' ? 'domain is not running' : undefined),
  reset: (s) => (s === 'shut off' || s === 'paused' ? 'domain is not running' : undefined),
  // Powering off a suspended VM discards its suspended state, as destroying a paused domain does.
  destroy: (s) => (s === 'shut off' ? 'domain is not running' : undefined),
  suspend: (s) => (s === 'shut off' ? 'domain is not running' : s === 'paused' ? 'domain is already suspended' : undefined),
  resume: (s) => (s === 'shut off' ? 'domain is not running' : s === 'running' ? 'domain is not suspended' : undefined),
} satisfies Record<string, StateRule>;

/** A lifecycle operation's name. */
export type LifecycleOp = keyof typeof STATE_RULES;

async function checked(conn: Connection, domain: DomainArg, op: LifecycleOp, paths: readonly AnyPropPath[] = []) {
  const found = await resolveDomain(conn, domain, paths);
  const wrong = STATE_RULES[op](found.dom.state);
  if (wrong !== undefined) throw new InvalidStateError(wrong);
  return found;
}

async function powerOn(conn: Connection, vm: MoRef<'VirtualMachine'>): Promise<void> {
  // Through a vCenter, name the connection's host so DRS does not start the VM elsewhere, out of this connection's view.
  const args = conn.isVCenter ? { host: conn.host.hostSystem } : {};
  const task = await new VirtualMachineHandle(conn.client, vm).powerOn(args);
  await task.wait();
}

/** virsh start: powers a shut-off domain on. */
export async function startDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  const { dom } = await checked(conn, domain, 'start');
  await powerOn(conn, dom.ref);
  return dom;
}

/** virsh resume: powers a suspended domain on again. */
export async function resumeDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  const { dom } = await checked(conn, domain, 'resume');
  await powerOn(conn, dom.ref);
  return dom;
}

// destroy, reset and suspend: one VM task each, after the state check.
async function simpleTask(
  conn: Connection,
  domain: DomainArg,
  op: 'destroy' | 'reset' | 'suspend',
  start: (vm: VirtualMachineHandle) => Promise<TaskHandle>,
): Promise<DomainRef> {
  const { dom } = await checked(conn, domain, op);
  const task = await start(new VirtualMachineHandle(conn.client, dom.ref));
  await task.wait();
  return dom;
}

/** virsh destroy: powers the domain off at once (PowerOffVM_Task). */
export function destroyDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  return simpleTask(conn, domain, 'destroy', (vm) => vm.powerOff());
}

/** virsh reset: a hard reboot (ResetVM_Task). */
export function resetDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  return simpleTask(conn, domain, 'reset', (vm) => vm.reset());
}

/** virsh suspend: SuspendVM_Task (memory to disk; libvirt reports the domain as paused). */
export function suspendDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  return simpleTask(conn, domain, 'suspend', (vm) => vm.suspend());
}

/** virsh shutdown: asks the guest to shut down (ShutdownGuest returns at once; the guest takes its time). */
export async function shutdownDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  const { dom, rec } = await checked(conn, domain, 'shutdown', [toolsStatusPath(conn.product.apiVersion)]);
  requireToolsRunning(rec, dom.name);
  await new VirtualMachineHandle(conn.client, dom.ref).shutdownGuest();
  return dom;
}

/** virsh reboot: asks the guest to reboot (RebootGuest). */
export async function rebootDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  const { dom, rec } = await checked(conn, domain, 'reboot', [toolsStatusPath(conn.product.apiVersion)]);
  requireToolsRunning(rec, dom.name);
  await new VirtualMachineHandle(conn.client, dom.ref).rebootGuest();
  return dom;
}

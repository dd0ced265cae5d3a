/**
 * Power operations as virsh names them, mapped the way libvirt's ESX driver maps them: start/resume
 * PowerOnVM_Task, destroy PowerOffVM_Task, reset ResetVM_Task (the hard reboot), suspend SuspendVM_Task, shutdown
 * and reboot ShutdownGuest/RebootGuest (VMware Tools required: the server checks). The state is checked first so a wrong one
 * gives libvirt's InvalidStateError message rather than a vSphere fault; tasks start through the VM's handle (one task
 * per VM, questions per auto_answer). Each returns the domain as it was found before the operation.
 */
import { InvalidStateError, UnsupportedError } from '../../errors.js';
import { isVimFault, VirtualMachineHandle, type AnyPropPath, type MoRef, type TaskHandle } from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainRef, DomainState } from './ref.js';
import { resolveDomain, type DomainArg } from './resolve.js';

/** The InvalidStateError message for an operation in a state it does not accept, or undefined when it accepts it. */
export type StateRule = (state: DomainState) => string | undefined;

/**
 * Accepted states of each operation, refused with libvirt's ESX driver's own words (virsh 9.0 prints them so): the
 * state comes with the lookup, so the check costs no round trip. 'no state' is left to the server. Powering off a
 * suspended VM is allowed (vSphere allows it; libvirt's driver refuses it): it discards the suspended state, as
 * destroying a paused domain does. Reset is not in libvirt's ESX driver; it follows destroy's rule.
 */
export const STATE_RULES = {
  // virsh's own check before it calls the driver: an active domain (one with an id) cannot be started.
  start: (s) => (s === 'running' || s === 'paused' ? 'Domain is already active' : undefined),
  shutdown: (s) => (s === 'shut off' || s === 'paused' ? 'Domain is not powered on' : undefined),
  reboot: (s) => (s === 'shut off' || s === 'paused' ? 'Domain is not powered on' : undefined),
  reset: (s) => (s === 'shut off' || s === 'paused' ? 'Domain is not powered on' : undefined),
  destroy: (s) => (s === 'shut off' ? 'Domain is not powered on' : undefined),
  suspend: (s) => (s === 'shut off' || s === 'paused' ? 'Domain is not powered on' : undefined),
  resume: (s) => (s === 'shut off' || s === 'running' ? 'Domain is not suspended' : undefined),
} satisfies Record<string, StateRule>;

/** A lifecycle operation's name. */
export type LifecycleOp = keyof typeof STATE_RULES;

async function checked(conn: Connection, domain: DomainArg, op: LifecycleOp, paths: readonly AnyPropPath[] = []) {
  const found = await resolveDomain(conn, domain, paths);
  const wrong = STATE_RULES[op](found.dom.state);
  if (wrong !== undefined) throw new InvalidStateError(wrong, { bare: op === 'start' });
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

/**
 * The server's refusal of a guest operation in one line: the guest operations need VMware Tools running in the guest,
 * which the server checks (a pre-check here would cost a round trip and could be stale).
 */
function guestRefusal(e: unknown, what: 'shut down' | 'reboot', name: string): unknown {
  if (isVimFault(e, 'ToolsUnavailable')) {
    const cause = { cause: e };
    return new InvalidStateError(
      `cannot ${what} domain '${name}': VMware Tools are not running in the guest (use destroy to power it off)`,
      cause,
    );
  }
  if (isVimFault(e, 'InvalidPowerState', 'InvalidState')) return new InvalidStateError('Domain is not powered on', { cause: e });
  if (isVimFault(e, 'NotSupported'))
    return new UnsupportedError(`cannot ${what} domain '${name}': the server does not support it for this VM`, { cause: e });
  return e;
}

/** virsh shutdown: asks the guest to shut down (ShutdownGuest returns at once; the guest takes its time). */
export async function shutdownDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  const { dom } = await checked(conn, domain, 'shutdown');
  try {
    await new VirtualMachineHandle(conn.client, dom.ref).shutdownGuest();
  } catch (e) {
    throw guestRefusal(e, 'shut down', dom.name);
  }
  return dom;
}

/** virsh reboot: asks the guest to reboot (RebootGuest). */
export async function rebootDomain(conn: Connection, domain: DomainArg): Promise<DomainRef> {
  const { dom } = await checked(conn, domain, 'reboot');
  try {
    await new VirtualMachineHandle(conn.client, dom.ref).rebootGuest();
  } catch (e) {
    throw guestRefusal(e, 'reboot', dom.name);
  }
  return dom;
}

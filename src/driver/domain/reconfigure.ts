/**
 * Applying a VirtualMachineConfigSpec so that it takes effect once or not at all. ReconfigVM_Task is atomic on ESX
 * (the vSphere API reference: the changes are applied as one operation), so the only way to end half-changed is on
 * the client's side: a request whose answer was lost may or may not have run. After a lost connection or an error
 * status, the VM is read again and the spec judged against it (vmconfig's specOutcome): in effect → done; not at
 * all → sent again (config.changeVersion, when the server keeps one, makes a late duplicate fail with
 * ConcurrentAccess instead of applying twice); in part → an error saying so. What the server refuses is one line
 * naming the change, and the VM stays as it was.
 *
 * A spec for an active domain is first checked against ESX's hot-plug rules (vmconfig's liveChangeProblems) and
 * refused with the changes that need the domain shut off, rather than sent for the server to refuse.
 */
import { EsxError, InvalidStateError, OperationError } from '../../errors.js';
import { findFault, isVimFault, mapFault, VirtualMachineHandle, type VirtualMachineConfigSpec } from '../../vim25/index.js';
import { isEmptySpec, liveChangeProblems, specOutcome } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { rereadVmConfig, type VmConfig } from './vm-config.js';

/** How often a reconfiguration whose answer was lost is sent at most. */
const MAX_SENDS = 4;

/** Options of applyConfigSpec. */
export interface ApplyOptions {
  /** What is done, for messages: "attach disk 'sdb'". */
  what: string;
  /** Skip the hot-plug rules (the caller checked them). */
  skipLiveCheck?: boolean;
}

/** The error for a change the server refused: one line naming the change, the fault's class kept. */
export function refusal(e: unknown, what: string, domain: string): unknown {
  const fault = findFault(e);
  if (fault === undefined) return e;
  const mapped = mapFault(fault, `cannot ${what} on domain '${domain}'`);
  if (mapped !== fault) return mapped;
  return new OperationError(`cannot ${what} on domain '${domain}': ${fault.message}`, { cause: e });
}

/** Throws when the active domain cannot take `spec` (ESX's hot-plug rules), naming what needs it shut off. */
export function checkLiveChange(cfg: VmConfig, spec: VirtualMachineConfigSpec, what: string): void {
  if (cfg.live === undefined) return;
  const problems = liveChangeProblems(spec, cfg.view.hardware?.device ?? [], cfg.live);
  if (problems.length === 0) return;
  const state = cfg.live.state === 'running' ? 'running' : 'suspended';
  throw new InvalidStateError(
    `cannot ${what} on ${state} domain '${cfg.dom.name}': ${problems.join('; ')} ${problems.length > 1 ? 'need' : 'needs'} the domain shut off`,
  );
}

/** Sends `spec` to the VM (one ReconfigVM_Task, converging after lost answers); returns the VM as it is after. */
export async function applyConfigSpec(
  conn: Connection,
  cfg: VmConfig,
  spec: VirtualMachineConfigSpec,
  opts: ApplyOptions,
): Promise<VmConfig> {
  if (isEmptySpec(spec)) return cfg;
  if (!opts.skipLiveCheck) checkLiveChange(cfg, spec, opts.what);
  const send: VirtualMachineConfigSpec = { ...spec, ...(cfg.changeVersion !== undefined ? { changeVersion: cfg.changeVersion } : {}) };
  const vm = new VirtualMachineHandle(conn.client, cfg.dom.ref);
  let lost: unknown;
  for (let n = 0; n < MAX_SENDS; n++) {
    try {
      await (await vm.reconfigure(send)).wait({ description: `ReconfigVM_Task (${opts.what})` });
      return await rereadVmConfig(conn, cfg.dom);
    } catch (e) {
      const refused = findFault(e) !== undefined;
      // a resent spec refused for a changed configuration may be the first one having run after all
      if (refused && !(n > 0 && isVimFault(e, 'ConcurrentAccess'))) throw refusal(e, opts.what, cfg.dom.name);
      if (!refused && !(e instanceof EsxError && ['ConnectionError', 'HttpError'].includes(e.code))) throw e;
      lost = e;
    }
    // Attempt n reads the VM n + 2 times and judges the last read: a request whose answer was lost may still be
    // running on the server, and a fault that strikes every k-th call cannot keep landing on the resend.
    let after = await rereadVmConfig(conn, cfg.dom);
    for (let r = 0; r <= n; r++) after = await rereadVmConfig(conn, cfg.dom);
    const outcome = specOutcome(send, cfg.view, after.view);
    if (outcome === 'all') return after;
    if (outcome === 'partial')
      throw new OperationError(
        `cannot tell whether '${opts.what}' took effect on domain '${cfg.dom.name}': the VM shows part of the change after a lost answer (${lost instanceof Error ? lost.message : String(lost)}); check with dumpxml`,
      );
    if (isVimFault(lost, 'ConcurrentAccess')) throw refusal(lost, opts.what, cfg.dom.name);
  }
  throw new OperationError(
    `cannot ${opts.what} on domain '${cfg.dom.name}': the server did not answer ${MAX_SENDS} times (${lost instanceof Error ? lost.message : String(lost)}); the VM is unchanged`,
    { cause: lost },
  );
}

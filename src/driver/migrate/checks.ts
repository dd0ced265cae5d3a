/**
 * The server's own verdict on a planned move, asked before anything moves: the provisioning checker's
 * CheckRelocate_Task / CheckMigrate_Task (vSphere 4.0 and later; errors forbid the move, warnings do not), else
 * ServiceInstance.QueryVMotionCompatibility for a live host change. A server offering neither (vcsim 0.24.2) is
 * noted once per session and the move goes on: the task itself still refuses what cannot be done.
 */
import { OperationError } from '../../errors.js';
import { findFault, methods, startTask, waitForTask, type CheckResult, type LocalizedMethodFault, type MoRef } from '../../vim25/index.js';
import { cacheOf, connectionLost } from './places.js';
import { isMissingMethod, type Placement } from './placement.js';

/** What the checks said. */
export interface CheckReport {
  /** Which check ran: the checker's task, the compatibility query, or none (the server offers neither). */
  by: 'CheckRelocate_Task' | 'CheckMigrate_Task' | 'QueryVMotionCompatibility' | 'none';
  errors: string[];
  warnings: string[];
}

/** One line for a fault the checks report: its message, and its type when the message does not say it. */
export function faultLine(f: LocalizedMethodFault): string {
  const type = f.fault?._type ?? 'MethodFault';
  const msg = (f.localizedMessage ?? '').replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  return msg === '' || msg === type ? type : `${msg} (${type})`;
}

/** Runs the checks for `p`; `note` hears, once per session, that the server has none. */
export async function runChecks(p: Placement, note: (message: string) => void): Promise<CheckReport> {
  const { vc, vm, spec } = p.refs;
  const client = vc.client;
  const cache = cacheOf(client);
  const checker = client.serviceContent.vmProvisioningChecker;
  const method = p.method === 'MigrateVM_Task' ? 'CheckMigrate_Task' : 'CheckRelocate_Task';
  if (checker !== undefined && !cache.missing.has(method)) {
    try {
      return await checkerTask(client, checker, vm, p, method);
    } catch (e) {
      if (!isMissingMethod(e)) throw e;
      cache.missing.add(method);
    }
  }
  const hostChange = spec.host !== undefined && spec.host.value !== p.refs.facts.host.value;
  if (p.live && hostChange && !cache.missing.has('QueryVMotionCompatibility')) {
    try {
      const res = await methods.QueryVMotionCompatibility(client.soap, client.serviceInstance, {
        vm,
        host: [spec.host as MoRef<'HostSystem'>],
      });
      const got = res?.[0]?.compatibility ?? [];
      const lacking = ['cpu', 'software'].filter((c) => !got.includes(c));
      const errors = lacking.length === 0 ? [] : [`host '${p.to.host}' is not vMotion-compatible with the domain (${lacking.join(', ')})`];
      return { by: 'QueryVMotionCompatibility', errors, warnings: [] };
    } catch (e) {
      if (!isMissingMethod(e)) throw e;
      cache.missing.add('QueryVMotionCompatibility');
    }
  }
  if (!cache.missing.has('noted-no-checks')) {
    cache.missing.add('noted-no-checks');
    note(
      `${client.target} offers no migration checks (${method}${p.live && hostChange ? ', QueryVMotionCompatibility' : ''}): going on without them`,
    );
  }
  return { by: 'none', errors: [], warnings: [] };
}

async function checkerTask(
  client: Placement['refs']['vc']['client'],
  checker: MoRef<'VirtualMachineProvisioningChecker'>,
  vm: MoRef<'VirtualMachine'>,
  p: Placement,
  method: 'CheckRelocate_Task' | 'CheckMigrate_Task',
): Promise<CheckReport> {
  const { spec } = p.refs;
  const start = (): Promise<MoRef<'Task'>> =>
    method === 'CheckMigrate_Task'
      ? startTask(client.soap, 'CheckMigrate_Task', checker, {
          vm,
          ...(spec.host !== undefined ? { host: spec.host } : {}),
          ...(spec.pool !== undefined ? { pool: spec.pool } : {}),
          ...(p.requiredState !== undefined ? { state: p.requiredState } : {}),
        })
      : startTask(client.soap, 'CheckRelocate_Task', checker, { vm, spec });
  // A check changes nothing, so unlike the move it may be started again after a lost connection.
  let task: MoRef<'Task'> | undefined;
  for (let attempt = 1; task === undefined; attempt++) {
    try {
      task = await start();
    } catch (e) {
      if (!connectionLost(e) || attempt >= 3) throw e;
    }
  }
  let info;
  try {
    info = await waitForTask(client, task, { description: `${method} for domain '${p.domain.name}'` });
  } catch (e) {
    // the checker refused the request itself (an invalid move): that is its verdict
    const fault = findFault(e);
    if (fault === undefined) throw e;
    return { by: method, errors: [faultLine({ fault: { _type: fault.faultType }, localizedMessage: fault.faultString })], warnings: [] };
  }
  const results = (Array.isArray(info.result) ? info.result : []) as CheckResult[];
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const r of results) {
    for (const f of r.error ?? []) errors.push(faultLine(f));
    for (const f of r.warning ?? []) warnings.push(faultLine(f));
  }
  return { by: method, errors, warnings };
}

/** Refuses the move when the checks found errors (or warnings, with abortOnWarnings). */
export function enforceChecks(p: Placement, report: CheckReport, abortOnWarnings: boolean): void {
  const blocking = abortOnWarnings ? [...report.errors, ...report.warnings] : report.errors;
  if (blocking.length === 0) return;
  const where = p.to.host !== undefined ? `host '${p.to.host}'` : `cluster '${p.to.computeResource}'`;
  const what = abortOnWarnings && report.errors.length === 0 ? 'warn about (--abort-on-error)' : 'refuse';
  throw new OperationError(
    `the server's checks ${what} migrating domain '${p.domain.name}' to ${where}: ${blocking.join('; ')}; nothing moved`,
  );
}

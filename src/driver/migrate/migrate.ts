/**
 * migrateDomain: libvirt's virDomainMigrate for ESX through vCenter. Plan (placement.ts), the server's checks
 * (checks.ts; --dryrun stops there), one task started on the VM (one task per VM, pending questions per
 * auto_answer), followed with progress, cancelled on abort or timeout, and the VM's new place verified before
 * success is reported. A dropped connection while the task starts is resolved by looking, never by a blind
 * repeat: a task found running is adopted, a VM found moved is done, otherwise the task never started and is
 * started once.
 */
import { InvalidStateError, OperationError, QuestionError } from '../../errors.js';
import {
  precheckVm,
  prop,
  retrieveOne,
  startTask,
  startVmTask,
  TaskHandle,
  TaskProps,
  type MoRef,
  type TaskInfo,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import type { DomainArg } from '../domain/resolve.js';
import { enforceChecks, runChecks, type CheckReport } from './checks.js';
import { describeLocation, locationOf, readVmFacts, type MigrationLocation } from './facts.js';
import { cacheOf, connectionLost } from './places.js';
import { closePlacement, isMissingMethod, placement, type DrsDecision, type Placement, type PlacementOptions } from './placement.js';

/** Options of migrateDomain (PlacementOptions: --live, --offline, --datastore, --resource-pool, --priority). */
export interface MigrateOptions extends PlacementOptions {
  /** Stop after the checks (nothing moves). */
  dryRun?: boolean;
  /** Refuse when the checks only warn (virsh --abort-on-error: soft errors abort). */
  abortOnWarnings?: boolean;
  /** Cancel the task when it runs longer (the VM stays where it was). */
  timeoutMs?: number;
  /** Cancel the task when aborted (Ctrl-C). */
  signal?: AbortSignal;
  /** Answer the VM's questions with their default choice (default: the vCenter connection's auto_answer). */
  autoAnswer?: boolean;
  /** Progress of the task, in percent when the server says. */
  onProgress?: (p: { percent: number | undefined; state: string }) => void;
  /** Notes: check warnings, absent checks, fallbacks, DRS's choice. */
  onNote?: (message: string) => void;
}

/** What a migration did (or, with dryRun, would do). */
export interface MigrationResult {
  domain: { name: string; uuid: string };
  dryRun: boolean;
  method: Placement['method'];
  live: boolean;
  from: MigrationLocation;
  /** The verified new place (dryRun: the planned one, host unknown when DRS picks it). */
  to: MigrationLocation | (Placement['to'] & { planned: true });
  drs?: DrsDecision;
  checks: CheckReport;
  /** The task's moid, and how long it ran on the server. */
  task?: string;
  taskMs?: number;
  /** True when the VM was found moved after the connection dropped while starting (no task to follow). */
  recovered?: boolean;
}

class AlreadyMoved extends Error {}

/** Migrates `domain` of `conn` to `dest` (vpx://vc/dc/[cluster/]host, vpx://vc/dc/cluster, esx://host?vcenter=…). */
export async function migrateDomain(
  conn: Connection,
  domain: DomainArg,
  dest: string,
  opts: MigrateOptions = {},
): Promise<MigrationResult> {
  const note = opts.onNote ?? (() => undefined);
  const p = await placement(conn, domain, dest, opts);
  try {
    const checks = await runChecks(p, note);
    for (const w of checks.warnings) note(`migration check: ${w}`);
    enforceChecks(p, checks, opts.abortOnWarnings === true);
    const base = {
      domain: p.domain,
      method: p.method,
      live: p.live,
      from: p.from,
      ...(p.drs !== undefined ? { drs: p.drs } : {}),
      checks,
    };
    if (opts.dryRun) return { ...base, dryRun: true, to: { ...p.to, planned: true } };
    return await run(p, base, opts, note);
  } finally {
    await closePlacement(p);
  }
}

async function run(
  p: Placement,
  base: Omit<MigrationResult, 'dryRun' | 'to'>,
  opts: MigrateOptions,
  note: (m: string) => void,
): Promise<MigrationResult> {
  const { vc, vm } = p.refs;
  const client = vc.client;
  const what = p.method;
  let method = p.method;
  const startOnce = async (): Promise<MoRef<'Task'>> => {
    if (method === 'MigrateVM_Task') {
      try {
        return await startTask(client.soap, 'MigrateVM_Task', vm, {
          priority: p.priority,
          ...(p.refs.spec.pool !== undefined ? { pool: p.refs.spec.pool } : {}),
          ...(p.refs.spec.host !== undefined ? { host: p.refs.spec.host } : {}),
          ...(p.requiredState !== undefined ? { state: p.requiredState } : {}),
        });
      } catch (e) {
        if (!isMissingMethod(e)) throw e;
        // The server has only RelocateVM_Task (vcsim 0.24.2): the power-state condition is checked here instead.
        cacheOf(client).missing.add('MigrateVM_Task');
        note(`${client.target} has no MigrateVM_Task: moving with RelocateVM_Task after checking the power state here`);
        method = 'RelocateVM_Task';
        const state = (await readVmFacts(client, vm)).powerState;
        if (p.requiredState !== undefined && state !== p.requiredState) {
          throw new InvalidStateError(`domain is ${state === 'poweredOn' ? 'running' : 'not running'}: not moved`);
        }
      }
    }
    return startTask(client.soap, 'RelocateVM_Task', vm, { spec: p.refs.spec, priority: p.priority });
  };
  const converging = async (): Promise<MoRef<'Task'>> => {
    try {
      return await startOnce();
    } catch (e) {
      if (!connectionLost(e)) throw e;
      note(`the connection failed while starting ${method} (${e instanceof Error ? e.message : String(e)}): looking whether it started`);
      const pending = (await precheckVm(client, vm)).pending.find((t) => /\.(relocate|migrate)$/i.test(t.descriptionId ?? ''));
      if (pending !== undefined) return pending.task;
      if (await isAtTarget(p)) throw new AlreadyMoved();
      return startOnce();
    }
  };
  const controller = new AbortController();
  let reason = '';
  const abort = (why: string): void => {
    if (reason === '') reason = why;
    controller.abort();
  };
  const onSignal = (): void => abort('interrupted');
  opts.signal?.addEventListener('abort', onSignal, { once: true });
  if (opts.signal?.aborted) abort('interrupted');
  const timer =
    opts.timeoutMs !== undefined ? setTimeout(() => abort(`--timeout after ${opts.timeoutMs! / 1000} s`), opts.timeoutMs) : undefined;
  let task: TaskHandle | undefined;
  try {
    if (controller.signal.aborted) {
      throw new OperationError(`migration of domain '${p.domain.name}' ${reason} before it started: nothing moved`);
    }
    let started;
    try {
      started = await startVmTask(client, vm, what, converging, opts.autoAnswer !== undefined ? { autoAnswer: opts.autoAnswer } : {});
    } catch (e) {
      if (!(e instanceof AlreadyMoved)) throw e;
      return { ...base, method, dryRun: false, to: await verify(p), recovered: true };
    }
    task = new TaskHandle(client, started.task, {
      vm,
      description: `${method} of domain '${p.domain.name}'`,
      release: started.release,
      ...(opts.autoAnswer !== undefined ? { autoAnswer: opts.autoAnswer } : {}),
    });
    let info: TaskInfo;
    try {
      info = await task.wait({
        signal: controller.signal,
        onProgress: (pr) => opts.onProgress?.({ percent: pr.percent, state: pr.info.state }),
      });
    } catch (e) {
      if (!controller.signal.aborted && !(e instanceof QuestionError)) throw e;
      const final = await settle(client, started.task);
      if (final?.state !== 'success') {
        const at = await stayed(p);
        if (e instanceof QuestionError) throw e;
        throw new OperationError(`migration of domain '${p.domain.name}' cancelled (${reason}): it stays on ${describeLocation(at)}`, {
          cause: e,
        });
      }
      note(`the cancel (${reason}) came too late: the migration had completed`);
      info = final;
    }
    const taskMs =
      info.startTime && info.completeTime ? new Date(info.completeTime).getTime() - new Date(info.startTime).getTime() : undefined;
    return {
      ...base,
      method,
      dryRun: false,
      to: await verify(p),
      task: started.task.value,
      ...(taskMs !== undefined ? { taskMs } : {}),
    };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onSignal);
  }
}

/** The task's final info once it stops running (a cancel takes a moment), or undefined after a minute. */
async function settle(client: Placement['refs']['vc']['client'], task: MoRef<'Task'>): Promise<TaskInfo | undefined> {
  for (let i = 0; i < 600; i++) {
    const info = prop(await retrieveOne(client, task, [TaskProps.info]), TaskProps.info);
    if (info === undefined || (info.state !== 'running' && info.state !== 'queued')) return info;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** True when the VM already is where the plan sends it. */
async function isAtTarget(p: Placement): Promise<boolean> {
  const facts = await readVmFacts(p.refs.vc.client, p.refs.vm);
  const { location } = await locationOf(p.refs.vc.client, facts);
  return matches(p, facts.host, location);
}

function matches(p: Placement, host: MoRef<'HostSystem'>, at: MigrationLocation): boolean {
  const hostOk =
    p.refs.host !== undefined ? host.value === p.refs.host.value : (p.refs.clusterHosts ?? []).some((h) => h.value === host.value);
  const dsOk = p.to.datastore === undefined || (at.datastores.length === 1 && at.datastores[0] === p.to.datastore);
  return hostOk && dsOk;
}

/** Reads where the VM is and checks it is where the task should have put it. */
async function verify(p: Placement): Promise<MigrationLocation> {
  const client = p.refs.vc.client;
  const facts = await readVmFacts(client, p.refs.vm);
  const { location } = await locationOf(client, facts);
  if (!matches(p, facts.host, location)) {
    const want = p.to.host !== undefined ? `host '${p.to.host}'` : `cluster '${p.to.computeResource}'`;
    throw new OperationError(
      `the migration task of domain '${p.domain.name}' succeeded, but the domain is on ${describeLocation(location)}, not on ${want}${p.to.datastore ? ` with datastore '${p.to.datastore}'` : ''}`,
    );
  }
  return location;
}

/** Where the VM is after a cancelled move (it should not have moved). */
async function stayed(p: Placement): Promise<MigrationLocation> {
  const client = p.refs.vc.client;
  return (await locationOf(client, await readVmFacts(client, p.refs.vm))).location;
}

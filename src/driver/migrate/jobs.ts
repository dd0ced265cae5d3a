/**
 * A domain's job as libvirt's virDomainGetJobInfo / virDomainAbortJob see it, from the VM's vSphere tasks
 * (VirtualMachine.recentTask): the task queued or running (any kind: a migration, a power-on blocked by a
 * question, a snapshot …), or with `completed` the most recent finished one. Elapsed time is measured against the
 * server's clock (CurrentTime), as the task's times are the server's.
 */
import { InvalidStateError, UnsupportedError } from '../../errors.js';
import {
  cancelTask,
  faultChain,
  isVimFault,
  methods,
  prop,
  propertySpec,
  retrieveAll,
  TaskProps,
  VirtualMachineProps,
  type MoRef,
  type TaskInfo,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { resolveDomain, type DomainArg } from '../domain/resolve.js';

/** libvirt's job types (virDomainJobType). */
export type JobType = 'none' | 'bounded' | 'unbounded' | 'completed' | 'failed' | 'cancelled';

/** A domain's job. */
export interface DomainJob {
  domain: string;
  type: JobType;
  /** libvirt's virDomainJobOperation wording ('Outgoing migration', 'Snapshot', …). */
  operation?: string;
  task?: string;
  /** The vSphere method, e.g. 'RelocateVM_Task'. */
  taskName?: string;
  state?: TaskInfo['state'];
  percent?: number;
  elapsedMs?: number;
  /** Estimated from the progress so far (bounded jobs). */
  remainingMs?: number;
  cancelable?: boolean;
  error?: string;
}

// vSphere task descriptionIds → libvirt's job operations; anything else is 'Unknown'.
const OPERATIONS: [RegExp, string][] = [
  [/\.(relocate|migrate)$/i, 'Outgoing migration'],
  [/\.createSnapshot$/i, 'Snapshot'],
  [/\.revert(ToSnapshot|ToCurrentSnapshot)?$/i, 'Snapshot revert'],
  [/\.removeSnapshot$|\.removeAllSnapshots$/i, 'Snapshot delete'],
  [/\.powerOn$/i, 'Start'],
  [/\.suspend$/i, 'Save'],
];

function operationOf(descriptionId: string): string {
  return OPERATIONS.find(([re]) => re.test(descriptionId))?.[1] ?? 'Unknown';
}

/** The infos of the VM's recent tasks, newest first. */
async function recentTasks(conn: Connection, vm: MoRef<'VirtualMachine'>): Promise<TaskInfo[]> {
  const recs = await retrieveAll(conn.client, [
    {
      propSet: [propertySpec('Task', [TaskProps.info])],
      objectSet: [
        {
          obj: vm,
          skip: true,
          selectSet: [
            { _type: 'TraversalSpec', name: 'recentTask', type: 'VirtualMachine', path: VirtualMachineProps.recentTask, skip: false },
          ],
        },
      ],
    },
  ]);
  const infos = recs.map((r) => prop(r, TaskProps.info)).filter((i): i is TaskInfo => i !== undefined);
  const time = (i: TaskInfo): number => new Date(i.completeTime ?? i.startTime ?? i.queueTime).getTime();
  return infos.sort((a, b) => time(b) - time(a));
}

const active = (i: TaskInfo): boolean => i.state === 'running' || i.state === 'queued';

/** virsh domjobinfo: the running (or queued) task of the domain, or with `completed` the last finished one. */
export async function getDomainJob(conn: Connection, domain: DomainArg, opts: { completed?: boolean } = {}): Promise<DomainJob> {
  const { dom } = await resolveDomain(conn, domain);
  const tasks = await recentTasks(conn, dom.ref);
  const info = opts.completed ? tasks.find((i) => !active(i)) : tasks.find(active);
  if (info === undefined) return { domain: dom.name, type: 'none' };
  const now = (await methods.CurrentTime(conn.client.soap, conn.client.serviceInstance)).getTime();
  const start = new Date(info.startTime ?? info.queueTime).getTime();
  const end = info.completeTime !== undefined ? new Date(info.completeTime).getTime() : now;
  const elapsedMs = Math.max(0, end - start);
  const job: DomainJob = {
    domain: dom.name,
    type: 'unbounded',
    operation: operationOf(info.descriptionId),
    task: info.task.value,
    taskName: info.name ?? info.descriptionId,
    state: info.state,
    elapsedMs,
    cancelable: info.cancelable,
  };
  if (info.progress !== undefined) job.percent = info.progress;
  if (active(info)) {
    if (info.progress !== undefined && info.progress > 0 && info.state === 'running') {
      job.type = 'bounded';
      job.remainingMs = Math.round((elapsedMs * (100 - info.progress)) / info.progress);
    }
  } else if (info.state === 'success') {
    job.type = 'completed';
  } else {
    job.type = info.cancelled || faultChain(info.error?.fault?._type ?? '').includes('RequestCanceled') ? 'cancelled' : 'failed';
    job.error = (info.error?.localizedMessage || info.error?.fault?._type || 'failed').replace(/\s+/g, ' ').trim();
  }
  return job;
}

/** virsh domjobabort: cancels the domain's running (or queued) task; the server refuses tasks it cannot cancel. */
export async function abortDomainJob(conn: Connection, domain: DomainArg): Promise<DomainJob> {
  const { dom } = await resolveDomain(conn, domain);
  const info = (await recentTasks(conn, dom.ref)).find(active);
  if (info === undefined) throw new InvalidStateError('no job is active on the domain');
  const name = info.name ?? info.descriptionId;
  try {
    await cancelTask(conn.client, info.task);
  } catch (e) {
    if (isVimFault(e, 'NotSupported'))
      throw new UnsupportedError(`the job of domain '${dom.name}' (${name}, ${info.task.value}) cannot be cancelled`, { cause: e });
    if (isVimFault(e, 'InvalidState'))
      throw new InvalidStateError(`the job of domain '${dom.name}' (${name}) has already ended`, { cause: e });
    throw e;
  }
  return { domain: dom.name, type: 'cancelled', operation: operationOf(info.descriptionId), task: info.task.value, taskName: name };
}

/**
 * virsh domjobinfo and domjobabort on a domain's vSphere task (any task: a migration, a snapshot, a power-on
 * blocked by a question …). domjobinfo keeps virsh's "%-17s %-12s" layout; the vSphere task and its percentage
 * follow as two esxvirt lines, since libvirt's byte counters have no vSphere equivalent.
 */
import { UnsupportedError } from '../../../errors.js';
import { abortDomainJob, getDomainJob, type DomainJob, type JobType } from '../../../driver/migrate/index.js';
import { defineCommand, type Command } from '../../command.js';
import { opt } from '../../options.js';

const TYPE_WORDS: Record<JobType, string> = {
  none: 'None',
  bounded: 'Bounded',
  unbounded: 'Unbounded',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** domjobinfo's text, as virsh prints it (padding, trailing spaces and all). */
export function formatJob(j: DomainJob, anystats = false): string {
  const word = (k: string, v: string): string => `${k.padEnd(17)} ${v.padEnd(12)}\n`;
  const ms = (k: string, v: number): string => `${k.padEnd(17)} ${String(v).padEnd(12)} ms\n`;
  const text = (k: string, v: string): string => `${k.padEnd(17)} ${v}\n`;
  let out = word('Job type:', TYPE_WORDS[j.type]);
  // virsh shows the statistics of a failed or cancelled job only with --anystats
  if (j.type === 'none' || ((j.type === 'failed' || j.type === 'cancelled') && !anystats)) return out;
  if (j.operation !== undefined) out += word('Operation:', j.operation);
  if (j.elapsedMs !== undefined) out += ms('Time elapsed:', j.elapsedMs);
  if (j.remainingMs !== undefined) out += ms('Time remaining:', j.remainingMs);
  if (j.error !== undefined) out += text('Error message:', j.error);
  if (j.task !== undefined) out += text('Task:', `${j.taskName ?? 'task'} (${j.task})`);
  if (j.percent !== undefined) out += text('Progress:', `${j.percent} %`);
  return out;
}

const domjobinfo = defineCommand({
  name: 'domjobinfo',
  group: 'domain',
  help: 'domain job information',
  description: "Returns information about jobs running on a domain: the VM's queued or running vSphere task.",
  options: [
    opt.domain(),
    opt.bool('completed', 'return statistics of a recently completed job (the last finished task)'),
    opt.bool('keep-completed', "don't destroy statistics of a recently completed job when reading (vSphere keeps them anyway)"),
    opt.bool('anystats', 'print statistics for any kind of job (even failed ones)'),
  ],
  connection: 'required',
  run: ({ args, conn }) => getDomainJob(conn, args.domain, { completed: args.completed }),
  text: (j, { args }) => formatJob(j, args.anystats),
});

const domjobabort = defineCommand({
  name: 'domjobabort',
  group: 'domain',
  help: 'abort active domain job',
  description:
    "Aborts the currently running domain job: cancels the VM's running vSphere task (the server refuses tasks that cannot be cancelled).",
  options: [opt.domain(), opt.bool('postcopy', 'interrupt post-copy migration (vMotion has none)')],
  connection: 'required',
  run({ args, conn }) {
    if (args.postcopy) throw new UnsupportedError('post-copy migration does not exist on ESX: nothing to interrupt');
    return abortDomainJob(conn, args.domain);
  },
  text: () => '',
});

/** domjobinfo and domjobabort (help group 'domain', as virsh). */
export const jobCommands: readonly Command[] = [domjobinfo, domjobabort];

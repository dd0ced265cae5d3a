/**
 * virsh migrate through vCenter: `migrate DOMAIN DESTURI` with virsh's --live, --offline, --verbose,
 * --abort-on-error and --timeout, plus esxvirt's --datastore, --resource-pool, --priority and --dryrun. Progress
 * goes to stderr (virsh's "Migration: [ 40 %]") on a terminal or with --verbose; Ctrl-C and --timeout cancel the
 * task. virsh prints nothing on success; esxvirt names the verified new place (unless --quiet).
 */
import { InvalidArgumentError } from '../../../errors.js';
import { describeLocation, migrateDomain, type MigrationResult } from '../../../driver/migrate/index.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { terminalPrompter } from '../../prompt.js';

/** virsh's progress line (virshPrintJobProgress: "\r%s: [%3d %%]"). */
export function progressLine(percent: number): string {
  return `\rMigration: [${String(Math.max(0, Math.min(100, Math.floor(percent)))).padStart(3)} %]`;
}

/** The success line: where the domain is now, and how the host was chosen. */
export function migratedLine(r: MigrationResult): string {
  if (r.dryRun) {
    const to = r.to;
    const where =
      'planned' in to && to.host === undefined
        ? `cluster '${to.computeResource}' (DRS picks the host)`
        : `host '${to.host}'${r.drs !== undefined ? ` (recommended by DRS in cluster '${r.drs.cluster}')` : ''}`;
    const ds = 'planned' in to && to.datastore !== undefined ? `, datastore '${to.datastore}'` : '';
    const by = r.checks.by === 'none' ? 'the server offers no checks' : `${r.checks.by} found no error`;
    return `Domain '${r.domain.name}' can migrate to ${where}${ds} (${by}); nothing moved (--dryrun)`;
  }
  const to = r.to as Exclude<MigrationResult['to'], { planned: true }>;
  const drs =
    r.drs !== undefined ? ` (host ${r.drs.how === 'automatic' ? 'chosen' : 'recommended'} by DRS in cluster '${r.drs.cluster}')` : '';
  return `Domain '${r.domain.name}' migrated to ${describeLocation(to)}${drs}`;
}

const migrate = defineCommand({
  name: 'migrate',
  group: 'domain',
  help: 'migrate domain to another host',
  description:
    'Migrate domain to another host (or datastore) through vCenter. Add --live for live migration. DESTURI is ' +
    'vpx://vcenter/[folders/]datacenter/[cluster/]host, vpx://vcenter/datacenter/cluster (DRS picks the host) or ' +
    'esx://host?vcenter=VC|* (both ends in one vCenter).',
  options: [
    opt.domain(),
    opt.string('desturi', 'connection URI of the destination host (vpx://… or esx://…?vcenter=…)', { required: true, positional: true }),
    opt.bool('live', 'live migration: only a running domain, moved by vMotion'),
    opt.bool('offline', 'offline migration: only a shut off or suspended domain'),
    opt.bool('persistent', 'persist VM on destination (always so through vCenter)'),
    opt.bool('undefinesource', 'undefine VM on source (always so through vCenter: the VM moves)'),
    opt.bool('verbose', 'display the progress of migration'),
    opt.bool('abort-on-error', "abort on soft errors during migration: the checks' warnings refuse it too"),
    opt.int('timeout', 'cancel the migration if it runs longer than this (in seconds); the domain stays', {
      min: 1,
      invalid: (t) => new InvalidArgumentError(`migrate: Invalid timeout '${t}'`),
    }),
    opt.string('datastore', 'move the files and disks to this datastore (storage vMotion)'),
    opt.string('resource-pool', 'resource pool path below the destination cluster or host, e.g. Prod/Web'),
    opt.enum('priority', ['default', 'high', 'low'], 'task priority (VirtualMachineMovePriority)'),
    opt.bool('dryrun', 'run the checks and say where the domain would go, without moving it'),
  ],
  exclusive: [['live', 'offline']],
  connection: 'required',
  async run({ args, conn, warn, debug }) {
    const verbose = args.verbose || process.stderr.isTTY === true;
    let shown = -1;
    const show = (percent: number): void => {
      if (percent === shown) return;
      shown = percent;
      process.stderr.write(progressLine(percent));
    };
    const interrupt = new AbortController();
    const onSigint = (): void => interrupt.abort();
    process.once('SIGINT', onSigint);
    const prompter = terminalPrompter();
    try {
      const r = await migrateDomain(conn, args.domain, args.desturi, {
        ...(args.live ? { live: true } : {}),
        ...(args.offline ? { offline: true } : {}),
        ...(args.datastore !== undefined ? { datastore: args.datastore } : {}),
        ...(args['resource-pool'] !== undefined ? { resourcePool: args['resource-pool'] } : {}),
        ...(args.priority !== undefined ? { priority: args.priority } : {}),
        ...(args.timeout !== undefined ? { timeoutMs: args.timeout * 1000 } : {}),
        dryRun: args.dryrun,
        abortOnWarnings: args['abort-on-error'],
        signal: interrupt.signal,
        onNote: warn,
        open: { ...(prompter ? { prompter } : {}), debug, warn },
        ...(verbose
          ? { onProgress: (p: { percent: number | undefined; state: string }) => show(p.percent ?? (p.state === 'success' ? 100 : 0)) }
          : {}),
      });
      if (verbose && shown >= 0) {
        if (shown !== 100 && !r.dryRun) show(100);
        process.stderr.write('\n');
      }
      return r;
    } catch (e) {
      if (verbose && shown >= 0) process.stderr.write('\n');
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
  text: (r, ctx) => unlessQuiet(ctx, migratedLine(r)),
  json: (r) => ({ ...r, message: migratedLine(r) }),
});

/** The migrate command (help group 'domain', as virsh). */
export const migrateCommands: readonly Command[] = [migrate];

/** setmem, setmaxmem, setvcpus, schedinfo, autostart. */
import { InvalidArgumentError } from '../../../errors.js';
import { setAutostart } from '../../../driver/domain/autostart.js';
import {
  getSchedulerParams,
  parseSchedulerAssignments,
  SCHEDULER_FIELDS,
  SCHEDULER_TYPE,
  setSchedulerParams,
  type SchedulerParams,
} from '../../../driver/domain/sched.js';
import { parseSizeKiB, setMaxMemory, setMemory, setVcpus, type ModifyFlags } from '../../../driver/domain/tuning.js';
import { parseArgs, type ParsedArgs } from '../../args.js';
import { withConnection } from '../../connect.js';
import { UsageError } from '../../exit-codes.js';
import type { Streams } from '../../io.js';
import { formatJson } from '../../output.js';
import type { Command, GlobalOptions } from '../types.js';

const MODIFY_FLAGS = ['config', 'live', 'current'];

/** --live/--config/--current as virsh checks them: --current excludes the other two. */
export function modifyFlagsOf(a: ParsedArgs): ModifyFlags {
  const current = a.flags.has('current');
  for (const f of ['live', 'config']) {
    if (current && a.flags.has(f)) throw new UsageError(`Options --current and --${f} are mutually exclusive`);
  }
  return { live: a.flags.has('live'), config: a.flags.has('config') };
}

/** The empty line virsh prints after every command (not with --quiet). */
function finish(io: Streams, global: GlobalOptions, text = ''): number {
  io.out(global.quiet ? text : `${text}\n`);
  return 0;
}

function memoryCommand(name: 'setmem' | 'setmaxmem', help: string): Command {
  return {
    help,
    async run(argv, io, global) {
      const a = parseArgs({ name, positionals: ['domain', 'size'], flags: MODIFY_FLAGS }, argv);
      const flags = modifyFlagsOf(a);
      const kib = parseSizeKiB(a.positionals.size as string);
      if (kib === 0) throw new InvalidArgumentError(`invalid size '${a.positionals.size}': must be greater than 0`);
      const set = name === 'setmem' ? setMemory : setMaxMemory;
      const r = await withConnection(global, io, (conn) => set(conn, a.positionals.domain as string, kib, flags));
      if (global.json) {
        io.out(formatJson({ name: r.dom.name, [name === 'setmem' ? 'memoryKiB' : 'maxMemoryKiB']: r.kib }));
        return 0;
      }
      return finish(io, global);
    },
  };
}

const setvcpus: Command = {
  help: 'change number of virtual CPUs',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'setvcpus', positionals: ['domain', 'count'], flags: [...MODIFY_FLAGS, 'maximum'] }, argv);
    const flags = modifyFlagsOf(a);
    const text = a.positionals.count as string;
    if (!/^\s*\d{1,9}\s*$/.test(text) || Number(text) < 1) throw new InvalidArgumentError(`invalid vCPU count '${text}': expecting a positive integer`);
    const r = await withConnection(global, io, (conn) => setVcpus(conn, a.positionals.domain as string, Number(text), { ...flags, maximum: a.flags.has('maximum') }));
    for (const w of r.warnings) io.err(`warning: ${w}\n`);
    if (global.json) {
      io.out(formatJson({ name: r.dom.name, vcpus: r.vcpus, warnings: r.warnings }));
      return 0;
    }
    return finish(io, global);
  },
};

/** schedinfo's lines: "Scheduler      : allocation", then each parameter (`%-15s: %s`). */
export function formatSchedInfo(params: SchedulerParams): string {
  let out = `${'Scheduler'.padEnd(15)}: ${SCHEDULER_TYPE}\n`;
  for (const f of SCHEDULER_FIELDS) out += `${f.padEnd(15)}: ${params[f]}\n`;
  return out;
}

/** Splits virsh's trailing `field=value` words (schedinfo's argv-type --set) from the other arguments. */
export function splitAssignments(argv: readonly string[], valueOptions: readonly string[]): { rest: string[]; assignments: string[] } {
  const rest: string[] = [];
  const assignments: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i] as string;
    if (valueOptions.includes(t.replace(/^--/, '')) && t.startsWith('--') && i + 1 < argv.length) {
      rest.push(t, argv[++i] as string);
    } else if (!t.startsWith('-') && /^[a-z]+=/.test(t)) assignments.push(t);
    else rest.push(t);
  }
  return { rest, assignments };
}

const schedinfo: Command = {
  help: 'show/set scheduler parameters',
  async run(argv, io, global) {
    const { rest, assignments } = splitAssignments(argv, ['set', 'domain']);
    const a = parseArgs({ name: 'schedinfo', positionals: ['domain'], flags: MODIFY_FLAGS, repeatable: ['set'] }, rest);
    const flags = modifyFlagsOf(a);
    const changes = parseSchedulerAssignments([...(a.repeated.set ?? []), ...assignments]);
    const domain = a.positionals.domain as string;
    const r = await withConnection(global, io, (conn) =>
      Object.keys(changes).length > 0 ? setSchedulerParams(conn, domain, changes, flags) : getSchedulerParams(conn, domain),
    );
    if (global.json) {
      io.out(formatJson({ name: r.dom.name, scheduler: SCHEDULER_TYPE, ...r.params }));
      return 0;
    }
    return finish(io, global, formatSchedInfo(r.params));
  },
};

const autostart: Command = {
  help: 'autostart a domain',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'autostart', positionals: ['domain'], flags: ['disable'] }, argv);
    const enable = !a.flags.has('disable');
    const dom = await withConnection(global, io, (conn) => setAutostart(conn, a.positionals.domain as string, enable));
    if (global.json) {
      io.out(formatJson({ name: dom.name, autostart: enable }));
      return 0;
    }
    if (global.quiet) return 0;
    io.out(`Domain '${dom.name}' ${enable ? 'marked as autostarted' : 'unmarked as autostarted'}\n\n`);
    return 0;
  },
};

/** name → command. */
export const domainTuningCommands: Record<string, Command> = {
  setmem: memoryCommand('setmem', 'change memory allocation'),
  setmaxmem: memoryCommand('setmaxmem', 'change maximum memory limit'),
  setvcpus,
  schedinfo,
  autostart,
};

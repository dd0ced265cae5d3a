/** setmem, setmaxmem, setvcpus, schedinfo, autostart. */
import { InvalidArgumentError } from '../../../errors.js';
import {
  getSchedulerParams,
  parseSchedulerAssignments,
  SCHEDULER_FIELDS,
  SCHEDULER_TYPE,
  setAutostart,
  setMaxMemory,
  setMemory,
  setSchedulerParams,
  setVcpus,
  type SchedulerParams,
} from '../../../driver/domain/index.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { opt } from '../../options.js';

/** virsh's --config/--live/--current, in its order. */
export const MODIFY_OPTIONS = [
  opt.bool('config', 'affect next boot'),
  opt.bool('live', 'affect running domain'),
  opt.bool('current', 'affect current domain'),
] as const;

/** --current excludes the other two, as virsh checks them. */
export const MODIFY_EXCLUSIVE = [
  ['current', 'live'],
  ['current', 'config'],
] as const;

function memoryCommand(name: 'setmem' | 'setmaxmem', help: string, description: string): Command {
  return defineCommand({
    name,
    group: 'domain',
    help,
    description,
    options: [
      opt.domain(),
      opt.size('size', 'new memory size, as scaled integer (default KiB; units such as MiB, GiB, MB, GB)', {
        required: true,
        positional: true,
        min: 1,
      }),
      ...MODIFY_OPTIONS,
    ],
    exclusive: MODIFY_EXCLUSIVE,
    connection: 'required',
    async run({ args, conn }) {
      const r = await (name === 'setmem' ? setMemory : setMaxMemory)(conn, args.domain, args.size, {
        live: args.live,
        config: args.config,
      });
      return { name: r.dom.name, [name === 'setmem' ? 'memoryKiB' : 'maxMemoryKiB']: r.kib };
    },
    text: () => '',
  });
}

const setvcpus = defineCommand({
  name: 'setvcpus',
  group: 'domain',
  help: 'change number of virtual CPUs',
  description: 'Change the number of virtual CPUs in the guest domain (a running one only with CPU hot-add enabled).',
  options: [
    opt.domain(),
    opt.int('count', 'number of virtual CPUs', {
      required: true,
      positional: true,
      min: 1,
      max: 999_999_999,
      invalid: (t) => new InvalidArgumentError(`invalid vCPU count '${t}': expecting a positive integer`),
    }),
    opt.bool('maximum', 'set maximum limit on next boot'),
    ...MODIFY_OPTIONS,
  ],
  exclusive: MODIFY_EXCLUSIVE,
  connection: 'required',
  async run({ args, conn, warn }) {
    const r = await setVcpus(conn, args.domain, args.count, { live: args.live, config: args.config, maximum: args.maximum });
    for (const w of r.warnings) warn(w);
    return { name: r.dom.name, vcpus: r.vcpus, warnings: r.warnings };
  },
  text: () => '',
});

/** schedinfo's lines: "Scheduler      : allocation", then each parameter (`%-15s: %s`). */
export function formatSchedInfo(params: SchedulerParams): string {
  let out = `${'Scheduler'.padEnd(15)}: ${SCHEDULER_TYPE}\n`;
  for (const f of SCHEDULER_FIELDS) out += `${f.padEnd(15)}: ${params[f]}\n`;
  return out;
}

const schedinfo = defineCommand({
  name: 'schedinfo',
  group: 'domain',
  help: 'show/set scheduler parameters',
  description: 'Show/Set scheduler parameters: the CPU allocation (reservation and limit in MHz, shares).',
  options: [opt.domain(), ...MODIFY_OPTIONS, opt.argv('set', 'parameter=value (reservation, limit, shares)', { positional: true })],
  exclusive: MODIFY_EXCLUSIVE,
  connection: 'required',
  // bad assignments fail before the connection opens
  prepare: ({ args }) => parseSchedulerAssignments(args.set),
  async run({ args, conn, input: changes }) {
    const r =
      Object.keys(changes).length > 0
        ? await setSchedulerParams(conn, args.domain, changes, { live: args.live, config: args.config })
        : await getSchedulerParams(conn, args.domain);
    return { name: r.dom.name, scheduler: SCHEDULER_TYPE, ...r.params };
  },
  text: formatSchedInfo,
});

const autostart = defineCommand({
  name: 'autostart',
  group: 'domain',
  help: 'autostart a domain',
  description: "Configure a domain to be automatically started at boot (the host's autostart manager).",
  options: [opt.domain(), opt.bool('disable', 'disable autostarting')],
  connection: 'required',
  async run({ args, conn }) {
    const enable = !args.disable;
    const dom = await setAutostart(conn, args.domain, enable);
    return { name: dom.name, autostart: enable };
  },
  text: (d, ctx) => unlessQuiet(ctx, `Domain '${d.name}' ${d.autostart ? 'marked as autostarted' : 'unmarked as autostarted'}`),
});

/** The tuning commands. */
export const domainTuningCommands: readonly Command[] = [
  memoryCommand(
    'setmem',
    'change memory allocation',
    'Change the current memory allocation in the guest domain (its memory limit on ESX).',
  ),
  memoryCommand(
    'setmaxmem',
    'change maximum memory limit',
    'Change the maximum memory allocation limit in the guest domain (a running one only with memory hot-add enabled).',
  ),
  setvcpus,
  schedinfo,
  autostart,
];

/** domstats, dommemstat, domblkstat, domifstat, cpu-stats, poll (OpenNebula's poll fields). */
import {
  getDomainBlockStats,
  getDomainCpuTotals,
  getDomainInterfaceStats,
  getDomainMemoryStats,
  getDomainStats,
  pollDomains,
  type StatsGroup,
} from '../../../driver/stats/index.js';
import type { DomainState } from '../../../driver/domain/index.js';
import { UnsupportedError } from '../../../errors.js';
import { defineCommand, type Command } from '../../command.js';
import { opt } from '../../options.js';

const GROUP_OPTIONS = [
  opt.bool('state', 'report domain state'),
  opt.bool('cpu-total', 'report domain physical cpu usage'),
  opt.bool('balloon', 'report domain balloon statistics'),
  opt.bool('vcpu', 'report domain virtual cpu information'),
  opt.bool('interface', 'report domain network interface information'),
  opt.bool('block', 'report domain block device statistics'),
] as const;

const LIST_OPTIONS = [
  opt.bool('list-active', 'list only active domains'),
  opt.bool('list-inactive', 'list only inactive domains'),
  opt.bool('list-running', 'list only running domains'),
  opt.bool('list-paused', 'list only paused domains'),
  opt.bool('list-shutoff', 'list only shutoff domains'),
] as const;

const domstats = defineCommand({
  name: 'domstats',
  group: 'monitor',
  help: 'get statistics about one or multiple domains',
  description:
    'Gets statistics about one or more (or all) domains from the latest real-time sample (20 s) and quick stats, in one query for all domains; the amounts virsh counts since boot are those of that interval.',
  options: [
    ...GROUP_OPTIONS,
    ...LIST_OPTIONS,
    opt.bool('raw', 'do not pretty-print the fields'),
    opt.bool('enforce', 'enforce requested stats parameters'),
    opt.argv('domains', 'list of domains to get stats for', { positional: true }),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const groups = (['state', 'cpu-total', 'balloon', 'vcpu', 'interface', 'block'] as const).filter((g) => args[g]) as StatsGroup[];
    const states: DomainState[] = [];
    if (args['list-active']) states.push('running', 'paused');
    if (args['list-running']) states.push('running');
    if (args['list-paused']) states.push('paused');
    if (args['list-inactive'] || args['list-shutoff']) states.push('shut off');
    return getDomainStats(conn, { domains: args.domains, groups, states });
  },
  text: (list) => list.map((d) => `Domain: '${d.name}'\n${d.fields.map(([k, v]) => `  ${k}=${v}\n`).join('')}`).join('\n'),
  json: (list) =>
    list.map((d) => ({ name: d.name, interval: d.interval ?? null, timestamp: d.timestamp ?? null, stats: Object.fromEntries(d.fields) })),
});

const dommemstat = defineCommand({
  name: 'dommemstat',
  group: 'monitor',
  help: 'get memory statistics for a domain',
  description: 'Get memory statistics for a running domain (KiB): quick stats and the latest real-time sample.',
  options: [
    opt.domain(),
    opt.int('period', 'period in seconds to set collection (not settable on ESX)', { min: 0 }),
    opt.bool('config', 'affect next boot'),
    opt.bool('live', 'affect running domain'),
    opt.bool('current', 'affect current domain'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    if (args.period !== undefined)
      throw new UnsupportedError("the statistics period is the server's (20 s on ESX): --period cannot set it");
    const r = await getDomainMemoryStats(conn, args.domain);
    return { name: r.dom.name, stats: Object.fromEntries(r.stats) as Record<string, number>, order: r.stats.map(([k]) => k) };
  },
  text: (d) => d.order.map((k) => `${k} ${d.stats[k]}\n`).join(''),
  json: (d) => ({ name: d.name, stats: d.stats }),
});

const BLK_HUMAN: Record<string, string> = {
  rd_req: 'number of read operations:',
  rd_bytes: 'number of bytes read:',
  wr_req: 'number of write operations:',
  wr_bytes: 'number of bytes written:',
  rd_total_times: 'total duration of reads (ns):',
  wr_total_times: 'total duration of writes (ns):',
};

const domblkstat = defineCommand({
  name: 'domblkstat',
  group: 'monitor',
  help: 'get device block stats for a domain',
  description: 'Get device block stats for a running domain (the latest 20 s interval); without a device, all disks together.',
  options: [
    opt.domain(),
    opt.string('device', 'block device (target or source)', { positional: true }),
    opt.bool('human', 'print a more human readable output'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const r = await getDomainBlockStats(conn, args.domain, args.device);
    return { name: r.dom.name, device: r.device, stats: r.stats };
  },
  text: (d, { args }) => {
    if (args.human) return `Device: ${d.device}\n${d.stats.map(([k, v]) => ` ${(BLK_HUMAN[k] ?? k).padEnd(31)} ${v}\n`).join('')}`;
    return d.stats.map(([k, v]) => `${d.device} ${k} ${v}\n`).join('');
  },
  json: (d) => ({ name: d.name, device: d.device, stats: Object.fromEntries(d.stats) }),
});

const domifstat = defineCommand({
  name: 'domifstat',
  group: 'monitor',
  help: 'get network interface stats for a domain',
  description:
    "Get network interface stats for a running domain (the latest 20 s interval); the interface is its MAC address or 'ethernetN'.",
  options: [
    opt.domain(),
    opt.string('interface', 'interface device specified by name or MAC Address', { required: true, positional: true }),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const r = await getDomainInterfaceStats(conn, args.domain, args.interface);
    return { name: r.dom.name, interface: r.iface, stats: r.stats };
  },
  text: (d) => d.stats.map(([k, v]) => `${d.interface} ${k} ${v}\n`).join(''),
  json: (d) => ({ name: d.name, interface: d.interface, stats: Object.fromEntries(d.stats) }),
});

const seconds = (label: string, s: number): string => `\t${label.padEnd(12)} ${s.toFixed(9).padStart(19)} seconds\n`;

const cpuStats = defineCommand({
  name: 'cpu-stats',
  group: 'domain',
  help: 'show domain cpu statistics',
  description:
    "Display the CPU time of a running domain in the latest 20 s interval: the totals (ESX does not split a VM's CPU time by host CPU).",
  options: [
    opt.domain(),
    opt.int('start', 'Show statistics from this CPU', { min: 0 }),
    opt.int('count', 'Number of shown CPUs at most', { min: 1 }),
    opt.bool('total', 'Show total statistics only'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    if (args.start !== undefined || args.count !== undefined)
      throw new UnsupportedError("ESX does not split a domain's CPU time by host CPU: only --total is available");
    const t = await getDomainCpuTotals(conn, args.domain);
    return { name: t.dom.name, interval: t.interval, cpuTime: t.cpuTime, userTime: t.userTime ?? null, systemTime: t.systemTime ?? null };
  },
  text: (d) =>
    `Total:\n${seconds('cpu_time', d.cpuTime)}${d.userTime !== null ? seconds('user_time', d.userTime) : ''}${d.systemTime !== null ? seconds('system_time', d.systemTime) : ''}`,
});

/** A poll line's first field: the name, quoted when it holds spaces, quotes or '='. */
export function pollName(name: string): string {
  return /[\s"=\\]/.test(name) ? JSON.stringify(name) : name;
}

const poll = defineCommand({
  name: 'poll',
  group: 'monitor',
  help: "usage of domains as OpenNebula's poll reports it",
  description:
    'One line per domain (all by default): NAME STATE=a|p|d|e CPU=% of one host CPU MEMORY=KiB used on the host NETRX=bytes NETTX=bytes (received and sent in the latest 20 s interval), read for all domains in one query.',
  options: [opt.argv('domains', 'domains to poll (default: all)', { positional: true })],
  connection: 'required',
  run: ({ args, conn }) => pollDomains(conn, args.domains.length > 0 ? args.domains : undefined),
  text: (list) =>
    list
      .map((p) => `${pollName(p.name)} STATE=${p.state} CPU=${p.cpu.toFixed(2)} MEMORY=${p.memory} NETRX=${p.netrx} NETTX=${p.nettx}`)
      .join('\n'),
});

/** The statistics commands. */
export const domainStatsCommands: readonly Command[] = [domstats, dommemstat, domblkstat, domifstat, cpuStats, poll];

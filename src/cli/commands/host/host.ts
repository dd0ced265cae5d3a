/** Host commands: nodeinfo, capabilities, hostname, uri, version, sysinfo, freecell, nodememstats, nodecpustats. */
import {
  getCapabilities,
  getCpuStats,
  getFreeMemory,
  getHostname,
  getMemoryStats,
  getNodeInfo,
  getSysinfo,
  LIBRARY_VERSION,
  serverVersion,
  sysinfoDefOf,
} from '../../../driver/host/index.js';
import { formatCapabilities, formatSysinfo } from '../../../conf/index.js';
import { defineCommand, type Command } from '../../command.js';
import { UsageError } from '../../exit-codes.js';
import { opt } from '../../options.js';
import { formatKeyValues } from '../../output.js';

const nodeinfo = defineCommand({
  name: 'nodeinfo',
  group: 'host',
  help: 'node information',
  description: 'Returns basic information about the node.',
  options: [],
  connection: 'required',
  run: ({ conn }) => getNodeInfo(conn),
  text: (n) =>
    formatKeyValues(
      [
        // virsh prints the model from libvirt's virNodeInfo, a 32-byte field: at most 31 characters (--json has it whole)
        ['CPU model', n.cpuModel.slice(0, 31)],
        ['CPU(s)', n.cpus],
        ['CPU frequency', `${n.mhz} MHz`],
        ['CPU socket(s)', n.sockets],
        ['Core(s) per socket', n.coresPerSocket],
        ['Thread(s) per core', n.threadsPerCore],
        ['NUMA cell(s)', n.numaCells],
        ['Memory size', `${n.memoryKiB} KiB`],
      ],
      20,
    ),
});

const capabilities = defineCommand({
  name: 'capabilities',
  group: 'host',
  help: 'capabilities',
  description: 'Returns capabilities of hypervisor/driver.',
  options: [],
  connection: 'required',
  run: ({ conn }) => getCapabilities(conn),
  // virsh prints the document and a newline of its own
  text: (c) => `${formatCapabilities(c)}\n`,
});

const sysinfo = defineCommand({
  name: 'sysinfo',
  group: 'host',
  help: 'print the hypervisor sysinfo',
  description: 'output an XML string for the hypervisor sysinfo, if available',
  options: [],
  connection: 'required',
  run: ({ conn }) => getSysinfo(conn),
  text: (s) => formatSysinfo(sysinfoDefOf(s)),
});

const hostname = defineCommand({
  name: 'hostname',
  group: 'host',
  help: 'print the hypervisor hostname',
  options: [],
  connection: 'required',
  run: async ({ conn }) => ({ hostname: await getHostname(conn) }),
  text: (d) => `${d.hostname}\n`,
});

const uri = defineCommand({
  name: 'uri',
  group: 'host',
  help: 'print the hypervisor canonical URI',
  options: [],
  connection: 'required',
  run: ({ conn }) => ({ uri: conn.uri.text }),
  text: (d) => `${d.uri}\n`,
});

const LIBRARY = { name: 'esxvirt', version: LIBRARY_VERSION };

/** `version`'s data: esxvirt's, and with a connection the server's. */
interface Versions {
  library: typeof LIBRARY;
  api?: { type: string; version: string };
  hypervisor?: { type: string; version: string; build: string; fullName: string };
}

const version = defineCommand({
  name: 'version',
  group: 'host',
  help: 'show version (of esxvirt; with a connection, of the server too)',
  description: 'Display the version of esxvirt and, when a connection URI is given, of the API and the hypervisor.',
  options: [],
  connection: 'optional',
  run({ conn }): Versions {
    if (conn === undefined) return { library: LIBRARY };
    const v = serverVersion(conn);
    return {
      library: LIBRARY,
      api: { type: v.type, version: v.apiVersion },
      hypervisor: { type: v.type, version: v.version, build: v.build, fullName: v.fullName },
    };
  },
  // As virsh 9.0 prints it: the connection's driver type is 'ESX' for esx://, gsx:// and vpx:// alike, the API
  // version is the library's own, the hypervisor's is the server's (the vCenter's on vpx://).
  text({ api, hypervisor }) {
    if (api === undefined || hypervisor === undefined) return `esxvirt ${LIBRARY_VERSION}`;
    return [
      `Compiled against library: esxvirt ${LIBRARY_VERSION}`,
      `Using library: esxvirt ${LIBRARY_VERSION}`,
      `Using API: ESX ${LIBRARY_VERSION}`,
      `Running hypervisor: ESX ${hypervisor.version}`,
      '',
    ].join('\n');
  },
});

const freecell = defineCommand({
  name: 'freecell',
  group: 'host',
  help: 'NUMA free memory',
  description: 'display available free memory for the NUMA cell.',
  options: [opt.int('cellno', 'NUMA cell number', { positional: true, min: 0 }), opt.bool('all', 'show free memory for all NUMA cells')],
  connection: 'required',
  prepare({ args }) {
    if (args.cellno !== undefined && args.all) throw new UsageError('options --cellno and --all are mutually exclusive');
  },
  async run({ args, conn, debug }) {
    const cellno = args.cellno;
    const f = await getFreeMemory(conn);
    if (f.cellsEstimated) debug("ESX reports memory usage per host only: free memory per cell is the host's split by cell size");
    const cell = cellno === undefined ? undefined : f.cells.find((c) => c.id === cellno);
    if (cellno !== undefined && cell === undefined)
      throw new UsageError(`invalid cell number ${cellno}: the host has cells ${f.cells.map((c) => c.id).join(', ')}`);
    return { ...f, cell };
  },
  text(f, { args }) {
    if (f.cell) return `${f.cell.id}: ${f.cell.freeKiB} KiB\n`;
    if (!args.all) return `Total: ${f.freeKiB} KiB\n`;
    const rows = f.cells.map((c) => `${String(c.id).padStart(5)}: ${String(c.freeKiB).padStart(10)} KiB`);
    return [...rows, '-'.repeat(20), `${'Total'.padStart(5)}: ${String(f.freeKiB).padStart(10)} KiB`, ''].join('\n');
  },
  json: (f) =>
    f.cell
      ? { cell: f.cell.id, freeKiB: f.cell.freeKiB, totalKiB: f.cell.totalKiB }
      : { totalKiB: f.totalKiB, freeKiB: f.freeKiB, cells: f.cells },
});

const nodememstats = defineCommand({
  name: 'nodememstats',
  group: 'host',
  help: 'Prints memory stats of the node.',
  description: 'Returns memory stats of the node, in kilobytes.',
  options: [],
  connection: 'required',
  run: ({ conn }) => getMemoryStats(conn),
  text(m) {
    const rows: [string, number][] = [
      ['total', m.total],
      ['free', m.free],
      ['buffers', m.buffers],
      ['cached', m.cached],
    ];
    return rows.map(([k, v]) => `${k.padEnd(7)}: ${String(v).padStart(20)} KiB\n`).join('');
  },
  json: (m) => ({ totalKiB: m.total, freeKiB: m.free, buffersKiB: m.buffers, cachedKiB: m.cached }),
});

const nodecpustats = defineCommand({
  name: 'nodecpustats',
  aliases: ['node-cpu-stats'],
  group: 'host',
  help: 'Prints cpu stats of the node (usage in percent: ESX keeps no cumulative CPU times).',
  description: 'Returns cpu stats of the node: usage and idle in percent, from performance counters (or quick stats).',
  options: [
    opt.int('cpu', 'prints specified cpu statistics only', { positional: true, min: 0 }),
    opt.bool('percent', 'prints by percentage during 1 second (always)'),
  ],
  connection: 'required',
  async run({ args, conn, debug }) {
    const cpu = args.cpu;
    const s = await getCpuStats(conn, cpu === undefined ? {} : { cpu });
    debug(`cpu usage from ${s.detail}`);
    return { cpu, ...s };
  },
  text(s) {
    const line = (label: string, v: number): string => `${label.padEnd(15)} ${v.toFixed(1).padStart(5)}%\n`;
    return line('usage:', s.usage) + line('idle:', s.idle);
  },
  json: (s) => ({ ...(s.cpu !== undefined ? { cpu: s.cpu } : {}), usagePercent: s.usage, idlePercent: s.idle, source: s.source }),
});

/** The host commands. */
export const hostCommands: readonly Command[] = [
  nodeinfo,
  capabilities,
  sysinfo,
  hostname,
  uri,
  version,
  freecell,
  nodememstats,
  nodecpustats,
];

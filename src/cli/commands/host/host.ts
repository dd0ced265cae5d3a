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
} from '../../../driver/host/host.js';
import { formatCapabilities, formatSysinfo } from '../../../conf/index.js';
import { UsageError } from '../../exit-codes.js';
import { parseArgs } from '../../args.js';
import { resolveUri, withConnection } from '../../connect.js';
import { formatJson, formatKeyValues } from '../../output.js';
import type { Command, GlobalOptions } from '../types.js';

function noArgs(name: string, argv: string[]): void {
  parseArgs({ name, positionals: [] }, argv);
}

function intArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`numeric value for <${name}> option is malformed or out of range`);
  return Number(value);
}

/** True when a connection URI is given (-c or the environment), so `version` can ask the server. */
function hasUri(global: GlobalOptions): boolean {
  try {
    resolveUri(global);
    return true;
  } catch {
    return false;
  }
}

const nodeinfo: Command = {
  help: 'node information',
  async run(argv, io, global) {
    noArgs('nodeinfo', argv);
    const n = await withConnection(global, io, getNodeInfo);
    if (global.json) {
      io.out(formatJson(n));
      return 0;
    }
    io.out(
      formatKeyValues(
        [
          ['CPU model', n.cpuModel],
          ['CPU(s)', n.cpus],
          ['CPU frequency', `${n.mhz} MHz`],
          ['CPU socket(s)', n.sockets],
          ['Core(s) per socket', n.coresPerSocket],
          ['Thread(s) per core', n.threadsPerCore],
          ['NUMA cell(s)', n.numaCells],
          ['Memory size', `${n.memoryKiB} KiB`],
        ],
        20,
      ) + '\n',
    );
    return 0;
  },
};

const capabilities: Command = {
  help: 'capabilities',
  async run(argv, io, global) {
    noArgs('capabilities', argv);
    const caps = await withConnection(global, io, getCapabilities);
    io.out(global.json ? formatJson(caps) : `${formatCapabilities(caps)}\n`);
    return 0;
  },
};

const sysinfo: Command = {
  help: 'print the hypervisor sysinfo',
  async run(argv, io, global) {
    noArgs('sysinfo', argv);
    const s = await withConnection(global, io, getSysinfo);
    io.out(global.json ? formatJson(s) : `${formatSysinfo(sysinfoDefOf(s))}\n`);
    return 0;
  },
};

const hostname: Command = {
  help: 'print the hypervisor hostname',
  async run(argv, io, global) {
    noArgs('hostname', argv);
    const name = await withConnection(global, io, getHostname);
    io.out(global.json ? formatJson({ hostname: name }) : `${name}\n\n`);
    return 0;
  },
};

const uri: Command = {
  help: 'print the hypervisor canonical URI',
  async run(argv, io, global) {
    noArgs('uri', argv);
    const text = await withConnection(global, io, async (conn) => conn.uri.text);
    io.out(global.json ? formatJson({ uri: text }) : `${text}\n\n`);
    return 0;
  },
};

const version: Command = {
  help: 'show version (of esxvirt; with a connection, of the server too)',
  async run(argv, io, global) {
    noArgs('version', argv);
    if (!hasUri(global)) {
      io.out(global.json ? formatJson({ library: { name: 'esxvirt', version: LIBRARY_VERSION } }) : `esxvirt ${LIBRARY_VERSION}\n`);
      return 0;
    }
    const v = await withConnection(global, io, async (conn) => serverVersion(conn));
    if (global.json) {
      io.out(formatJson({
        library: { name: 'esxvirt', version: LIBRARY_VERSION },
        api: { type: v.type, version: v.apiVersion },
        hypervisor: { type: v.type, version: v.version, build: v.build, fullName: v.fullName },
      }));
      return 0;
    }
    io.out([
      `Compiled against library: esxvirt ${LIBRARY_VERSION}`,
      `Using library: esxvirt ${LIBRARY_VERSION}`,
      `Using API: ${v.type} ${v.apiVersion}`,
      `Running hypervisor: ${v.type} ${v.version}`,
      '',
      '',
    ].join('\n'));
    return 0;
  },
};

const freecell: Command = {
  help: 'NUMA free memory',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'freecell', positionals: ['cellno?'], flags: ['all'] }, argv);
    const cellno = intArg('cellno', a.positionals.cellno);
    if (cellno !== undefined && a.flags.has('all')) throw new UsageError("options --cellno and --all are mutually exclusive");
    const f = await withConnection(global, io, getFreeMemory);
    if (global.debug && f.cellsEstimated) io.err('debug: ESX reports memory usage per host only: free memory per cell is the host\'s split by cell size\n');
    const cell = cellno === undefined ? undefined : f.cells.find((c) => c.id === cellno);
    if (cellno !== undefined && cell === undefined) throw new UsageError(`invalid cell number ${cellno}: the host has cells ${f.cells.map((c) => c.id).join(', ')}`);
    if (global.json) {
      io.out(formatJson(cell ? { cell: cell.id, freeKiB: cell.freeKiB, totalKiB: cell.totalKiB } : { totalKiB: f.totalKiB, freeKiB: f.freeKiB, cells: f.cells }));
    } else if (cell) {
      io.out(`${cell.id}: ${cell.freeKiB} KiB\n\n`);
    } else if (a.flags.has('all')) {
      const rows = f.cells.map((c) => `${String(c.id).padStart(5)}: ${String(c.freeKiB).padStart(10)} KiB`);
      io.out([...rows, '-'.repeat(20), `${'Total'.padStart(5)}: ${String(f.freeKiB).padStart(10)} KiB`, '', ''].join('\n'));
    } else {
      io.out(`Total: ${f.freeKiB} KiB\n\n`);
    }
    return 0;
  },
};

const nodememstats: Command = {
  help: 'Prints memory stats of the node.',
  async run(argv, io, global) {
    noArgs('nodememstats', argv);
    const m = await withConnection(global, io, getMemoryStats);
    if (global.json) {
      io.out(formatJson({ totalKiB: m.total, freeKiB: m.free, buffersKiB: m.buffers, cachedKiB: m.cached }));
      return 0;
    }
    const rows: [string, number][] = [['total', m.total], ['free', m.free], ['buffers', m.buffers], ['cached', m.cached]];
    io.out(rows.map(([k, v]) => `${k.padEnd(7)}: ${String(v).padStart(20)} KiB\n`).join('') + '\n');
    return 0;
  },
};

const nodecpustats: Command = {
  help: 'Prints cpu stats of the node (usage in percent: ESX keeps no cumulative CPU times).',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'nodecpustats', positionals: ['cpu?'], flags: ['percent'] }, argv);
    const cpu = intArg('cpu', a.positionals.cpu);
    const s = await withConnection(global, io, (conn) => getCpuStats(conn, cpu === undefined ? {} : { cpu }));
    if (global.debug) io.err(`debug: cpu usage from ${s.detail}\n`);
    if (global.json) {
      io.out(formatJson({ ...(cpu !== undefined ? { cpu } : {}), usagePercent: s.usage, idlePercent: s.idle, source: s.source }));
      return 0;
    }
    const line = (label: string, v: number): string => `${label.padEnd(15)} ${v.toFixed(1).padStart(5)}%\n`;
    io.out(line('usage:', s.usage) + line('idle:', s.idle) + '\n');
    return 0;
  },
};

/** name → command. */
export const hostCommands: Record<string, Command> = {
  nodeinfo,
  capabilities,
  sysinfo,
  hostname,
  uri,
  version,
  freecell,
  nodememstats,
  nodecpustats,
  'node-cpu-stats': nodecpustats,
};

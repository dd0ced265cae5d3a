/** dominfo, domstate, domhostname, domifaddr, and the power commands (start, shutdown, reboot, reset, destroy, suspend, resume). */
import { UnsupportedError } from '../../../errors.js';
import { getDomainInfo, getDomainState, type DomainInfo } from '../../../driver/domain/info.js';
import {
  destroyDomain,
  rebootDomain,
  resetDomain,
  resumeDomain,
  shutdownDomain,
  startDomain,
  suspendDomain,
} from '../../../driver/domain/lifecycle.js';
import type { DomainRef } from '../../../driver/domain/ref.js';
import { getDomainHostname, getInterfaceAddresses, type AddressSource, type GuestInterface } from '../../../driver/domain/guest.js';
import type { Connection } from '../../../driver/connect/connection.js';
import { parseArgs } from '../../args.js';
import { withConnection } from '../../connect.js';
import type { Streams } from '../../io.js';
import { formatJson, formatKeyValues } from '../../output.js';
import type { Command, GlobalOptions } from '../types.js';

/** Writes a command's output followed by the empty line virsh prints after every command (not with --quiet). */
function finish(io: Streams, global: GlobalOptions, text: string): number {
  io.out(global.quiet ? text : `${text}\n`);
  return 0;
}

/** dominfo's lines in virsh's order (`%-15s %s`). */
export function formatDomainInfo(info: DomainInfo): string {
  const pairs: [string, string | number][] = [
    ['Id', info.id >= 0 ? info.id : '-'],
    ['Name', info.name],
    ['UUID', info.uuid],
    ['OS Type', info.osType],
    ['State', info.state],
    ['CPU(s)', info.vcpus],
  ];
  if (info.cpuTimeNs !== undefined) pairs.push(['CPU time', `${(info.cpuTimeNs / 1e9).toFixed(1)}s`]);
  pairs.push(
    ['Max memory', `${info.maxMemoryKiB} KiB`],
    ['Used memory', `${info.memoryKiB} KiB`],
    ['Persistent', info.persistent ? 'yes' : 'no'],
    ['Autostart', info.autostart ? 'enable' : 'disable'],
    ['Managed save', info.managedSave ? 'yes' : 'no'],
    ['Security model', info.securityModel],
    ['Security DOI', info.securityDoi],
  );
  return formatKeyValues(pairs);
}

const dominfo: Command = {
  help: 'domain information',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'dominfo', positionals: ['domain'] }, argv);
    const info = await withConnection(global, io, (conn) => getDomainInfo(conn, a.positionals.domain as string));
    if (global.json) {
      io.out(formatJson({ ...info, id: info.id >= 0 ? info.id : null, cpuTimeNs: info.cpuTimeNs ?? null }));
      return 0;
    }
    return finish(io, global, formatDomainInfo(info));
  },
};

const domstate: Command = {
  help: 'domain state',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'domstate', positionals: ['domain'], flags: ['reason'] }, argv);
    const st = await withConnection(global, io, (conn) => getDomainState(conn, a.positionals.domain as string));
    if (global.json) {
      io.out(formatJson({ name: st.dom.name, state: st.state, reason: st.reason }));
      return 0;
    }
    return finish(io, global, a.flags.has('reason') ? `${st.state} (${st.reason})\n` : `${st.state}\n`);
  },
};

/** A power command: runs `op`, then prints virsh's message ("Domain 'x' started"); `result` is the --json word. */
function power(name: string, help: string, op: (conn: Connection, domain: string) => Promise<DomainRef>, message: string, result: string, extra: { flags?: string[]; options?: string[] } = {}): Command {
  return {
    help,
    async run(argv, io, global) {
      const a = parseArgs({ name, positionals: ['domain'], ...extra }, argv);
      const mode = a.options.mode;
      // ShutdownGuest/RebootGuest go through VMware Tools: virsh's 'agent' mode, the only one ESX has.
      if (mode !== undefined && mode !== 'agent') throw new UnsupportedError(`${name} mode '${mode}' is not supported on ESX: only 'agent' (VMware Tools) is`);
      const dom = await withConnection(global, io, (conn) => op(conn, a.positionals.domain as string));
      if (global.json) {
        io.out(formatJson({ name: dom.name, uuid: dom.uuid, result }));
        return 0;
      }
      if (global.quiet) return 0;
      io.out(`Domain '${dom.name}' ${message}\n\n`);
      return 0;
    },
  };
}

/** domifaddr's table: virsh's header, one row per address, interfaces without addresses as N/A. */
export function formatInterfaceAddresses(ifaces: readonly GuestInterface[], opts: { full?: boolean; header?: boolean } = {}): string {
  const row = (name: string, mac: string, rest: string): string => ` ${name.padEnd(10)} ${mac.padEnd(17)}    ${rest}`.trimEnd() + '\n';
  let out = opts.header === false ? '' : ` ${'Name'.padEnd(10)} ${'MAC address'.padEnd(20)} ${'Protocol'.padEnd(8)}     Address\n${'-'.repeat(79)}\n`;
  for (const i of ifaces) {
    const mac = i.hwaddr ?? 'N/A';
    if (i.addrs.length === 0) {
      out += row(i.name, mac, `${'N/A'.padEnd(12)} N/A`);
      continue;
    }
    i.addrs.forEach((ad, j) => {
      const addr = `${ad.type.padEnd(12)} ${ad.addr}${ad.prefix !== undefined ? `/${ad.prefix}` : ''}`;
      out += opts.full || j === 0 ? row(i.name, mac, addr) : row('-', '-', addr);
    });
  }
  return out;
}

const domifaddr: Command = {
  help: 'get network interfaces\' addresses for a running domain',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'domifaddr', positionals: ['domain'], flags: ['full'], options: ['interface', 'source'] }, argv);
    const source = a.options.source as AddressSource | undefined;
    if (source !== undefined && !['agent', 'lease', 'arp'].includes(source)) throw new UnsupportedError(`unknown address source '${source}'`);
    const all = await withConnection(global, io, (conn) => getInterfaceAddresses(conn, a.positionals.domain as string, source ? { source } : {}));
    const wanted = a.options.interface;
    const ifaces = wanted === undefined ? all : all.filter((i) => i.name === wanted || i.hwaddr === wanted.toLowerCase());
    if (global.json) {
      io.out(formatJson(ifaces.map((i) => ({ name: i.name, hwaddr: i.hwaddr ?? null, network: i.network ?? null, addrs: i.addrs.map((ad) => ({ ...ad, prefix: ad.prefix ?? null })) }))));
      return 0;
    }
    return finish(io, global, formatInterfaceAddresses(ifaces, { full: a.flags.has('full'), header: !global.quiet }));
  },
};

const domhostname: Command = {
  help: 'print the domain\'s hostname',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'domhostname', positionals: ['domain'], options: ['source'] }, argv);
    const source = a.options.source;
    if (source !== undefined && source !== 'agent') throw new UnsupportedError(`hostname source '${source}' is not available on ESX: only 'agent' (VMware Tools) is`);
    const name = await withConnection(global, io, (conn) => getDomainHostname(conn, a.positionals.domain as string));
    if (global.json) {
      io.out(formatJson({ hostname: name }));
      return 0;
    }
    return finish(io, global, `${name}\n`);
  },
};

const guestMode = { options: ['mode'] };

/** name → command. */
export const domainLifecycleCommands: Record<string, Command> = {
  dominfo,
  domstate,
  domifaddr,
  domhostname,
  start: power('start', 'start a (previously defined) inactive domain', startDomain, 'started', 'started'),
  shutdown: power('shutdown', 'gracefully shutdown a domain (VMware Tools)', shutdownDomain, 'is being shutdown', 'shutdown requested', guestMode),
  reboot: power('reboot', 'reboot a domain (VMware Tools)', rebootDomain, 'is being rebooted', 'reboot requested', guestMode),
  reset: power('reset', 'reset a domain (hard reboot)', resetDomain, 'was reset', 'reset'),
  // PowerOffVM_Task is always immediate; --graceful is accepted so virsh scripts run unchanged.
  destroy: power('destroy', 'destroy (stop) a domain', destroyDomain, 'destroyed', 'destroyed', { flags: ['graceful'] }),
  suspend: power('suspend', 'suspend a domain', suspendDomain, 'suspended', 'suspended'),
  resume: power('resume', 'resume a domain', resumeDomain, 'resumed', 'resumed'),
};

/** dominfo, domstate, domhostname, domifaddr, and the power commands (start, shutdown, reboot, reset, destroy, suspend, resume). */
import { UnsupportedError } from '../../../errors.js';
import type { Connection } from '../../../driver/connect/index.js';
import {
  destroyDomain,
  getDomainHostname,
  getDomainInfo,
  getDomainState,
  getInterfaceAddresses,
  rebootDomain,
  resetDomain,
  resumeDomain,
  shutdownDomain,
  startDomain,
  suspendDomain,
  type DomainInfo,
  type DomainRef,
  type GuestInterface,
} from '../../../driver/domain/index.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { formatKeyValues } from '../../output.js';

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
  );
  // virsh leaves out a row it could not read; it prints no security rows for ESX (no security model).
  if (info.autostart !== undefined) pairs.push(['Autostart', info.autostart ? 'enable' : 'disable']);
  pairs.push(['Managed save', info.managedSave ? 'yes' : 'no']);
  return formatKeyValues(pairs);
}

const dominfo = defineCommand({
  name: 'dominfo',
  group: 'monitor',
  help: 'domain information',
  description: 'Returns basic information about the domain.',
  options: [opt.domain()],
  connection: 'required',
  run: ({ args, conn, debug }) => getDomainInfo(conn, args.domain, { debug }),
  text: formatDomainInfo,
  json: (info) => ({ ...info, id: info.id >= 0 ? info.id : null, cpuTimeNs: info.cpuTimeNs ?? null, autostart: info.autostart ?? null }),
});

const domstate = defineCommand({
  name: 'domstate',
  group: 'monitor',
  help: 'domain state',
  description: 'Returns state about a domain.',
  options: [opt.domain(), opt.bool('reason', 'also print reason for the state')],
  connection: 'required',
  run: ({ args, conn }) => getDomainState(conn, args.domain),
  text: (st, { args }) => (args.reason ? `${st.state} (${st.reason})\n` : `${st.state}\n`),
  json: (st) => ({ name: st.dom.name, state: st.state, reason: st.reason }),
});

/** What a power command returns: the domain, the --json word, and virsh's message. */
interface PowerResult {
  name: string;
  uuid: string;
  result: string;
  message: string;
}

type PowerOp = (conn: Connection, domain: string) => Promise<DomainRef>;

/** A power command's run(): `op`, then virsh's message ("Domain 'x' started"); `result` is the --json word. */
function powerRun(op: PowerOp, message: string, result: string) {
  return async ({ args, conn }: { args: { readonly domain: string }; conn: Connection }): Promise<PowerResult> => {
    const dom = await op(conn, args.domain);
    return { name: dom.name, uuid: dom.uuid, result, message: `Domain '${dom.name}' ${message}` };
  };
}

const powerText = (r: PowerResult, ctx: { quiet: boolean }): string => unlessQuiet(ctx, r.message);

/** A power command taking only the domain. */
function power(name: string, help: string, op: PowerOp, message: string, result: string): Command {
  return defineCommand({
    name,
    group: 'domain',
    help,
    options: [opt.domain()],
    connection: 'required',
    run: powerRun(op, message, result),
    text: powerText,
  });
}

/** shutdown and reboot: ShutdownGuest/RebootGuest go through VMware Tools, virsh's 'agent' mode, the only one ESX has. */
function guestPower(name: 'shutdown' | 'reboot', help: string, op: PowerOp, message: string, result: string): Command {
  return defineCommand({
    name,
    group: 'domain',
    help,
    options: [
      opt.domain(),
      opt.enum('mode', ['agent'], `${name} mode: agent (VMware Tools)`, {
        invalid: (m) => new UnsupportedError(`${name} mode '${m}' is not supported on ESX: only 'agent' (VMware Tools) is`),
      }),
    ],
    connection: 'required',
    run: powerRun(op, message, result),
    text: powerText,
  });
}

const destroy = defineCommand({
  name: 'destroy',
  group: 'domain',
  help: 'destroy (stop) a domain',
  description: 'Powers the domain off at once (PowerOffVM_Task).',
  // PowerOffVM_Task is always immediate; --graceful is accepted so virsh scripts run unchanged
  options: [opt.domain(), opt.bool('graceful', 'accepted for virsh compatibility: the power-off is always immediate')],
  connection: 'required',
  run: powerRun(destroyDomain, 'destroyed', 'destroyed'),
  text: powerText,
});

/** domifaddr's table: virsh's header, one row per address, interfaces without addresses as N/A. */
export function formatInterfaceAddresses(ifaces: readonly GuestInterface[], opts: { full?: boolean; header?: boolean } = {}): string {
  const row = (name: string, mac: string, rest: string): string => ` ${name.padEnd(10)} ${mac.padEnd(17)}    ${rest}`.trimEnd() + '\n';
  let out =
    opts.header === false
      ? ''
      : ` ${'Name'.padEnd(10)} ${'MAC address'.padEnd(20)} ${'Protocol'.padEnd(8)}     Address\n${'-'.repeat(79)}\n`;
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

const domifaddr = defineCommand({
  name: 'domifaddr',
  group: 'monitor',
  help: "get network interfaces' addresses for a running domain",
  description: "Get network interfaces' addresses for a running domain (as VMware Tools report them).",
  options: [
    opt.domain(),
    opt.string('interface', 'network interface name or MAC address'),
    opt.bool('full', 'always display names and MACs of interfaces'),
    opt.enum('source', ['agent', 'lease', 'arp'], 'address source (only agent on ESX)', {
      invalid: (s) => new UnsupportedError(`unknown address source '${s}'`),
    }),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const all = await getInterfaceAddresses(conn, args.domain, args.source ? { source: args.source } : {});
    const wanted = args.interface;
    return wanted === undefined ? all : all.filter((i) => i.name === wanted || i.hwaddr === wanted.toLowerCase());
  },
  text: (ifaces, { args, quiet }) => formatInterfaceAddresses(ifaces, { full: args.full, header: !quiet }),
  json: (ifaces) =>
    ifaces.map((i) => ({
      name: i.name,
      hwaddr: i.hwaddr ?? null,
      network: i.network ?? null,
      addrs: i.addrs.map((ad) => ({ ...ad, prefix: ad.prefix ?? null })),
    })),
});

const domhostname = defineCommand({
  name: 'domhostname',
  group: 'domain',
  help: "print the domain's hostname",
  options: [
    opt.domain(),
    opt.enum('source', ['agent'], 'address source: agent (VMware Tools)', {
      invalid: (s) => new UnsupportedError(`hostname source '${s}' is not available on ESX: only 'agent' (VMware Tools) is`),
    }),
  ],
  connection: 'required',
  run: async ({ args, conn }) => ({ hostname: await getDomainHostname(conn, args.domain) }),
  text: (d) => `${d.hostname}\n`,
});

/** The state and power commands. */
export const domainLifecycleCommands: readonly Command[] = [
  dominfo,
  domstate,
  domifaddr,
  domhostname,
  power('start', 'start a (previously defined) inactive domain', startDomain, 'started', 'started'),
  guestPower('shutdown', 'gracefully shutdown a domain (VMware Tools)', shutdownDomain, 'is being shutdown', 'shutdown requested'),
  guestPower('reboot', 'reboot a domain (VMware Tools)', rebootDomain, 'is being rebooted', 'reboot requested'),
  power('reset', 'reset a domain (hard reboot)', resetDomain, 'was reset', 'reset'),
  destroy,
  power('suspend', 'suspend a domain', suspendDomain, 'suspended', 'suspended'),
  power('resume', 'resume a domain', resumeDomain, 'resumed', 'resumed'),
];

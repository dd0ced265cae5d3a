/**
 * Network commands (virsh's group 'network'): net-list, net-info, net-dumpxml, net-uuid, net-name, net-define,
 * net-undefine, net-autostart, net-start, net-destroy, net-update. Layouts are virsh 9.0's against an ESX host.
 */
import {
  defineNetwork,
  getNetworkDef,
  listNetworks,
  lookupNetwork,
  undefineNetwork,
  updateNetworkPortgroup,
  type NetworkSummary,
  type PortgroupCommand,
} from '../../../driver/network/index.js';
import { formatNetworkXml, parsePortgroupXml } from '../../../conf/index.js';
import { UnsupportedError } from '../../../errors.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { UsageError } from '../../exit-codes.js';
import { readInput } from '../../io.js';
import { opt } from '../../options.js';
import { formatKeyValues, tableLines } from '../../output.js';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');
const networkArg = (help = 'network name or uuid') => opt.string('network', help, { required: true, positional: true });

const toJson = (n: NetworkSummary) => ({
  name: n.name,
  uuid: n.uuid,
  kind: n.kind,
  active: n.active,
  persistent: n.persistent,
  autostart: n.autostart,
  portgroups: n.portgroups,
  uplinks: n.uplinks,
});

const netList = defineCommand({
  name: 'net-list',
  group: 'network',
  help: 'list networks',
  description: 'Returns list of networks: every standard vSwitch of the host and, on vCenter, its distributed switches.',
  options: [
    opt.bool('inactive', 'list inactive networks'),
    opt.bool('all', 'list inactive & active networks'),
    opt.bool('persistent', 'list persistent networks'),
    opt.bool('transient', 'list transient networks'),
    opt.bool('autostart', 'list networks with autostart enabled'),
    opt.bool('no-autostart', 'list networks with autostart disabled'),
    opt.bool('uuid', "list uuid's only"),
    opt.bool('name', 'list network names only'),
    opt.bool('table', 'list table (default)'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    // ESX networks are all active, persistent and autostarted: the filters only ever select all or none
    const none = (args.inactive && !args.all) || args.transient || args['no-autostart'];
    return none ? [] : await listNetworks(conn);
  },
  text(nets, { args }) {
    if ((args.name || args.uuid) && !args.table) {
      return nets.map((n) => `${[args.uuid ? n.uuid : '', args.name ? n.name : ''].filter(Boolean).join(' ')}\n`).join('');
    }
    return tableLines(
      ['Name', 'State', 'Autostart', 'Persistent'],
      nets.map((n) => [n.name, n.active ? 'active' : 'inactive', yesNo(n.autostart), yesNo(n.persistent)]),
    );
  },
  json: (nets) => nets.map(toJson),
});

const netInfo = defineCommand({
  name: 'net-info',
  group: 'network',
  help: 'network information',
  description: 'Returns basic information about the network.',
  options: [networkArg()],
  connection: 'required',
  run: async ({ args, conn }) => toJson(await lookupNetwork(conn, args.network)),
  // libvirt's ESX driver has no bridge name, so virsh prints no Bridge line
  text: (n) =>
    formatKeyValues([
      ['Name', n.name],
      ['UUID', n.uuid],
      ['Active', yesNo(n.active)],
      ['Persistent', yesNo(n.persistent)],
      ['Autostart', yesNo(n.autostart)],
    ]),
});

const netDumpxml = defineCommand({
  name: 'net-dumpxml',
  group: 'network',
  help: 'network information in XML',
  description: 'Output the network information as an XML dump to stdout.',
  options: [networkArg(), opt.bool('inactive', 'show inactive defined XML (the same on ESX)')],
  connection: 'required',
  run: async ({ args, conn }) => ({ xml: formatNetworkXml(await getNetworkDef(conn, args.network)) }),
  text: (d) => d.xml,
});

const netUuid = defineCommand({
  name: 'net-uuid',
  group: 'network',
  help: 'convert a network name to network UUID',
  options: [networkArg('network name')],
  connection: 'required',
  run: async ({ args, conn }) => {
    const n = await lookupNetwork(conn, args.network);
    return { name: n.name, uuid: n.uuid };
  },
  text: (d) => `${d.uuid}\n`,
});

const netName = defineCommand({
  name: 'net-name',
  group: 'network',
  help: 'convert a network UUID to network name',
  options: [networkArg('network uuid')],
  connection: 'required',
  run: async ({ args, conn }) => {
    const n = await lookupNetwork(conn, args.network);
    return { name: n.name, uuid: n.uuid };
  },
  text: (d) => `${d.name}\n`,
});

const netDefine = defineCommand({
  name: 'net-define',
  group: 'network',
  help: 'define an inactive persistent virtual network or modify an existing persistent one from an XML file',
  description:
    'Creates a standard vSwitch on the host: its <forward> interfaces as uplinks, <mtu>, <bandwidth>, and one port group per <portgroup> with its VLAN. Repeating it after a failure completes the network.',
  options: [
    opt.string('file', 'file containing an XML network description', { required: true, positional: true }),
    opt.bool('validate', 'validate the XML against the schema (accepted; esxvirt always checks what ESX needs)'),
  ],
  connection: 'required',
  prepare: async ({ args }) => (await readInput(args.file)).toString('utf8'),
  async run({ args, conn, input }) {
    const r = await defineNetwork(conn, input);
    return { ...toJson(r.network), created: r.created, message: `Network ${r.network.name} defined from ${args.file}` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const netUndefine = defineCommand({
  name: 'net-undefine',
  group: 'network',
  help: 'undefine a persistent network',
  description: 'Removes the vSwitch and its port groups; refused while a VM uses one of them.',
  options: [networkArg()],
  connection: 'required',
  async run({ args, conn }) {
    const n = await undefineNetwork(conn, args.network);
    return { name: n.name, uuid: n.uuid, message: `Network ${n.name} has been undefined` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const netAutostart = defineCommand({
  name: 'net-autostart',
  group: 'network',
  help: 'autostart a network',
  description: 'ESX networks always start with the host: enabling is accepted, disabling refused (as libvirt does).',
  options: [networkArg(), opt.bool('disable', 'disable autostarting')],
  connection: 'required',
  async run({ args, conn }) {
    const n = await lookupNetwork(conn, args.network);
    if (args.disable)
      throw new UnsupportedError(
        `Failed to unmark network ${n.name} as autostarted: Cannot deactivate network autostart (ESX networks always start with the host)`,
      );
    return { name: n.name, autostart: true, message: `Network ${n.name} marked as autostarted` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

function unsupportedLifecycle(name: string, verb: string, api: string, help: string): Command {
  return defineCommand({
    name,
    group: 'network',
    help,
    description: `ESX networks are always active: libvirt's ESX driver has no ${api}, and esxvirt answers the same way.`,
    options: [networkArg()],
    connection: 'required',
    async run({ args, conn }): Promise<{ name: string }> {
      const n = await lookupNetwork(conn, args.network);
      throw new UnsupportedError(
        `Failed to ${verb} network ${n.name}: this function is not supported by the connection driver: ${api} (ESX networks are always active)`,
      );
    },
    text: () => '',
  });
}

const COMMANDS_OF_UPDATE = ['add', 'add-first', 'add-last', 'delete', 'modify'] as const;

const netUpdate = defineCommand({
  name: 'net-update',
  group: 'network',
  help: "update parts of an existing network's configuration",
  description:
    'Adds, deletes or modifies a <portgroup> (name, VLAN id or trunk, shaping, security policy). Changes on ESX are live and persistent at once.',
  options: [
    networkArg(),
    opt.enum('command', COMMANDS_OF_UPDATE, 'type of update (add-first, add-last (add), delete, or modify)', {
      required: true,
      positional: true,
      invalid: (c) => new UsageError(`unrecognized command name '${c}'`),
    }),
    opt.string('section', 'which section of network configuration to update', { required: true, positional: true }),
    opt.string(
      'xml',
      "name of file containing xml (or, if it starts with '<', the complete text of the xml element to add/modify, or to be matched for search)",
      {
        required: true,
        positional: true,
      },
    ),
    opt.int('parent-index', 'which parent object to search through', { min: 0 }),
    opt.bool('config', 'affect next network startup'),
    opt.bool('live', 'affect running network'),
    opt.bool('current', 'affect current state of network'),
  ],
  connection: 'required',
  async prepare({ args }) {
    if (args.section !== 'portgroup')
      throw new UnsupportedError(`section '${args.section}' cannot be updated on ESX: only 'portgroup' can`);
    const text = args.xml.trimStart().startsWith('<') ? args.xml : (await readInput(args.xml)).toString('utf8');
    return parsePortgroupXml(text);
  },
  async run({ args, conn, input }) {
    const n = await lookupNetwork(conn, args.network);
    await updateNetworkPortgroup(conn, n.name, args.command as PortgroupCommand, input);
    // virsh's wording: ESX networks are active, so an update without --config is a live one
    const scope = args.config ? (args.live ? 'persistent config and live state' : 'persistent config') : 'live state';
    return {
      name: n.name,
      command: args.command,
      section: 'portgroup',
      portgroup: input.name,
      message: `Updated network ${n.name} ${scope}`,
    };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

/** The network commands. */
export const networkCommands: readonly Command[] = [
  netAutostart,
  netDefine,
  unsupportedLifecycle('net-destroy', 'destroy', 'virNetworkDestroy', 'destroy (stop) a network'),
  netDumpxml,
  netInfo,
  netList,
  netName,
  unsupportedLifecycle('net-start', 'start', 'virNetworkCreate', 'start a (previously defined) inactive network'),
  netUndefine,
  netUpdate,
  netUuid,
];

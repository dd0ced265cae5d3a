/** Interface commands (virsh's group 'interface'): iface-list, iface-dumpxml, iface-mac, iface-name. */
import { getInterfaceDef, listInterfaces, lookupInterface, type HostInterface } from '../../../driver/interface/index.js';
import { formatInterfaceXml } from '../../../conf/index.js';
import { defineCommand, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { tableLines } from '../../output.js';

const toJson = (i: HostInterface) => ({
  name: i.name,
  mac: i.mac,
  active: i.active,
  link: i.link,
  ...(i.driver ? { driver: i.driver } : {}),
});

const ifaceList = defineCommand({
  name: 'iface-list',
  group: 'interface',
  help: 'list physical host interfaces',
  description: "Returns list of the host's physical NICs (all active on ESX).",
  options: [opt.bool('inactive', 'list inactive interfaces'), opt.bool('all', 'list inactive & active interfaces')],
  connection: 'required',
  // ESX's physical NICs are always active (libvirt's ESX driver): --inactive alone lists none
  run: async ({ args, conn }) => (args.inactive && !args.all ? [] : await listInterfaces(conn)),
  text: (ifaces) =>
    tableLines(
      ['Name', 'State', 'MAC Address'],
      ifaces.map((i) => [i.name, i.active ? 'active' : 'inactive', i.mac]),
    ),
  json: (ifaces) => ifaces.map(toJson),
});

const ifaceDumpxml = defineCommand({
  name: 'iface-dumpxml',
  group: 'interface',
  help: 'interface information in XML',
  description: 'Output the physical host interface information as an XML dump to stdout.',
  options: [
    opt.string('interface', 'interface name or MAC address', { required: true, positional: true }),
    opt.bool('inactive', 'show inactive defined XML (the same on ESX)'),
  ],
  connection: 'required',
  run: async ({ args, conn }) => ({ xml: formatInterfaceXml(await getInterfaceDef(conn, args.interface)) }),
  text: (d) => d.xml,
});

const ifaceMac = defineCommand({
  name: 'iface-mac',
  group: 'interface',
  help: 'convert an interface name to interface MAC address',
  options: [opt.string('interface', 'interface name', { required: true, positional: true })],
  connection: 'required',
  run: async ({ args, conn }) => toJson(await lookupInterface(conn, args.interface)),
  text: (i) => `${i.mac}\n`,
});

const ifaceName = defineCommand({
  name: 'iface-name',
  group: 'interface',
  help: 'convert an interface MAC address to interface name',
  options: [opt.string('interface', 'interface mac', { required: true, positional: true })],
  connection: 'required',
  run: async ({ args, conn }) => toJson(await lookupInterface(conn, args.interface)),
  text: (i) => `${i.name}\n`,
});

/** The interface commands. */
export const interfaceCommands: readonly Command[] = [ifaceDumpxml, ifaceList, ifaceMac, ifaceName];

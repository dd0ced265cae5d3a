/** domblklist, domiflist, domblkinfo, domif-getlink. */
import { getBlockInfo, getInterfaceLink, listBlockDevices, listDomainInterfaces, type BlockInfo } from '../../../driver/domain/index.js';
import { defineCommand, type Command } from '../../command.js';
import { UsageError } from '../../exit-codes.js';
import { opt } from '../../options.js';
import { formatKeyValues, tableLines } from '../../output.js';

const domblklist = defineCommand({
  name: 'domblklist',
  group: 'monitor',
  help: 'list all domain blocks',
  description: 'Get the summary of block devices for a domain.',
  options: [
    opt.domain(),
    opt.bool('inactive', 'accepted for virsh compatibility: ESX keeps one configuration'),
    opt.bool('details', 'additionally display the type and device value'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const r = await listBlockDevices(conn, args.domain);
    return { name: r.dom.name, disks: r.disks };
  },
  text: (d, { args }) =>
    args.details
      ? tableLines(
          ['Type', 'Device', 'Target', 'Source'],
          d.disks.map((x) => [x.type, x.device, x.target, x.source]),
        )
      : tableLines(
          ['Target', 'Source'],
          d.disks.map((x) => [x.target, x.source]),
        ),
});

const domiflist = defineCommand({
  name: 'domiflist',
  group: 'monitor',
  help: 'list all domain virtual interfaces',
  description: 'Get the summary of virtual interfaces for a domain.',
  options: [opt.domain(), opt.bool('inactive', 'accepted for virsh compatibility: ESX keeps one configuration')],
  connection: 'required',
  async run({ args, conn }) {
    const r = await listDomainInterfaces(conn, args.domain);
    return { name: r.dom.name, interfaces: r.interfaces };
  },
  text: (d) =>
    tableLines(
      ['Interface', 'Type', 'Source', 'Model', 'MAC'],
      d.interfaces.map((n) => [n.interface, n.type, n.source, n.model, n.mac]),
    ),
});

/** virsh's --human sizes: B, KiB … with three decimals above 1 KiB. */
export function humanSize(bytes: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  if (bytes < 1024) return `${bytes} B`;
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(3)} ${units[i]}`;
}

const domblkinfo = defineCommand({
  name: 'domblkinfo',
  group: 'monitor',
  help: 'domain block device size information',
  description: "Get block device size info for a domain (capacity; allocation and physical from the VM's file layout).",
  options: [
    opt.domain(),
    opt.string('device', 'block device (target or source)', { positional: true }),
    opt.bool('human', 'Human readable output'),
    opt.bool('all', 'display all block devices info'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    if (!args.all && args.device === undefined) throw new UsageError("command 'domblkinfo' requires <device> option");
    const r = await getBlockInfo(conn, args.domain, args.all ? undefined : args.device);
    return { name: r.dom.name, disks: r.disks };
  },
  text: (d, { args }) => {
    const size = (n: number): string => (args.human ? humanSize(n) : String(n));
    if (args.all)
      return tableLines(
        ['Target', 'Capacity', 'Allocation', 'Physical'],
        d.disks.map((x: BlockInfo) => [x.target, size(x.capacity), size(x.allocation), size(x.physical)]),
      );
    const x = d.disks[0] as BlockInfo;
    return formatKeyValues([
      ['Capacity', size(x.capacity)],
      ['Allocation', size(x.allocation)],
      ['Physical', size(x.physical)],
    ]);
  },
});

const domifGetlink = defineCommand({
  name: 'domif-getlink',
  group: 'monitor',
  help: 'get link state of a virtual interface',
  description: "Get the link state of a domain's virtual interface (its MAC address, or 'ethernetN').",
  options: [
    opt.domain(),
    opt.string('interface', 'interface device (MAC Address)', { required: true, positional: true }),
    opt.bool('config', 'Get persistent interface state'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const r = await getInterfaceLink(conn, args.domain, args.interface);
    return { name: r.dom.name, interface: args.interface, state: r.state };
  },
  text: (d) => `${d.interface} ${d.state}`,
});

/** The device listing commands. */
export const domainDeviceListCommands: readonly Command[] = [domblklist, domiflist, domblkinfo, domifGetlink];

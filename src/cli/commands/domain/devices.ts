/** attach-device, detach-device, update-device, attach-disk, detach-disk, attach-interface, detach-interface, change-media, domif-setlink. */
import {
  attachDevice,
  attachDisk,
  attachInterface,
  changeMedia,
  detachDevice,
  detachDisk,
  detachInterface,
  diskFromOptions,
  formatDeviceXml,
  interfaceFromOptions,
  setInterfaceLink,
  updateDevice,
  type DeviceChangeResult,
  type DeviceFlags,
  type MediaAction,
} from '../../../driver/domain/index.js';
import { InvalidArgumentError } from '../../../errors.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { readInput } from '../../io.js';
import { opt } from '../../options.js';

/** virsh's --persistent/--config/--live/--current, in its order. */
const FLAG_OPTIONS = [
  opt.bool('persistent', 'make live change persistent'),
  opt.bool('config', 'affect next boot'),
  opt.bool('live', 'affect running domain'),
  opt.bool('current', 'affect current domain'),
] as const;

/** --current excludes the others, as virsh checks them. */
const FLAG_EXCLUSIVE = [
  ['current', 'live'],
  ['current', 'config'],
  ['current', 'persistent'],
] as const;

function flagsOf(args: { persistent: boolean; config: boolean; live: boolean }): DeviceFlags {
  return { persistent: args.persistent, config: args.config, live: args.live };
}

/** The JSON of a device change: the domain, the device as placed, virsh's message. */
function changeJson(r: DeviceChangeResult, message: string): { name: string; device: string; xml: string; message: string } {
  return { name: r.dom.name, device: r.device.kind, xml: r.xml, message };
}

function xmlDeviceCommand(
  name: 'attach-device' | 'detach-device' | 'update-device',
  help: string,
  description: string,
  message: string,
  op: typeof attachDevice,
): Command {
  return defineCommand({
    name,
    group: 'domain',
    help,
    description,
    options: [
      opt.domain(),
      opt.string('file', "XML file ('-': standard input)", { required: true, positional: true }),
      ...FLAG_OPTIONS,
      ...(name === 'update-device' ? [opt.bool('force', 'accepted for virsh compatibility (a CD-ROM is ejected by force anyway)')] : []),
    ],
    exclusive: FLAG_EXCLUSIVE,
    connection: 'required',
    prepare: async ({ args }) => (await readInput(args.file)).toString('utf8'),
    async run({ args, conn, input }) {
      return changeJson(await op(conn, args.domain, input, flagsOf(args)), message);
    },
    text: (d, ctx) => unlessQuiet(ctx, d.message),
  });
}

const attachDisk_ = defineCommand({
  name: 'attach-disk',
  group: 'domain',
  help: 'attach disk device',
  description:
    'Attach an existing disk file (or CD-ROM image, or host device), or with --size create a new disk (thin by default) in the domain\'s folder unless SOURCE names another datastore: "[ds] dir/new.vmdk".',
  options: [
    opt.domain(),
    opt.string('source', "source of disk device: '[datastore] path', or a file name in the domain's folder", {
      required: true,
      positional: true,
    }),
    opt.string('target', 'target of disk device (sdb, hdc, fda …)', { required: true, positional: true }),
    opt.string('targetbus', 'target bus of disk device (scsi, ide, sata, fdc)'),
    opt.string('driver', 'SCSI controller model for an old-style domain (buslogic, lsilogic, lsisas1068, vmpvscsi)'),
    opt.string('subdriver', 'accepted for virsh compatibility'),
    opt.string('cache', "cache mode of disk device ('writethrough')"),
    opt.string('type', 'target device type (disk, cdrom, floppy, lun)'),
    opt.string('mode', 'mode of device reading and writing (readonly, shareable)'),
    opt.enum('sourcetype', ['file', 'block'], 'type of source (block|file)'),
    opt.string('address', 'address of disk device: scsi:CONTROLLER.BUS.UNIT'),
    opt.bool('print-xml', 'print XML document rather than attach the disk'),
    opt.size('size', 'create the disk with this size (default KiB; units such as MiB, GiB)', { min: 1 }),
    opt.enum('provisioning', ['thin', 'thick', 'eagerzeroedthick'], 'provisioning of a created disk (default thin)'),
    ...FLAG_OPTIONS,
  ],
  exclusive: FLAG_EXCLUSIVE,
  connection: 'required',
  async run({ args, conn, warn }) {
    const opts = {
      ...flagsOf(args),
      ...(args.targetbus !== undefined ? { targetBus: args.targetbus } : {}),
      ...(args.type !== undefined ? { type: args.type } : {}),
      ...(args.mode !== undefined ? { mode: args.mode } : {}),
      ...(args.sourcetype !== undefined ? { sourceType: args.sourcetype } : {}),
      ...(args.driver !== undefined ? { driver: args.driver } : {}),
      ...(args.cache !== undefined ? { cache: args.cache } : {}),
      ...(args.address !== undefined ? { address: args.address } : {}),
      ...(args.size !== undefined ? { sizeKiB: args.size } : {}),
      ...(args.provisioning !== undefined ? { provisioning: args.provisioning } : {}),
      warn,
    };
    if (args['print-xml']) {
      const xml = formatDeviceXml({ kind: 'disk', def: diskFromOptions(args.source, args.target, opts) });
      return { name: args.domain, device: 'disk', xml, message: '', printed: true };
    }
    return {
      ...changeJson(await attachDisk(conn, args.domain, args.source, args.target, opts), 'Disk attached successfully'),
      printed: false,
    };
  },
  text: (d, ctx) => (d.printed ? d.xml : unlessQuiet(ctx, d.message)),
  json: (d) => (d.printed ? { xml: d.xml } : { name: d.name, device: d.device, xml: d.xml, message: d.message }),
});

const detachDisk_ = defineCommand({
  name: 'detach-disk',
  group: 'domain',
  help: 'detach disk device',
  description: 'Detach a disk device (its file is kept).',
  options: [
    opt.domain(),
    opt.string('target', 'target of disk device (or its source)', { required: true, positional: true }),
    ...FLAG_OPTIONS,
  ],
  exclusive: FLAG_EXCLUSIVE,
  connection: 'required',
  async run({ args, conn }) {
    return changeJson(await detachDisk(conn, args.domain, args.target, flagsOf(args)), 'Disk detached successfully');
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const attachInterface_ = defineCommand({
  name: 'attach-interface',
  group: 'domain',
  help: 'attach network interface',
  description: 'Attach a network interface on a port group (type bridge or network: the port group name).',
  options: [
    opt.domain(),
    opt.string('type', 'network interface type (bridge, network)', { required: true, positional: true }),
    opt.string('source', 'source of network interface: the port group', { required: true, positional: true }),
    opt.string('target', 'target network name (a Workstation vmnet; not used by ESX)'),
    opt.string('mac', 'MAC address (default: generated by the server)'),
    opt.string('model', 'model type (e1000, e1000e, vmxnet3, vmxnet2, vmxnet, vlance)'),
    opt.bool('print-xml', 'print XML document rather than attach the interface'),
    ...FLAG_OPTIONS,
  ],
  exclusive: FLAG_EXCLUSIVE,
  connection: 'required',
  async run({ args, conn }) {
    const opts = {
      ...flagsOf(args),
      ...(args.target !== undefined ? { target: args.target } : {}),
      ...(args.mac !== undefined ? { mac: args.mac } : {}),
      ...(args.model !== undefined ? { model: args.model } : {}),
    };
    if (args['print-xml']) {
      const xml = formatDeviceXml({ kind: 'interface', def: interfaceFromOptions(args.type, args.source, opts) });
      return { name: args.domain, device: 'interface', xml, message: '', printed: true };
    }
    const r = await attachInterface(conn, args.domain, args.type, args.source, opts);
    return { ...changeJson(r, 'Interface attached successfully'), printed: false };
  },
  text: (d, ctx) => (d.printed ? d.xml : unlessQuiet(ctx, d.message)),
  json: (d) => (d.printed ? { xml: d.xml } : { name: d.name, device: d.device, xml: d.xml, message: d.message }),
});

const detachInterface_ = defineCommand({
  name: 'detach-interface',
  group: 'domain',
  help: 'detach network interface',
  description: 'Detach a network interface (by MAC address; the only one of its type without --mac).',
  options: [
    opt.domain(),
    opt.string('type', 'network interface type (bridge, network)', { required: true, positional: true }),
    opt.string('mac', 'MAC address'),
    ...FLAG_OPTIONS,
  ],
  exclusive: FLAG_EXCLUSIVE,
  connection: 'required',
  async run({ args, conn }) {
    return changeJson(await detachInterface(conn, args.domain, args.type, args.mac, flagsOf(args)), 'Interface detached successfully');
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const MEDIA_MESSAGES: Record<MediaAction, string> = {
  eject: 'Successfully ejected media.',
  insert: 'Successfully inserted media.',
  update: 'Successfully updated media.',
};

const changeMedia_ = defineCommand({
  name: 'change-media',
  group: 'domain',
  help: 'Change media of CD or floppy drive',
  description: 'Change media of CD or floppy drive (a running domain too).',
  options: [
    opt.domain(),
    opt.string('path', 'Fully-qualified path or target of disk device', { required: true, positional: true }),
    opt.string('source', 'source of the media', { positional: true }),
    opt.bool('eject', 'Eject the media'),
    opt.bool('insert', 'Insert the media'),
    opt.bool('update', 'Update the media'),
    opt.bool('current', 'can be either or both of --live and --config, depends on implementation hypervisor driver'),
    opt.bool('live', 'alter live configuration of running domain'),
    opt.bool('config', 'alter persistent configuration, effect observed on next boot'),
    opt.bool('force', 'force media changing'),
    opt.bool('block', 'source media is a block device'),
  ],
  exclusive: [
    ['eject', 'insert'],
    ['eject', 'update'],
    ['insert', 'update'],
    ['current', 'live'],
    ['current', 'config'],
  ],
  connection: 'required',
  async run({ args, conn }) {
    const action: MediaAction = args.eject ? 'eject' : args.insert ? 'insert' : args.update ? 'update' : args.source ? 'update' : 'eject';
    const r = await changeMedia(conn, args.domain, args.path, args.source, action, {
      live: args.live,
      config: args.config,
      block: args.block,
    });
    return changeJson(r, MEDIA_MESSAGES[action]);
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const domifSetlink = defineCommand({
  name: 'domif-setlink',
  group: 'domain',
  help: 'set link state of a virtual interface',
  description: "Set the link state of a domain's virtual interface (its MAC address, or 'ethernetN'): connected or not.",
  options: [
    opt.domain(),
    opt.string('interface', 'interface device (MAC Address)', { required: true, positional: true }),
    opt.enum('state', ['up', 'down'], 'new state of the device', {
      required: true,
      positional: true,
      invalid: (t) => new InvalidArgumentError(`invalid link state '${t}': expecting up or down`),
    }),
    opt.bool('config', 'affect domain config'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const dom = await setInterfaceLink(conn, args.domain, args.interface, args.state, { config: args.config });
    return { name: dom.name, interface: args.interface, state: args.state, message: 'Device updated successfully' };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

/** The device-change commands. */
export const domainDeviceCommands: readonly Command[] = [
  xmlDeviceCommand(
    'attach-device',
    'attach device from an XML file',
    'Attach a device (disk, interface, controller, serial, parallel) from an XML fragment.',
    'Device attached successfully',
    attachDevice,
  ),
  xmlDeviceCommand(
    'detach-device',
    'detach device from an XML file',
    'Detach the device an XML fragment describes (a disk file is kept).',
    'Device detached successfully',
    detachDevice,
  ),
  xmlDeviceCommand(
    'update-device',
    'update device from an XML file',
    'Update the device an XML fragment describes: a CD-ROM or floppy medium, a NIC network, a serial or parallel backing.',
    'Device updated successfully',
    updateDevice,
  ),
  attachDisk_,
  detachDisk_,
  attachInterface_,
  detachInterface_,
  changeMedia_,
  domifSetlink,
];

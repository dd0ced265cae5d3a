/** vol-create-as, vol-create, vol-create-from, vol-clone, vol-delete, vol-wipe, vol-resize: changing volumes. */
import { InvalidArgumentError } from '../../../errors.js';
import { formatVolumeXml, parseVolumeXml, type VolumeDef } from '../../../conf/index.js';
import {
  ADAPTER_TYPES,
  cloneVolume,
  createVolume,
  deleteVolume,
  DISK_TYPES,
  lookupVolume,
  resizeVolume,
  volumeDefOf,
  wipeVolume,
  type AdapterType,
  type DiskOptions,
  type DiskType,
} from '../../../driver/storage/index.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { readInput } from '../../io.js';
import { opt } from '../../options.js';
import { parseSize, poolArg, poolOpt, volArg, volumeJson } from './shared.js';

/** --type: how the disk's blocks are allocated (esxvirt's; the XML's allocation chooses otherwise). */
export const typeOpt = () =>
  opt.enum('type', DISK_TYPES, 'disk type: thin, zeroedthick or eagerzeroedthick (default: from the allocation)');

/** --adapter: the disk's adapter type. */
export const adapterOpt = () =>
  opt.enum('adapter', ADAPTER_TYPES, 'adapter type: ide, busLogic, lsiLogic (default), lsiLogicsas, paraVirtual');

function diskOptions(args: { type?: DiskType | undefined; adapter?: AdapterType | undefined }, warn: (m: string) => void): DiskOptions {
  return {
    warn,
    ...(args.type !== undefined ? { diskType: args.type } : {}),
    ...(args.adapter !== undefined ? { adapter: args.adapter } : {}),
  };
}

const spec = (args: { vol: string; pool?: string | undefined }) =>
  args.pool !== undefined ? { vol: args.vol, pool: args.pool } : { vol: args.vol };

/** virsh's own XML for vol-create-as --print-xml. */
function printedXml(name: string, capacity: number, allocation: number | undefined, format: string | undefined): string {
  let x = `<volume>\n  <name>${name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</name>\n  <capacity>${capacity}</capacity>\n`;
  if (allocation !== undefined) x += `  <allocation>${allocation}</allocation>\n`;
  if (format !== undefined) x += `  <target>\n    <format type='${format}'/>\n  </target>\n`;
  return `${x}</volume>\n`;
}

const volCreateAs = defineCommand({
  name: 'vol-create-as',
  group: 'volume',
  help: 'create a volume from a set of args',
  description:
    'Create a virtual disk. Its type: --type, else the allocation (0: thin; the capacity, or none: zeroedthick; anything else is refused).',
  options: [
    poolArg(),
    opt.string('name', 'name of the volume (a .vmdk path inside the pool)', { required: true, positional: true }),
    opt.string('capacity', 'size of the vol, as scaled integer (default bytes)', { required: true, positional: true }),
    opt.string('allocation', 'initial allocation size, as scaled integer (default bytes)'),
    opt.string('format', 'file format type (vmdk)'),
    opt.bool('prealloc-metadata', 'accepted for virsh compatibility: VMDK disks have no metadata to preallocate'),
    opt.bool('print-xml', 'print XML document, but do not define/create'),
    typeOpt(),
    adapterOpt(),
  ],
  connection: 'required',
  async run({ args, conn, warn }) {
    const capacity = parseSize(args.capacity);
    const allocation = args.allocation === undefined ? undefined : parseSize(args.allocation);
    if (args['print-xml']) return { xml: printedXml(args.name, capacity, allocation, args.format), message: undefined };
    const def: VolumeDef = {
      type: 'file',
      name: args.name,
      capacity,
      ...(allocation !== undefined ? { allocation } : {}),
      target: args.format !== undefined ? { format: args.format } : {},
    };
    const vol = await createVolume(conn, args.pool, def, diskOptions(args, warn));
    return { ...volumeJson(vol), xml: undefined, message: `Vol ${args.name} created` };
  },
  text: (d, ctx) => d.xml ?? unlessQuiet(ctx, d.message ?? ''),
  json: (d) => (d.xml !== undefined ? { xml: d.xml } : { ...d, xml: undefined }),
});

const volCreate = defineCommand({
  name: 'vol-create',
  group: 'volume',
  help: 'create a vol from an XML file',
  description: 'Create a virtual disk from an XML <volume>; --type overrides what its allocation chooses.',
  options: [
    poolArg(),
    opt.string('file', 'file containing an XML vol description', { required: true, positional: true }),
    opt.bool('prealloc-metadata', 'accepted for virsh compatibility'),
    opt.bool('validate', 'the XML is checked as it is parsed'),
    typeOpt(),
    adapterOpt(),
  ],
  connection: 'required',
  prepare: async ({ args }) => parseVolumeXml((await readInput(args.file)).toString('utf8')),
  async run({ args, conn, input, warn }) {
    const vol = await createVolume(conn, args.pool, input, diskOptions(args, warn));
    return { ...volumeJson(vol), message: `Vol ${input.name} created from ${args.file}` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const volCreateFrom = defineCommand({
  name: 'vol-create-from',
  group: 'volume',
  help: 'create a vol, using another volume as input',
  description: 'Copy a virtual disk into a pool (CopyVirtualDisk_Task); the XML names the copy, its allocation or --type may convert it.',
  options: [
    poolArg(),
    opt.string('file', 'file containing an XML vol description', { required: true, positional: true }),
    volArg('input vol name or key'),
    opt.string('inputpool', 'pool name or uuid of the input volume'),
    opt.bool('prealloc-metadata', 'accepted for virsh compatibility'),
    opt.bool('reflink', 'accepted for virsh compatibility: ESX copies are full copies'),
    opt.bool('validate', 'the XML is checked as it is parsed'),
    typeOpt(),
    adapterOpt(),
  ],
  connection: 'required',
  prepare: async ({ args }) => parseVolumeXml((await readInput(args.file)).toString('utf8')),
  async run({ args, conn, input, warn }) {
    const source = args.inputpool !== undefined ? { vol: args.vol, pool: args.inputpool } : { vol: args.vol };
    const vol = await cloneVolume(conn, source, { pool: args.pool, name: input.name, def: input }, diskOptions(args, warn));
    return { ...volumeJson(vol), message: `Vol ${input.name} created from input vol ${args.vol}` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const volClone = defineCommand({
  name: 'vol-clone',
  group: 'volume',
  help: 'clone a volume.',
  description: 'Clone an existing virtual disk within its pool (or into --target-pool), keeping its type unless --type says otherwise.',
  options: [
    volArg('orig vol name or key'),
    opt.string('newname', 'clone name', { required: true, positional: true }),
    poolOpt(),
    opt.bool('prealloc-metadata', 'accepted for virsh compatibility'),
    opt.bool('reflink', 'accepted for virsh compatibility: ESX copies are full copies'),
    opt.bool('print-xml', 'print XML document instead of cloning the volume'),
    opt.string('target-pool', "pool name or uuid to copy to (default: the volume's own)"),
    typeOpt(),
    adapterOpt(),
  ],
  connection: 'required',
  async run({ args, conn, warn }) {
    if (args['print-xml']) {
      const src = await lookupVolume(conn, spec(args));
      // virsh prints the source's XML with the new name, through libxml2 (double quotes, no trailing newline).
      const xml = formatVolumeXml({ ...volumeDefOf(src), name: args.newname }).replace(/='([^']*)'/g, '="$1"');
      return { xml: xml.replace(/\n$/, ''), message: undefined };
    }
    const target = { name: args.newname, ...(args['target-pool'] !== undefined ? { pool: args['target-pool'] } : {}) };
    const vol = await cloneVolume(conn, spec(args), target, diskOptions(args, warn));
    return { ...volumeJson(vol), xml: undefined, message: `Vol ${args.newname} cloned from ${args.vol}` };
  },
  // --print-xml: the document without its last newline, which the empty line after every command supplies
  text: (d, ctx) => (d.xml !== undefined ? d.xml : unlessQuiet(ctx, d.message ?? '')),
  json: (d) => (d.xml !== undefined ? { xml: d.xml } : { ...d, xml: undefined }),
});

const volDelete = defineCommand({
  name: 'vol-delete',
  group: 'volume',
  help: 'delete a vol',
  description: 'Delete a virtual disk with its extents (DeleteVirtualDisk_Task), or any other file of a pool.',
  options: [volArg(), poolOpt(), opt.bool('delete-snapshots', 'accepted for virsh compatibility')],
  connection: 'required',
  async run({ args, conn }) {
    const vol = await deleteVolume(conn, spec(args));
    return { ...volumeJson(vol), result: 'deleted', message: `Vol ${args.vol} deleted` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const volWipe = defineCommand({
  name: 'vol-wipe',
  group: 'volume',
  help: 'wipe a vol',
  description: 'Zero-fill a virtual disk (ZeroFillVirtualDisk_Task), or overwrite another file with zeros.',
  options: [volArg(), poolOpt(), opt.string('algorithm', 'perform selected wiping algorithm (zero)')],
  connection: 'required',
  async run({ args, conn }) {
    const vol = await wipeVolume(conn, spec(args), args.algorithm !== undefined ? { algorithm: args.algorithm } : {});
    return { ...volumeJson(vol), result: 'wiped', message: `Vol ${args.vol} wiped` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const volResize = defineCommand({
  name: 'vol-resize',
  group: 'volume',
  help: 'resize a vol',
  description: 'Grow a virtual disk (ExtendVirtualDisk_Task); ESX cannot shrink disks.',
  options: [
    volArg(),
    opt.string('capacity', 'new capacity for the vol, as scaled integer (default bytes)', { required: true, positional: true }),
    poolOpt(),
    opt.bool('allocate', 'allocate (and zero) the new capacity now'),
    opt.bool('delta', 'use capacity as a delta to current size, rather than the new size'),
    opt.bool('shrink', 'allow the resize to shrink the volume (refused: ESX cannot)'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const size = parseSize(args.capacity);
    if (size === 0 && !args.delta) throw new InvalidArgumentError('capacity must be larger than zero');
    const vol = await resizeVolume(conn, spec(args), size, { delta: args.delta, shrink: args.shrink, allocate: args.allocate });
    return { ...volumeJson(vol), message: `Size of volume '${args.vol}' successfully changed to ${args.capacity}` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

/** Volume commands that create, copy, delete or change volumes. */
export const volumeChangeCommands: readonly Command[] = [volCreateAs, volCreate, volCreateFrom, volClone, volDelete, volWipe, volResize];

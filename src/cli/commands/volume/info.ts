/** vol-list, vol-info, vol-dumpxml, vol-key, vol-path, vol-name, vol-pool: reading volumes. */
import { formatVolumeXml } from '../../../conf/index.js';
import { listVolumes, lookupPool, lookupVolume, volumeDefOf, type StorageVolume } from '../../../driver/storage/index.js';
import { defineCommand, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { formatKeyValues, tableLines } from '../../output.js';
import { byName, poolArg, poolOpt, prettyCapacity, volArg, volumeJson } from './shared.js';

const spec = (args: { vol: string; pool?: string | undefined }) =>
  args.pool !== undefined ? { vol: args.vol, pool: args.pool } : { vol: args.vol };

const volList = defineCommand({
  name: 'vol-list',
  group: 'volume',
  help: 'list vols',
  description: 'Returns list of vols by pool: virtual disks, ISO and floppy images (or the LUNs of an iSCSI target).',
  options: [poolArg(), opt.bool('details', 'display extended details for volumes')],
  connection: 'required',
  run: async ({ args, conn }) => (await listVolumes(conn, args.pool)).sort(byName),
  text(vols, { args }) {
    if (!args.details)
      return tableLines(
        ['Name', 'Path'],
        vols.map((v) => [v.name, v.path]),
      );
    return tableLines(
      ['Name', 'Path', 'Type', 'Capacity', 'Allocation'],
      vols.map((v) => [v.name, v.path, v.type, prettyCapacity(v.capacity), prettyCapacity(v.allocation)]),
    );
  },
  json: (vols) => vols.map(volumeJson),
});

const volInfo = defineCommand({
  name: 'vol-info',
  group: 'volume',
  help: 'storage vol information',
  description: 'Returns basic information about the storage vol.',
  options: [
    volArg(),
    poolOpt(),
    opt.bool('bytes', 'sizes are represented in bytes rather than pretty units'),
    opt.bool('physical', 'return the physical size of the volume in allocation field'),
  ],
  connection: 'required',
  run: ({ args, conn }) => lookupVolume(conn, spec(args)),
  text(v, { args }) {
    const size = (n: number): string => (args.bytes ? `${n} bytes` : prettyCapacity(n));
    return formatKeyValues([
      ['Name', v.name],
      ['Type', v.type],
      ['Capacity', size(v.capacity)],
      // An ESX file's allocation is the space it takes: its physical size.
      [args.physical ? 'Physical' : 'Allocation', size(v.allocation)],
    ]);
  },
  json: volumeJson,
});

const volDumpxml = defineCommand({
  name: 'vol-dumpxml',
  group: 'volume',
  help: 'vol information in XML',
  description: 'Output the vol information as an XML dump to stdout.',
  options: [volArg(), poolOpt()],
  connection: 'required',
  run: async ({ args, conn }) => ({ xml: formatVolumeXml(volumeDefOf(await lookupVolume(conn, spec(args)))) }),
  text: (d) => d.xml,
});

const volKey = defineCommand({
  name: 'vol-key',
  group: 'volume',
  help: 'returns the volume key for a given volume name or path',
  description: "A virtual disk's key is its UUID (the server's QueryVirtualDiskUuid), other files' their path.",
  options: [volArg('volume name or path'), poolOpt()],
  connection: 'required',
  run: async ({ args, conn }) => ({ key: (await lookupVolume(conn, spec(args))).key as string }),
  text: (d) => `${d.key}\n`,
});

const volPath = defineCommand({
  name: 'vol-path',
  group: 'volume',
  help: 'returns the volume path for a given volume name or key',
  options: [volArg('volume name or key'), poolOpt()],
  connection: 'required',
  run: async ({ args, conn }) => ({ path: (await lookupVolume(conn, spec(args))).path }),
  text: (d) => `${d.path}\n`,
});

const volName = defineCommand({
  name: 'vol-name',
  group: 'volume',
  help: 'returns the volume name for a given volume key or path',
  options: [volArg('volume key or path')],
  connection: 'required',
  run: async ({ args, conn }) => ({ name: (await lookupVolume(conn, { vol: args.vol })).name }),
  text: (d) => `${d.name}\n`,
});

const volPool = defineCommand({
  name: 'vol-pool',
  group: 'volume',
  help: 'returns the storage pool for a given volume key or path',
  options: [volArg('volume key or path'), opt.bool('uuid', 'return the pool uuid rather than pool name')],
  connection: 'required',
  async run({ args, conn }) {
    const v: StorageVolume = await lookupVolume(conn, { vol: args.vol });
    const p = await lookupPool(conn, v.pool);
    return { pool: p.name, uuid: p.uuid };
  },
  text: (d, { args }) => `${args.uuid ? d.uuid : d.pool}\n`,
});

/** Volume commands that read. */
export const volumeInfoCommands: readonly Command[] = [volList, volInfo, volDumpxml, volKey, volPath, volName, volPool];

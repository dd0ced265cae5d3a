/** vol-upload, vol-download, vol-import, vol-export: data in and out of pools, with progress on a terminal. */
import { InvalidArgumentError } from '../../../errors.js';
import { downloadVolume, exportVolume, importVolume, uploadVolume, type TransferCommonOptions } from '../../../driver/storage/index.js';
import { defineCommand, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { adapterOpt } from './create.js';
import { interruptible, poolArg, poolOpt, terminalProgress, volArg, volumeJson } from './shared.js';

const spec = (args: { vol: string; pool?: string | undefined }) =>
  args.pool !== undefined ? { vol: args.vol, pool: args.pool } : { vol: args.vol };

const offsetOpt = (help: string) => opt.int('offset', help, { min: 0, max: Number.MAX_SAFE_INTEGER });
const lengthOpt = (help: string) => opt.int('length', help, { min: 0, max: Number.MAX_SAFE_INTEGER });
const forceOpt = (help: string) => opt.bool('force', help);

/** Common transfer options: progress on a terminal, Ctrl-C, re-logins and resumes in --debug. */
function transferOpts(
  label: string,
  force: boolean,
  debug: (m: string) => void,
  signal: AbortSignal,
): { opts: TransferCommonOptions; finish(): void } {
  const progress = terminalProgress(label);
  return {
    opts: {
      force,
      signal,
      ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
      onEvent: (e) => debug(e.type === 'relogin' ? `session renewed during ${e.method}` : `${e.type} at byte ${e.at}: ${String(e.error)}`),
    },
    finish: progress.finish,
  };
}

const volUpload = defineCommand({
  name: 'vol-upload',
  group: 'volume',
  help: 'upload file contents to a volume',
  description:
    'Upload a local file into a volume, creating the file when it does not exist yet; an existing one is replaced only with --force (--offset writes into it).',
  options: [
    volArg(),
    opt.string('file', 'file', { required: true, positional: true }),
    poolOpt(),
    offsetOpt('volume offset to upload to'),
    lengthOpt('amount of data to upload'),
    opt.bool('sparse', 'accepted for virsh compatibility: the whole file is sent'),
    forceOpt('overwrite an existing volume'),
  ],
  connection: 'required',
  async run({ args, conn, debug }) {
    const vol = await interruptible(async (signal) => {
      const t = transferOpts(`uploading ${args.file}`, args.force, debug, signal);
      try {
        return await uploadVolume(conn, spec(args), args.file, {
          ...t.opts,
          ...(args.offset !== undefined ? { offset: args.offset } : {}),
          ...(args.length !== undefined ? { length: args.length } : {}),
        });
      } finally {
        t.finish();
      }
    });
    return { ...volumeJson(vol), result: 'uploaded' };
  },
  // virsh prints nothing when an upload succeeds.
  text: () => '',
});

const volDownload = defineCommand({
  name: 'vol-download',
  group: 'volume',
  help: 'download volume contents to a file',
  description: 'Download a volume (a disk descriptor, an extent, an ISO …) into a local file, replaced only with --force.',
  options: [
    volArg(),
    opt.string('file', 'file', { required: true, positional: true }),
    poolOpt(),
    offsetOpt('volume offset to download from'),
    lengthOpt('amount of data to download'),
    opt.bool('sparse', 'accepted for virsh compatibility'),
    forceOpt('overwrite an existing local file'),
  ],
  connection: 'required',
  async run({ args, conn, debug }) {
    const { vol, bytes } = await interruptible(async (signal) => {
      const t = transferOpts(`downloading ${args.vol}`, args.force, debug, signal);
      try {
        return await downloadVolume(conn, spec(args), args.file, {
          ...t.opts,
          ...(args.offset !== undefined ? { offset: args.offset } : {}),
          ...(args.length !== undefined ? { length: args.length } : {}),
        });
      } finally {
        t.finish();
      }
    });
    return { ...volumeJson(vol), file: args.file, bytes, result: 'downloaded' };
  },
  text: () => '',
});

const volImport = defineCommand({
  name: 'vol-import',
  group: 'volume',
  help: 'import a local VMDK image as a virtual disk',
  description:
    'Import a VMDK (monolithic sparse, streamOptimized, or a flat disk with its descriptor) as a flat VMFS disk NAME of the pool, bootable by a VM on that datastore.',
  options: [
    poolArg(),
    opt.string('file', 'the local .vmdk image', { required: true, positional: true }),
    opt.string('name', 'name of the new disk (a .vmdk path inside the pool)', { required: true, positional: true }),
    adapterOpt(),
    forceOpt('overwrite an existing disk'),
  ],
  connection: 'required',
  async run({ args, conn, debug }) {
    const r = await interruptible(async (signal) => {
      const t = transferOpts(`importing ${args.file}`, args.force, debug, signal);
      try {
        return await importVolume(conn, args.pool, args.file, args.name, {
          ...t.opts,
          ...(args.adapter !== undefined ? { adapter: args.adapter } : {}),
        });
      } finally {
        t.finish();
      }
    });
    return { ...volumeJson(r.vol), sourceKind: r.sourceKind, message: `Vol ${args.name} imported from ${args.file}` };
  },
  text: (d, ctx) => (ctx.quiet ? '' : `${d.message}\n`),
});

const volExport = defineCommand({
  name: 'vol-export',
  group: 'volume',
  help: 'export a virtual disk as one local VMDK file',
  description: 'Export a virtual disk into one local VMDK file: streamOptimized (default) or monolithicSparse.',
  options: [
    volArg(),
    opt.string('file', 'the local .vmdk file to write', { required: true, positional: true }),
    poolOpt(),
    opt.enum('subformat', ['streamOptimized', 'monolithicSparse'], 'VMDK subformat of the file (default streamOptimized)', {
      invalid: (t) => new InvalidArgumentError(`unknown subformat '${t}': streamOptimized or monolithicSparse`),
    }),
    forceOpt('overwrite an existing local file'),
  ],
  connection: 'required',
  async run({ args, conn, debug }) {
    const r = await interruptible(async (signal) => {
      const t = transferOpts(`exporting ${args.vol}`, args.force, debug, signal);
      try {
        return await exportVolume(conn, spec(args), args.file, {
          ...t.opts,
          ...(args.subformat !== undefined ? { subformat: args.subformat } : {}),
        });
      } finally {
        t.finish();
      }
    });
    return { ...volumeJson(r.vol), file: args.file, subformat: r.subformat, message: `Vol ${args.vol} exported to ${args.file}` };
  },
  text: (d, ctx) => (ctx.quiet ? '' : `${d.message}\n`),
});

/** Volume commands that move data. */
export const volumeTransferCommands: readonly Command[] = [volUpload, volDownload, volImport, volExport];

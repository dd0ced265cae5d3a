/**
 * Reads what esxvirt needs from a .vmdk descriptor (the text file next to a -flat.vmdk on
 * VMFS, or the text embedded in a sparse disk's first sectors): the adapter type that tells
 * which SCSI controller model a disk was made for.
 */

/**
 * The SCSI controller models a descriptor can name, in libvirt's words: a subset of conf's ScsiModel, spelled out here
 * because vmdk sits below conf (DEVELOPERS.md, Layers); the driver stores them as ScsiModel, so the compiler checks it.
 */
export type VmdkScsiModel = 'buslogic' | 'lsilogic' | 'lsisas1068' | 'vmpvscsi';

/** ddb.adapterType values and the SCSI model they mean (ide is not a SCSI model). */
const ADAPTERS: Record<string, VmdkScsiModel> = { buslogic: 'buslogic', lsilogic: 'lsilogic', legacyesx: 'buslogic', lsisas1068: 'lsisas1068', pvscsi: 'vmpvscsi' };

/** Descriptor keys of interest; values unquoted. */
export interface VmdkDescriptor {
  adapterType?: string;
  createType?: string;
  extents: string[];
}

/** Parses descriptor text (or the first KiB of a sparse disk); undefined when it is no descriptor. */
export function parseVmdkDescriptor(input: string | Uint8Array): VmdkDescriptor | undefined {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const start = text.indexOf('# Disk DescriptorFile');
  if (start < 0) return undefined;
  const d: VmdkDescriptor = { extents: [] };
  for (const raw of text.slice(start).split('\n')) {
    const line = raw.replace(/\0.*$/s, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const ext = /^(RW|RDONLY|NOACCESS)\s+\d+\s+\S+\s+"([^"]*)"/.exec(line);
    if (ext) {
      d.extents.push(ext[2] as string);
      continue;
    }
    const kv = /^([A-Za-z0-9_.]+)\s*=\s*"?([^"]*)"?$/.exec(line);
    if (!kv) continue;
    const key = (kv[1] as string).toLowerCase();
    if (key === 'ddb.adaptertype') d.adapterType = kv[2];
    else if (key === 'createtype') d.createType = kv[2];
  }
  return d;
}

/** The SCSI controller model a descriptor's ddb.adapterType names, if it names one. */
export function scsiModelOfDescriptor(d: VmdkDescriptor | undefined): VmdkScsiModel | undefined {
  return d?.adapterType ? ADAPTERS[d.adapterType.toLowerCase()] : undefined;
}

/**
 * The connected VmxContext: datastore paths mapped through what the host knows. VMX files name
 * files as /vmfs/volumes/<datastore name or UUID>/path, bare names beside the VMX, or other
 * absolute paths; domain XML names them `[datastore] path`. Lookups the converter cannot do
 * synchronously (datastores, .vmdk descriptors) are gathered beforehand by the driver.
 */
import { ConfigError } from '../../errors.js';
import type { DiskDef, ScsiModel } from '../../conf/domain/domain-def.js';
import { tryParseDatastorePath, vmfsPathOf } from '../../datastore-path.js';
import { mapVmxFileName, type VmxContext } from '../../vmx/context.js';

/** A datastore as the mapping needs it. */
export interface DatastoreRef {
  name: string;
  /** e.g. ds:///vmfs/volumes/4b0beca7-7fd401f3-1d7f-000ae484a6a3/ */
  url?: string;
}

/** The UUID-ish directory name of a datastore under /vmfs/volumes, from its URL. */
export function datastoreVolumeId(ds: DatastoreRef): string | undefined {
  const m = /\/vmfs\/volumes\/([^/]+)\/?$/.exec(ds.url ?? '');
  return m?.[1];
}

/** What the connected context needs to know. */
export interface ConnectedContextOptions {
  datastores: readonly DatastoreRef[];
  /** `[ds] dir/name.vmx` of the VMX being read, for bare file names. */
  vmxPath?: string;
  datacenterPath?: string;
  /** SCSI models read from .vmdk descriptors, by `[ds] path` of the disk. */
  scsiModels?: ReadonlyMap<string, ScsiModel>;
  warn?(message: string): void;
}

/** Builds the context; unknown datastores map to undefined (a missing file). */
export function connectedContext(opts: ConnectedContextOptions): VmxContext {
  const byName = new Map<string, DatastoreRef>();
  const byVolume = new Map<string, DatastoreRef>();
  for (const ds of opts.datastores) {
    byName.set(ds.name, ds);
    const vol = datastoreVolumeId(ds);
    if (vol) byVolume.set(vol, ds);
  }
  const vmx = opts.vmxPath !== undefined ? tryParseDatastorePath(opts.vmxPath) : undefined;
  const vmxDir = vmx ? vmx.path.slice(0, Math.max(0, vmx.path.lastIndexOf('/'))) : undefined;
  return {
    datacenterPath: opts.datacenterPath,
    warn: opts.warn,
    parseFileName(fileName) {
      return mapVmxFileName(
        fileName,
        (id) => (byName.get(id) ?? byVolume.get(id))?.name,
        (name) => {
          if (!vmx) throw new ConfigError(`cannot place the bare file name '${name}': the VMX's own datastore path is unknown`);
          return `[${vmx.datastore}] ${vmxDir ? `${vmxDir}/` : ''}${name}`;
        },
      );
    },
    formatFileName(src) {
      const p = tryParseDatastorePath(src);
      if (p) {
        if (!byName.has(p.datastore)) throw new ConfigError(`datastore '${p.datastore}' of '${src}' does not exist on this host`);
        return vmfsPathOf(p);
      }
      if (src.startsWith('/')) return src;
      throw new ConfigError(`file name '${src}' is relative; expecting '[datastore] path' or an absolute path`);
    },
    autodetectScsiModel(disk: DiskDef) {
      return disk.src !== undefined ? opts.scsiModels?.get(disk.src) : undefined;
    },
  };
}

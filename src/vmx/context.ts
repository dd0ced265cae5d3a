/**
 * What the converter needs from the world, as callbacks: file-name mapping between VMX paths
 * and domain XML sources, and SCSI controller model detection. Offline and connected callers
 * pass different contexts; the converter itself does no I/O.
 */
import { ConfigError, InvalidArgumentError } from '../errors.js';
import type { DiskDef, ScsiModel } from '../conf/domain/domain-def.js';
import { formatDatastorePath, isVmfsPath, tryParseDatastorePath, vmfsPathOf, type DatastorePath } from '../datastore-path.js';

/** Callbacks and settings for one conversion. */
export interface VmxContext {
  /**
   * Maps a VMX fileName to a domain XML source (`[datastore] path` or an absolute path).
   * Returns undefined when the file's datastore or file does not exist.
   */
  parseFileName(fileName: string): string | undefined;
  /** Maps a domain XML source to a VMX fileName (`/vmfs/volumes/...` or absolute). */
  formatFileName(src: string): string;
  /** Resolves SCSI controller model 'auto' from a disk on it (e.g. a .vmdk's ddb.adapterType). */
  autodetectScsiModel?(disk: DiskDef): ScsiModel | undefined;
  /** Datacenter path recorded as `<vmware:datacenterpath>` when converting VMX to XML. */
  datacenterPath?: string;
  /** Receives non-fatal notes (ignored entries, rounding). */
  warn?(message: string): void;
}

/**
 * The mapping rules of VMX file names shared by the offline and connected contexts:
 * `/vmfs/volumes/<id>/<path>` → `[<datastore of id>] <path>` (undefined when `volume` knows no
 * such datastore), other absolute paths unchanged, bare names through `bare`, and relative
 * paths with a '/' refused.
 */
export function mapVmxFileName(
  fileName: string,
  volume: (id: string) => string | undefined,
  bare: (name: string) => string,
): string | undefined {
  if (isVmfsPath(fileName)) {
    // as libvirt splits it: '/'s before the datastore skipped, the path after it kept as it is
    const m = /^\/vmfs\/volumes\/+([^/]+)\/(.+)$/s.exec(fileName);
    if (!m) throw new ConfigError(`file name '${fileName}' names no file on a datastore; expecting '/vmfs/volumes/<datastore>/<path>'`);
    const datastore = volume(m[1] as string);
    return datastore === undefined ? undefined : formatDatastorePath({ datastore, path: m[2] as string });
  }
  if (fileName.startsWith('/')) return fileName;
  if (fileName.includes('/')) {
    throw new ConfigError(`file name '${fileName}' is a relative path; expecting an absolute path or a bare file name`);
  }
  return bare(fileName);
}

/** Offline mapping options: where the VMX lives, so bare file names resolve beside it. */
export interface OfflineContextOptions {
  /** `[datastore] directory/name.vmx` of the VMX being converted. */
  vmxPath?: string;
  datacenterPath?: string;
  /** Model to use for SCSI controllers with model 'auto' when none can be detected offline. */
  defaultScsiModel?: ScsiModel;
  warn?(message: string): void;
}

/**
 * The offline context: `/vmfs/volumes/<ds>/<path>` ⇄ `[<ds>] <path>`, other absolute paths
 * unchanged, bare names beside the VMX; relative paths with a '/' are errors.
 */
export function offlineContext(opts: OfflineContextOptions = {}): VmxContext {
  let dir: DatastorePath | undefined;
  if (opts.vmxPath !== undefined) {
    const p = tryParseDatastorePath(opts.vmxPath);
    if (!p) throw new InvalidArgumentError(`--vmx-path '${opts.vmxPath}' is not a datastore path like '[datastore] directory/name.vmx'`);
    const slash = p.path.lastIndexOf('/');
    dir = { datastore: p.datastore, path: slash >= 0 ? p.path.slice(0, slash) : '' };
  }
  return {
    datacenterPath: opts.datacenterPath,
    warn: opts.warn,
    parseFileName(fileName) {
      // offline every datastore is taken to exist
      return mapVmxFileName(
        fileName,
        (id) => id,
        (name) => (dir ? `[${dir.datastore}] ${dir.path ? `${dir.path}/` : ''}${name}` : name),
      );
    },
    formatFileName(src) {
      const p = tryParseDatastorePath(src);
      if (p) return vmfsPathOf(p);
      if (src.startsWith('/')) return src;
      // (libvirt's ESX driver refuses such a path too; its test suite's callback, which the oracle uses, makes one)
      if (src.startsWith('[')) throw new ConfigError(`file name '${src}' is no datastore path: expecting '[datastore] path'`);
      throw new ConfigError(`file name '${src}' is relative; expecting '[datastore] path' or an absolute path`);
    },
    autodetectScsiModel() {
      return opts.defaultScsiModel;
    },
  };
}

/**
 * Volume names and identities: a volume of a datastore pool is named by its path inside the datastore
 * (`dir/disk.vmdk`), its path is `[datastore] dir/disk.vmdk`, its key the virtual disk's UUID (other files: the
 * path). Names of new files are escaped as VMware escapes datastore items (libvirt's src/esx README), one path
 * component at a time; `..`, empty components and absolute names are refused, so nothing is written outside a pool.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../errors.js';
import { datastoreChildPath, formatDatastorePath, type DatastorePath } from '../../datastore-path.js';
import { escapeDatastoreItem } from '../../escape.js';

/** libvirt's UUID from an MD5 sum (pools: of the mount path or IQN; LUNs: of the LUN UUID). */
export function md5Uuid(text: string): string {
  const h = createHash('md5').update(text, 'utf8').digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Checks a volume name (a path inside the pool); InvalidArgumentError for '..', empty parts, absolute names. */
export function checkVolumeName(name: string): string {
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name))
    throw new InvalidArgumentError(`invalid volume name '${name}': it must be a path inside the pool, not an absolute path`);
  if (/[\x00-\x1f]/.test(name))
    throw new InvalidArgumentError(`invalid volume name '${name.replace(/[\x00-\x1f]/g, '?')}': control characters`);
  // datastoreChildPath refuses '..', '.' and empty components.
  datastoreChildPath({ datastore: 'x', path: '' }, name);
  return name;
}

/** The name a new file gets: each component escaped as VMware escapes datastore items. */
export function escapedVolumeName(name: string): string {
  return checkVolumeName(name)
    .split('/')
    .map((part) => escapeDatastoreItem(part))
    .join('/');
}

/** `[pool] name` as a DatastorePath. */
export function volumePath(pool: string, name: string): DatastorePath {
  return datastoreChildPath({ datastore: pool, path: '' }, checkVolumeName(name));
}

/** `[pool] name` as text. */
export function volumePathText(pool: string, name: string): string {
  return formatDatastorePath(volumePath(pool, name));
}

/** The directory part of a name ('' at the pool's root) and the file name. */
export function splitName(name: string): { dir: string; base: string } {
  const i = name.lastIndexOf('/');
  return i < 0 ? { dir: '', base: name } : { dir: name.slice(0, i), base: name.slice(i + 1) };
}

/** True for names of virtual disks (descriptor files): *.vmdk, but not the extents ESX keeps beside them. */
export function isDiskName(name: string): boolean {
  return /\.vmdk$/i.test(name) && !/-(flat|delta|ctk|sesparse|rdm|rdmp|\d{6})\.vmdk$/i.test(name);
}

/**
 * The volume key of a virtual disk from QueryVirtualDiskUuid's answer ("60 00 C2 9b 5d 8e 7a 1c-2f 6b …", or a
 * dashed UUID): the canonical lower-case UUID, as libvirt's esxUtil_ReformatUuid makes it.
 */
export function diskKey(uuid: string): string | undefined {
  const hex = uuid.replace(/[\s-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A temporary name beside `name` for a file being written: hidden, unique, never a .vmdk. */
export function partialName(name: string): string {
  const { dir, base } = splitName(name);
  const tmp = `.${base}.esxvirt-${process.pid.toString(36)}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}.part`;
  return dir === '' ? tmp : `${dir}/${tmp}`;
}

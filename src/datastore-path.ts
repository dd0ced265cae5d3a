/**
 * Datastore paths, one grammar for every layer (libvirt's ESX driver page, "Datastore references"):
 * `[datastore] directory/file` in domain XML and the vSphere API, `/vmfs/volumes/<datastore>/directory/file` on
 * the host and in VMX files. Imports nothing but errors, so the converter, the vSphere client and the driver all
 * read and write paths the same way.
 */
import { InvalidArgumentError } from './errors.js';

/** A file or directory on a datastore. */
export interface DatastorePath {
  datastore: string;
  /** Relative to the datastore root, '/'-separated ('' for the root), kept as written. */
  path: string;
}

// '[' datastore ']' then any spaces (libvirt 9.0's converter skips them all), then the path as written.
const GRAMMAR = /^\[([^\]]+)\] *(.*)$/s;

/** Parses `[datastore] path`; undefined when `text` is not of that form. */
export function tryParseDatastorePath(text: string): DatastorePath | undefined {
  const m = GRAMMAR.exec(text);
  if (m === null || (m[1] as string).trim() === '') return undefined;
  return { datastore: m[1] as string, path: m[2] as string };
}

/** Parses `[datastore] path` (the path may be empty: `[datastore]`); InvalidArgumentError otherwise. */
export function parseDatastorePath(text: string): DatastorePath {
  const p = tryParseDatastorePath(text);
  if (p === undefined) throw new InvalidArgumentError(`invalid datastore path '${text}': expected '[datastore] directory/file'`);
  return p;
}

/** Formats `[datastore] path` (just `[datastore]` for the root). */
export function formatDatastorePath(p: DatastorePath): string {
  return p.path === '' ? `[${p.datastore}]` : `[${p.datastore}] ${p.path}`;
}

function segments(p: DatastorePath): string[] {
  return p.path.split('/').filter((s) => s !== '');
}

/** The last path component (the file name), '' for the root. */
export function datastoreBaseName(p: DatastorePath): string {
  const parts = segments(p);
  return parts[parts.length - 1] ?? '';
}

/** The directory containing `p` (the root's parent is the root). */
export function datastoreDirName(p: DatastorePath): DatastorePath {
  return { datastore: p.datastore, path: segments(p).slice(0, -1).join('/') };
}

/**
 * `name` inside the directory `dir`. `name` may hold '/'-separated components, but none may be empty, '.' or
 * '..', nor may it start with '/': no path built here leaves its directory.
 */
export function datastoreChildPath(dir: DatastorePath, name: string): DatastorePath {
  const parts = name.split('/');
  if (name === '' || name.startsWith('/') || parts.some((s) => s === '' || s === '.' || s === '..') || name.includes('\0')) {
    throw new InvalidArgumentError(`invalid name '${name}': it must be relative and must not contain empty, '.' or '..' components`);
  }
  const base = segments(dir).join('/');
  return { datastore: dir.datastore, path: base === '' ? name : `${base}/${name}` };
}

/** The host path of a datastore path: `/vmfs/volumes/<datastore>/<path>`. */
export function vmfsPathOf(p: DatastorePath): string {
  return `/vmfs/volumes/${p.datastore}/${p.path}`;
}

const VMFS_PREFIX = '/vmfs/volumes/';

/**
 * The datastore path of a host path `/vmfs/volumes/<name or volume id>/<path>`; `datastoreOf` maps the second
 * component (a datastore name or a volume UUID) to a datastore name. Undefined when the path is not under
 * /vmfs/volumes or `datastoreOf` knows no such datastore.
 */
export function parseVmfsPath(abs: string, datastoreOf: (id: string) => string | undefined = (id) => id): DatastorePath | undefined {
  if (!abs.startsWith(VMFS_PREFIX)) return undefined;
  const rest = abs.slice(VMFS_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return undefined;
  const datastore = datastoreOf(rest.slice(0, slash));
  return datastore === undefined ? undefined : { datastore, path: rest.slice(slash + 1) };
}

/** True for `/vmfs/volumes/…` paths. */
export function isVmfsPath(abs: string): boolean {
  return abs.startsWith(VMFS_PREFIX);
}

/**
 * Datastore paths (`[datastore] dir/file.vmx`, libvirt's drvesx "Datastore references") and the `/folder` URLs
 * of ESX's and vCenter's datastore file service: `/folder/<path>?dcPath=<datacenter path>&dsName=<datastore>`.
 */
import { InvalidArgumentError } from '../errors.js';

/** A file or directory on a datastore. */
export interface DatastorePath {
  datastore: string;
  /** Relative to the datastore root, '/'-separated, no leading slash ('' for the root). */
  path: string;
}

/** Parses `[datastore] dir/file`; the path part may be empty (`[datastore]`). */
export function parseDatastorePath(text: string): DatastorePath {
  const m = /^\s*\[([^\]]+)\]\s*(.*)$/s.exec(text);
  if (m === null || (m[1] ?? '').trim() === '') {
    throw new InvalidArgumentError(`invalid datastore path '${text}': expected '[datastore] directory/file'`);
  }
  return { datastore: m[1] as string, path: (m[2] ?? '').replace(/^\/+/, '') };
}

/** Formats `[datastore] path` (just `[datastore]` for the root). */
export function formatDatastorePath(p: DatastorePath): string {
  return p.path === '' ? `[${p.datastore}]` : `[${p.datastore}] ${p.path}`;
}

/** The last path component (the file name), '' for the root. */
export function datastoreBaseName(p: DatastorePath): string {
  const parts = p.path.split('/').filter((s) => s !== '');
  return parts[parts.length - 1] ?? '';
}

/** The directory containing `p` (the root's parent is the root). */
export function datastoreDirName(p: DatastorePath): DatastorePath {
  const parts = p.path.split('/').filter((s) => s !== '');
  return { datastore: p.datastore, path: parts.slice(0, -1).join('/') };
}

/**
 * The request path (with query) of a datastore file: each path segment and both query values percent-encoded,
 * so names with spaces, '&', '#', '?' or non-ASCII characters reach the server intact.
 */
export function datastoreFileUrl(p: DatastorePath, dcPath: string): string {
  const segments = p.path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) throw new InvalidArgumentError(`datastore path '${formatDatastorePath(p)}' must not contain '.' or '..'`);
  const encoded = segments.map(encodeURIComponent).join('/');
  const query = `dcPath=${encodeURIComponent(dcPath)}&dsName=${encodeURIComponent(p.datastore)}`;
  return `/folder${encoded === '' ? '' : '/' + encoded}?${query}`;
}

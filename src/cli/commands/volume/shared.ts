/** What the pool and volume commands share: options, virsh's capacity format, sizes, progress and Ctrl-C. */
import { InvalidArgumentError } from '../../../errors.js';
import { parseScaledBytes } from '../../../conf/volume/index.js';
import type { StoragePool, StorageVolume } from '../../../driver/storage/index.js';
import { opt } from '../../options.js';

/** `<pool>`: a pool by name or UUID, virsh's mandatory argument. */
export const poolArg = (help = 'pool name or uuid') => opt.string('pool', help, { required: true, positional: true });

/** `<vol>`: a volume by name (with --pool), key or path. */
export const volArg = (help = 'vol name, key or path') => opt.string('vol', help, { required: true, positional: true });

/** `--pool`: the pool a volume name is looked up in. */
export const poolOpt = () => opt.string('pool', 'pool name or uuid');

/** virsh's vshPrettyCapacity: "%.2f" of the largest binary unit not above the value. */
export function prettyCapacity(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)} ${units[i]}`;
}

/** A size argument in virsh's scaled-integer syntax (default unit: bytes); "Malformed size" otherwise. */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+)\s*([A-Za-z]*)\s*$/.exec(text);
  try {
    if (m === null) throw new Error('not a number');
    return parseScaledBytes(m[1] as string, m[2] === '' ? undefined : m[2], what);
  } catch {
    throw new InvalidArgumentError(`Malformed size ${text}`);
  }
}

/** A pool as --json prints it. */
export function poolJson(p: StoragePool): Record<string, unknown> {
  return {
    name: p.name,
    uuid: p.uuid,
    type: p.type,
    state: p.state,
    persistent: p.persistent,
    autostart: p.autostart,
    capacity: p.capacity,
    allocation: p.allocation,
    available: p.available,
    targetPath: p.targetPath ?? null,
  };
}

/** A volume as --json prints it. */
export interface VolumeJson {
  name: string;
  pool: string;
  path: string;
  key?: string;
  type: 'file' | 'block';
  kind: string;
  format: string | null;
  capacity: number;
  allocation: number;
}

/** A volume as --json prints it. */
export function volumeJson(v: StorageVolume): VolumeJson {
  return {
    name: v.name,
    pool: v.pool,
    path: v.path,
    ...(v.key !== undefined ? { key: v.key } : {}),
    type: v.type,
    kind: v.kind,
    format: v.format ?? null,
    capacity: v.capacity,
    allocation: v.allocation,
  };
}

/** Sorts like virsh: case-insensitively, by name. */
export function byName<T extends { name: string }>(a: T, b: T): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Progress of a transfer on standard error, only when it is a terminal (scripts and --json get none): one line
 * rewritten in place, finished with a newline.
 */
export function terminalProgress(label: string): { onProgress?: (p: { done: number; total: number | undefined }) => void; finish(): void } {
  const err = process.stderr;
  if (!err.isTTY) return { finish: () => undefined };
  let last = 0;
  let shown = false;
  return {
    onProgress: ({ done, total }) => {
      const now = Date.now();
      if (now - last < 200 && (total === undefined || done < total)) return;
      last = now;
      shown = true;
      const pct = total !== undefined && total > 0 ? ` (${Math.floor((done / total) * 100)}%)` : '';
      err.write(`\r${label}: ${prettyCapacity(done)}${total !== undefined ? ` of ${prettyCapacity(total)}` : ''}${pct}\x1b[K`);
    },
    finish: () => {
      if (shown) err.write('\n');
    },
  };
}

/**
 * Runs a transfer that Ctrl-C (SIGINT) aborts: the driver then removes what it wrote and the command fails with one
 * line, instead of the process dying with a partial file behind it.
 */
export async function interruptible<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = (): void => ac.abort(new Error('interrupted (SIGINT)'));
  process.once('SIGINT', onSignal);
  try {
    return await fn(ac.signal);
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

/** Disk target names (sda, hdc, fdb, sdaa …) ⇄ indexes, as libvirt computes them. */
import { ConfigError } from '../../errors.js';

/** `prefix` + letters for `index` (0 → a, 25 → z, 26 → aa). */
export function diskName(prefix: string, index: number): string {
  let s = '';
  let i = index;
  do {
    s = String.fromCharCode(97 + (i % 26)) + s;
    i = Math.floor(i / 26) - 1;
  } while (i >= 0);
  return prefix + s;
}

/** The index of a target name like 'sdb' (1) or 'hdaa' (26); undefined if it is not of that form. */
export function diskIndex(name: string): { prefix: string; index: number } | undefined {
  const m = /^(sd|hd|fd|vd|xvd)([a-z]+)$/.exec(name);
  if (!m) return undefined;
  let idx = 0;
  for (const ch of m[2] as string) idx = idx * 26 + (ch.charCodeAt(0) - 96);
  return { prefix: m[1] as string, index: idx - 1 };
}

/** Like diskIndex but throws a ConfigError naming the element. */
export function requireDiskIndex(name: string): { prefix: string; index: number } {
  const r = diskIndex(name);
  if (!r) throw new ConfigError(`disk target dev '${name}' is not a valid disk name`);
  return r;
}

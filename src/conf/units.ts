/** Scalar parsing for domain XML: integers, memory units, cpusets, each error naming its element. */
import { ConfigError } from '../errors.js';

// C's strtol syntax, as libvirt reads numbers: leading white space, a sign, decimal digits, nothing after them.
const C_SPACE = '[ \\t\\n\\v\\f\\r]*';
const UNSIGNED = new RegExp(`^${C_SPACE}\\+?(\\d+)$`);
const SIGNED = new RegExp(`^${C_SPACE}([-+]?\\d+)$`);

/** The bound of libvirt's `unsigned int` fields, for parseUInt's `max`. */
export const UINT_MAX = 2 ** 32 - 1;

/**
 * Parses a non-negative decimal integer as libvirt does (leading white space and '+' allowed, nothing after the
 * digits); `max` is the field's C type bound (UINT_MAX for libvirt's unsigned int fields). `what` names the element.
 */
export function parseUInt(value: string | undefined, what: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const m = UNSIGNED.exec(value);
  if (!m) throw new ConfigError(`invalid value '${value}' for ${what}: expecting a non-negative integer`);
  const n = Number(m[1]);
  if (n > max) throw new ConfigError(`invalid value '${value}' for ${what}: too large`);
  return n;
}

/** Parses a signed decimal integer as libvirt does (see parseUInt), within ±2^53; `what` names the element. */
export function parseInt10(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const m = SIGNED.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n)) throw new ConfigError(`invalid value '${value}' for ${what}: expecting an integer`);
  return n;
}

const UNIT_FACTORS: Record<string, number> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
  p: 1024 ** 5,
  pib: 1024 ** 5,
  pb: 1000 ** 5,
};

const MAX_MEMORY_BYTES = (2n ** 53n - 1n) * 1024n;

/** A memory size with libvirt's `unit` attribute (default KiB), in KiB rounded up. */
export function parseMemoryKiB(value: string, unit: string | undefined, what: string): number {
  // decimal only, as libvirt reads sizes
  const m = UNSIGNED.exec(value);
  if (!m) throw new ConfigError(`invalid value '${value}' for ${what}: expecting a non-negative integer`);
  const factor = UNIT_FACTORS[(unit ?? 'KiB').toLowerCase()];
  if (factor === undefined) throw new ConfigError(`unknown unit '${unit}' for ${what}`);
  // libvirt's bound: 2^53 - 1 KiB (its "unlimited"), in bytes, computed exactly
  const bytes = BigInt(m[1] as string) * BigInt(factor);
  if (bytes > MAX_MEMORY_BYTES) throw new ConfigError(`value '${m[1]}${unit ?? ''}' for ${what} is too large`);
  return Number((bytes + 1023n) / 1024n);
}

/** Parses libvirt's cpuset syntax ("0-3,^2,8") into a sorted list of CPU numbers. */
export function parseCpuset(value: string, what: string): number[] {
  const set = new Set<number>();
  const bad = (): never => {
    throw new ConfigError(`invalid cpuset '${value}' for ${what}`);
  };
  for (const raw of value.split(',')) {
    const part = raw.trim();
    if (part === '') bad();
    const neg = part.startsWith('^');
    const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(neg ? part.slice(1) : part);
    if (!m) return bad();
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (b < a || b >= 4096 || (neg && m[2] !== undefined)) bad();
    for (let i = a; i <= b; i++) {
      if (neg) set.delete(i);
      else set.add(i);
    }
  }
  if (set.size === 0) bad();
  return [...set].sort((x, y) => x - y);
}

/**
 * Parses a UUID as libvirt does (virUUIDParse): leading white space, then 16 pairs of hex digits,
 * each pair possibly preceded by '-' or ' ' separators, then only white space. Undefined when
 * malformed; otherwise the canonical lower-case form with dashes.
 */
export function parseUuidText(value: string): string | undefined {
  const m = /^[ \t\n\v\f\r]*((?:[- ]*[0-9a-fA-F]{2}){16})[ \t\n\v\f\r]*$/.exec(value);
  if (!m) return undefined;
  const h = (m[1] as string).replace(/[- ]/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Canonical lower-case UUID with dashes, from any of libvirt's accepted spellings. */
export function normalizeUuid(value: string, what = 'uuid'): string {
  const uuid = parseUuidText(value);
  if (uuid === undefined) throw new ConfigError(`malformed ${what} '${value}'`);
  return uuid;
}

/** libvirt's scaled integers (virScaleInteger): a number with a unit, as `<capacity unit=…>` and virsh sizes take. */
import { ConfigError } from '../../errors.js';

const POWERS: Record<string, number> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/**
 * The factor of a unit: '' or 'b'/'bytes' 1; K, KiB 1024; KB 1000; and so on up to E (libvirt's spelling rules,
 * case-insensitive). Undefined for anything else.
 */
export function unitFactor(unit: string): number | undefined {
  const u = unit.toLowerCase();
  if (u === '' || u === 'b' || u === 'bytes' || u === 'byte') return 1;
  const power = POWERS[u[0] as string];
  if (power === undefined || power === 0) return undefined;
  const rest = u.slice(1);
  if (rest === '' || rest === 'ib') return 1024 ** power;
  if (rest === 'b') return 1000 ** power;
  return undefined;
}

/** Parses `value` in `unit` (default `defaultUnit`) to bytes; `what` names the element or option in errors. */
export function parseScaledBytes(value: string, unit: string | undefined, what: string, defaultUnit = 'bytes'): number {
  const t = value.trim();
  if (!/^\d{1,20}$/.test(t)) throw new ConfigError(`invalid value '${value}' for ${what}: expecting a non-negative integer`);
  const factor = unitFactor(unit ?? defaultUnit);
  if (factor === undefined) throw new ConfigError(`unknown unit '${unit ?? ''}' for ${what}`);
  const n = Number(t) * factor;
  if (!Number.isSafeInteger(n)) throw new ConfigError(`value '${value}${unit ?? ''}' for ${what} is too large`);
  return n;
}

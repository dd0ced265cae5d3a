/**
 * Typed reads of VMX entries with libvirt 9.0's conventions: booleans are true/false in any case
 * and nothing else, integers are decimal with optional leading blanks and sign ("unlimited" =
 * -1), UUIDs are 16 hex pairs, and every error names the entry at fault.
 */
import { ConfigError } from '../errors.js';
import { parseUuidText } from '../conf/units.js';
import type { VmxConfig } from './vmx-text.js';

/** A string entry; `required` makes a missing entry an error. */
export function vmxString(conf: VmxConfig, key: string, required = false): string | undefined {
  const v = conf.get(key);
  if (v === undefined && required) throw new ConfigError(`missing essential VMX entry '${key}'`);
  return v;
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Parses a VMX integer as libvirt does (strtoll, base 10, whole string): leading white space and
 * a sign allowed, nothing after the digits, within 64 bits. Undefined when it is not one.
 */
export function parseVmxInteger(value: string): number | undefined {
  const m = /^[ \t\n\v\f\r]*([-+]?\d+)$/.exec(value);
  if (!m) return undefined;
  const n = BigInt(m[1] as string);
  if (n < LONG_MIN || n > LONG_MAX) return undefined;
  return Number(n);
}

/** An integer entry, `def` when absent; "unlimited" (any case) reads as -1. */
export function vmxLong(conf: VmxConfig, key: string, def: number): number;
export function vmxLong(conf: VmxConfig, key: string, def: number | undefined): number | undefined;
export function vmxLong(conf: VmxConfig, key: string, def: number | undefined): number | undefined {
  const v = conf.get(key);
  if (v === undefined) return def;
  if (v.toLowerCase() === 'unlimited') return -1;
  const n = parseVmxInteger(v);
  if (n === undefined) throw new ConfigError(`VMX entry '${key}' must be an integer but found '${v}'`);
  return n;
}

/** A boolean entry, `def` when absent. */
export function vmxBool(conf: VmxConfig, key: string, def: boolean): boolean {
  const v = conf.get(key);
  if (v === undefined) return def;
  const t = v.toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new ConfigError(`VMX entry '${key}' must be a boolean (true|false) but found '${v}'`);
}

/** Parses a VMware UUID ("56 4d b7 68 f3 32 42 ee-62 01 06 97 3c f5 c3 0c") into libvirt's form. */
export function parseVmwareUuid(value: string, key: string): string {
  const uuid = parseUuidText(value);
  if (uuid === undefined) throw new ConfigError(`VMX entry '${key}' must be a UUID but found '${value}'`);
  return uuid;
}

/** Formats a libvirt UUID the way VMware writes uuid.bios ("56 4d … e0-c8 f0 …"). */
export function formatVmwareUuid(uuid: string): string {
  const h = uuid.replace(/-/g, '').toLowerCase();
  const bytes = h.match(/../g) ?? [];
  return `${bytes.slice(0, 8).join(' ')}-${bytes.slice(8).join(' ')}`;
}

/** Parses a MAC address "00:50:56:AB:cd:ef" to lower case; undefined when malformed. */
export function parseMac(value: string): string | undefined {
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(value)) return undefined;
  return value
    .split(':')
    .map((b) => b.padStart(2, '0').toLowerCase())
    .join(':');
}

/**
 * Typed reads of VMX entries with libvirt's conventions: booleans are true/false in any case,
 * integers are decimal ("unlimited" = -1), and every error names the entry at fault.
 */
import { ConfigError } from '../errors.js';
import type { VmxConfig } from './vmx-text.js';

/** A string entry; `required` makes a missing entry an error. */
export function vmxString(conf: VmxConfig, key: string, required = false): string | undefined {
  const v = conf.get(key);
  if (v === undefined && required) throw new ConfigError(`missing essential VMX entry '${key}'`);
  return v;
}

/** An integer entry, `def` when absent; "unlimited" reads as -1. */
export function vmxLong(conf: VmxConfig, key: string, def: number): number;
export function vmxLong(conf: VmxConfig, key: string, def: number | undefined): number | undefined;
export function vmxLong(conf: VmxConfig, key: string, def: number | undefined): number | undefined {
  const v = conf.get(key);
  if (v === undefined) return def;
  const t = v.trim();
  if (/^unlimited$/i.test(t)) return -1;
  if (!/^[-+]?\d{1,15}$/.test(t)) throw new ConfigError(`VMX entry '${key}' must be an integer but found '${v}'`);
  return Number(t);
}

/** A boolean entry, `def` when absent. */
export function vmxBool(conf: VmxConfig, key: string, def: boolean): boolean {
  const v = conf.get(key);
  if (v === undefined) return def;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  throw new ConfigError(`VMX entry '${key}' must be a boolean (true|false) but found '${v}'`);
}

/** Parses a VMware UUID ("56 4d b7 68 f3 32 42 ee-62 01 06 97 3c f5 c3 0c") into libvirt's form. */
export function parseVmwareUuid(value: string, key: string): string {
  const hex = value.replace(/[\s-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new ConfigError(`VMX entry '${key}' must be a UUID but found '${value}'`);
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Formats a libvirt UUID the way VMware writes uuid.bios ("56 4d … e0-c8 f0 …"). */
export function formatVmwareUuid(uuid: string): string {
  const h = uuid.replace(/-/g, '').toLowerCase();
  const bytes = h.match(/../g) ?? [];
  return `${bytes.slice(0, 8).join(' ')}-${bytes.slice(8).join(' ')}`;
}

/** Parses a MAC address "00:50:56:AB:cd:ef" to lower case; undefined when malformed. */
export function parseMac(value: string): string | undefined {
  const t = value.trim();
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(t)) return undefined;
  return t
    .split(':')
    .map((b) => b.padStart(2, '0').toLowerCase())
    .join(':');
}

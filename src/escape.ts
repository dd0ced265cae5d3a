/**
 * The escaping schemes VMware uses in different places (libvirt's src/esx/README):
 * percent-encoding of names in the vSphere API, pipe-encoding of VMX values such as
 * displayName and annotation, and the lossy datastore item name encoding.
 */
import { ConfigError } from './errors.js';

const HEX = '0123456789abcdef';

/** Replaces each char of `special` (and the escape char itself) by `<escapeChar>XX`, XX = lower-case hex of its code. */
export function escapeHex(input: string, escapeChar: string, special: string, escapeControl = false): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    const ch = input[i] as string;
    if (ch === escapeChar || special.includes(ch) || (escapeControl && (c < 0x20 || c === 0x7f))) {
      out += input.slice(start, i) + escapeChar + HEX[c >> 4] + HEX[c & 15];
      start = i + 1;
    }
  }
  return start === 0 ? input : out + input.slice(start);
}

/**
 * Reverses escapeHex: `<escapeChar>XX` becomes the char with code XX. A malformed sequence is an
 * error (libvirt refuses it too), reported with `what` naming the entry.
 */
export function unescapeHex(input: string, escapeChar: string, what: string): string {
  if (!input.includes(escapeChar)) return input;
  let out = '';
  let start = 0;
  for (let i = input.indexOf(escapeChar); i >= 0; i = input.indexOf(escapeChar, start)) {
    const h = input.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(h)) {
      throw new ConfigError(`${what} contains an invalid escape sequence '${input.slice(i, i + 3)}'`);
    }
    out += input.slice(start, i) + String.fromCharCode(parseInt(h, 16));
    start = i + 3;
  }
  return out + input.slice(start);
}

/** Lenient variant for values VMware may write with a literal '|': malformed sequences stay as they are. */
export function unescapeHexLenient(input: string, escapeChar: string): string {
  if (!input.includes(escapeChar)) return input;
  return input.replace(new RegExp(`\\${escapeChar}([0-9a-fA-F]{2})`, 'g'), (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Percent-encoding of [%/\] as the vSphere API uses for entity names. */
export function escapePercent(name: string): string {
  return escapeHex(name, '%', '/\\');
}

/** Reverses escapePercent; `what` names the value in errors. */
export function unescapePercent(name: string, what = 'name'): string {
  return unescapeHex(name, '%', what);
}

/** Pipe-encoding of [|"] (plus control characters, which cannot stand in a VMX line) for VMX values. */
export function escapePipe(value: string): string {
  return escapeHex(value, '|', '"', true);
}

/** libvirt's pipe-encoding of VMX values (displayName, annotation): only '|' and '"'. */
export function escapeVmxPipe(value: string): string {
  return escapeHex(value, '|', '"');
}

/** Reverses escapePipe; `what` names the VMX entry in errors. */
export function unescapePipe(value: string, what = 'value'): string {
  return unescapeHex(value, '|', what);
}

// Chars VMware's datastore browser keeps as they are; any other run is base64-encoded.
const SAFE_ITEM = /[a-zA-Z0-9'(),. _-]/;
const WINDOWS_SPECIAL = /["*<>:|?]/g;

function base64Variant(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',');
}

/**
 * Escapes a datastore item (file or folder) name as VMware does: Windows-special chars become
 * '_', then percent-encoding, then runs of unsafe chars become '+<base64 with , for />-'.
 * Not bijective: the '_' replacement cannot be undone.
 */
export function escapeDatastoreItem(name: string): string {
  const percent = escapePercent(name.replace(WINDOWS_SPECIAL, '_'));
  let out = '';
  let i = 0;
  while (i < percent.length) {
    if (SAFE_ITEM.test(percent[i] as string)) {
      out += percent[i];
      i++;
      continue;
    }
    let j = i;
    while (j < percent.length && !SAFE_ITEM.test(percent[j] as string)) j++;
    out += '+' + base64Variant(Buffer.from(percent.slice(i, j), 'utf8'));
    if (j < percent.length) out += '-';
    i = j;
  }
  return out;
}

/** Reverses escapeDatastoreItem as far as possible (the Windows-char replacement stays). */
export function unescapeDatastoreItem(escaped: string): string {
  let out = '';
  let i = 0;
  while (i < escaped.length) {
    const ch = escaped[i] as string;
    if (ch !== '+') {
      out += ch;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < escaped.length && escaped[j] !== '-') j++;
    const b64 = escaped.slice(i + 1, j).replace(/,/g, '/');
    if (!/^[A-Za-z0-9+/]*$/.test(b64) || b64.length % 4 === 1) {
      throw new ConfigError(`datastore item name '${escaped}' contains an invalid base64 sequence`);
    }
    out += Buffer.from(b64, 'base64').toString('utf8');
    i = j < escaped.length ? j + 1 : j;
  }
  return unescapePercent(out, `datastore item name '${escaped}'`);
}

/**
 * A libvirt domain name from a vSphere entity name: %XX sequences decoded (vSphere escapes '%', '/' and '\\' so),
 * a stray '%' that escapes nothing kept as it is (libvirt's src/esx README).
 */
export function domainNameOf(vsphereName: string): string {
  return vsphereName.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The vSphere entity name of a libvirt domain name. */
export function vsphereNameOf(domainName: string): string {
  return escapePercent(domainName);
}

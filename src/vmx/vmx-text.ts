/**
 * The VMX text format as libvirt 9.0 reads it (its virConf parser in VMX mode): `key = "value"`
 * statements ended by a line end, `;` or a `#` comment; values quoted with "…", '…' or """…""";
 * keys looked up case-insensitively, the first of duplicates winning; the file read up to its
 * first NUL byte, in the charset its `.encoding` entry names (UTF-8 by default).
 */
import { TextDecoder } from 'node:util';
import { ConfigError } from '../errors.js';
import { charsetDecoder, type CharsetDecoder } from '../conf/charset.js';

/** One entry as it stood in the file. */
export interface VmxEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** A parsed VMX file: lookups are case-insensitive; the first of duplicate keys wins. */
export class VmxConfig {
  /** Entries by lower-cased key. */
  readonly entries = new Map<string, VmxEntry>();
  /** Human-readable notes about the input (duplicate keys, charset conversion). */
  readonly warnings: string[] = [];
  /** The charset the file declared (`.encoding`), or undefined. */
  encoding: string | undefined;

  /** The value of `key`, case-insensitively, or undefined. */
  get(key: string): string | undefined {
    return this.entries.get(key.toLowerCase())?.value;
  }

  /** True when `key` is present. */
  has(key: string): boolean {
    return this.entries.has(key.toLowerCase());
  }

  private devices: Set<string> | undefined;

  /** True when some key starts with `prefix.` (e.g. 'scsi0:3'): lets readers skip empty slots. */
  hasDevice(prefix: string): boolean {
    if (!this.devices) {
      this.devices = new Set();
      for (const k of this.entries.keys()) {
        const dot = k.indexOf('.');
        if (dot > 0) this.devices.add(k.slice(0, dot));
      }
    }
    return this.devices.has(prefix.toLowerCase());
  }

  /** The entry's key as written in the file, for messages. */
  keyAsWritten(key: string): string {
    return this.entries.get(key.toLowerCase())?.key ?? key;
  }
}

/**
 * The charset iconv (glibc) opens for a name: only letters, digits and `_-.,:` count, `//` starts suffixes (TRANSLIT,
 * IGNORE) that change nothing when reading, and a name with nothing left is the C locale's charset, ASCII. (An
 * empty name never reaches iconv: libxml2 refuses it.)
 */
function iconvName(label: string): string {
  if (label === '') return label;
  const name = (label.split('//')[0] as string).replace(/[^A-Za-z0-9_\-.,:]/g, '');
  return name === '' ? 'ANSI_X3.4-1968' : name;
}

function decoderFor(label: string): CharsetDecoder {
  const decoder = charsetDecoder(iconvName(label));
  if (decoder === undefined) throw new ConfigError(`VMX entry '.encoding' names an unsupported charset '${label}'`);
  return decoder;
}

/**
 * Decodes `bytes` in the charset `label`. As libvirt (through libxml2's converter), a byte that
 * is not valid there ends the text: what follows it is lost.
 */
function decodeStrict(bytes: Uint8Array, label: string): { text: string; complete: boolean } {
  const decode = decoderFor(label);
  try {
    return { text: decode(bytes), complete: true };
  } catch {
    // Find where it fails: decode byte by byte until the decoder refuses one.
    const d = decoderFor(label);
    let text = '';
    for (let i = 0; i < bytes.length; i++) {
      try {
        text += d(bytes.subarray(i, i + 1), { stream: true });
      } catch {
        break;
      }
    }
    return { text, complete: false };
  }
}

/** A ConfigError for the statement at `line`, in the words of libvirt's parser. */
function syntaxError(line: number, what: string): ConfigError {
  return new ConfigError(`VMX line ${line}: ${what}`);
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isEol = (c: string | undefined): boolean => c === '\n' || c === '\r';
const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isNameChar = (c: string | undefined): boolean =>
  c !== undefined && (isLetter(c) || isDigit(c) || c === '_' || c === '.' || c === ':' || c === '-');

/** Parses statements of `text` into `conf` (the grammar of libvirt's virConf in VMX mode). */
/** Duplicate keys warned about one by one; the rest are counted in one more warning. */
export const DUPLICATE_WARNINGS = 5;

function parseStatements(conf: VmxConfig, text: string): void {
  let pos = 0;
  let line = 1;
  let duplicates = 0;
  const len = text.length;
  const skipToEol = (): void => {
    while (pos < len && !isEol(text[pos])) pos++;
  };
  while (pos < len) {
    const c = text[pos] as string;
    if (isBlank(c)) {
      pos++;
      continue;
    }
    if (isEol(c)) {
      if (c === '\n') line++;
      pos++;
      continue;
    }
    if (c === '#') {
      skipToEol();
      continue;
    }
    // key
    if (!isLetter(c) && c !== '.') throw syntaxError(line, 'expecting a key');
    const start = pos;
    while (isNameChar(text[pos])) pos++;
    const key = text.slice(start, pos);
    while (isBlank(text[pos])) pos++;
    if (text[pos] !== '=') throw syntaxError(line, `expecting '=' after '${truncate(key)}'`);
    pos++;
    while (isBlank(text[pos])) pos++;
    // value
    const q = text[pos];
    let value: string;
    if (q === '"' && text.startsWith('"""', pos)) {
      const open = pos + 3;
      const close = text.indexOf('"""', open + 1);
      if (close < 0) throw syntaxError(line, `value of '${truncate(key)}' lacks its closing """`);
      value = text.slice(open, close);
      for (const ch of value) if (ch === '\n') line++;
      pos = close + 3;
    } else if (q === '"' || q === "'") {
      let end = pos + 1;
      while (end < len && text[end] !== q && !isEol(text[end])) end++;
      if (text[end] !== q) throw syntaxError(line, `value of '${truncate(key)}' lacks its closing quote`);
      value = text.slice(pos + 1, end);
      pos = end + 1;
    } else if (q === '[') {
      throw syntaxError(line, `value of '${truncate(key)}' is a list; VMX values are quoted strings`);
    } else if (q !== undefined && (isDigit(q) || q === '-' || q === '+' || q === '.')) {
      throw syntaxError(line, `value of '${truncate(key)}' is a bare number; VMX values are quoted strings`);
    } else {
      throw syntaxError(line, `expecting a quoted value for '${truncate(key)}'`);
    }
    // separator: blanks, then ';', a comment, the end of the line or of the file
    while (isBlank(text[pos])) pos++;
    const sep = text[pos];
    if (sep === ';') pos++;
    else if (sep === '#') skipToEol();
    else if (sep !== undefined && !isEol(sep)) throw syntaxError(line, `unexpected text after the value of '${truncate(key)}'`);
    const lower = key.toLowerCase();
    const prev = conf.entries.get(lower);
    if (prev) {
      // a file of many duplicates would otherwise print a warning per line
      if (++duplicates <= DUPLICATE_WARNINGS)
        conf.warnings.push(`duplicate VMX key '${key}' on lines ${prev.line} and ${line}: the first one wins`);
    } else conf.entries.set(lower, { key, value, line });
  }
  if (duplicates > DUPLICATE_WARNINGS) {
    const more = duplicates - DUPLICATE_WARNINGS;
    conf.warnings.push(`… and ${more} more duplicate VMX key${more === 1 ? '' : 's'}: the first of each wins`);
  }
}

/** Parses VMX text (or bytes, decoded per `.encoding`). Throws ConfigError naming the line at fault. */
export function parseVmx(input: string | Uint8Array): VmxConfig {
  if (typeof input === 'string') {
    const conf = new VmxConfig();
    const nul = input.indexOf('\0');
    parseStatements(conf, nul < 0 ? input : input.slice(0, nul));
    conf.encoding = conf.get('.encoding');
    return conf;
  }
  // libvirt reads the file as a C string: a NUL byte ends it.
  const nul = input.indexOf(0);
  const bytes = nul < 0 ? input : input.subarray(0, nul);
  // The first pass reads the raw bytes, to find `.encoding` (ASCII in every charset VMware writes).
  const raw = new VmxConfig();
  parseStatements(raw, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
  const encoding = raw.get('.encoding');
  const conf = new VmxConfig();
  conf.encoding = encoding;
  if (encoding === undefined || encoding.toLowerCase() === 'utf-8') {
    // libvirt copies such bytes through unchecked; invalid sequences become U+FFFD here.
    let text: string;
    try {
      text = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      conf.warnings.push('VMX file is not valid UTF-8: invalid bytes were replaced by U+FFFD');
    }
    parseStatements(conf, text);
    return conf;
  }
  const { text, complete } = decodeStrict(bytes, encoding);
  parseStatements(conf, text);
  conf.warnings.push(`converted from charset ${encoding} to UTF-8`);
  if (!complete) conf.warnings.push(`VMX file is not valid ${encoding} text: it was read up to the first invalid byte`);
  return conf;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Formats entries as VMX text, one `key = "value"` line each. Values are written as they are,
 * as libvirt does, except the characters that would end or break the quoted value ('"', line
 * ends), which are pipe-escaped as VMware writes them.
 */
export function formatVmx(entries: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of entries)
    out += `${key} = "${value.replace(/["\n\r]/g, (c) => `|${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"\n`;
  return out;
}

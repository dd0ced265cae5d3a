/**
 * The VMX text format: `key = "value"` lines, '#' comments, blank lines, case-insensitive keys,
 * `|XX` escapes in values and a `.encoding` entry naming the charset of the file.
 */
import { TextDecoder } from 'node:util';
import { ConfigError } from '../errors.js';
import { escapePipe, unescapeHexLenient } from '../escape.js';

/** One entry as it stood in the file. */
export interface VmxEntry {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

/** A parsed VMX file: lookups are case-insensitive; the last of duplicate keys wins. */
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

// Labels TextDecoder knows under another name, as VMware spells them.
const ENCODING_ALIASES: Record<string, string> = { gb2312: 'gbk', 'x-sjis': 'shift_jis', 'windows-31j': 'shift_jis' };

// WHATWG maps these labels to windows-1252, but Node 20's fast path decodes them as ISO-8859-1,
// losing €, smart quotes and the other 0x80–0x9F characters; they are mapped by hand.
const CP1252_LABELS = new Set([
  'windows-1252',
  'cp1252',
  'x-cp1252',
  'latin1',
  'iso-8859-1',
  'iso8859-1',
  'iso_8859-1',
  'l1',
  'ascii',
  'us-ascii',
  'cp819',
  'ibm819',
  'iso-ir-100',
]);
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function fixCp1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string);
}

function decoderFor(label: string): TextDecoder {
  const norm = label.trim().toLowerCase();
  try {
    return new TextDecoder(ENCODING_ALIASES[norm] ?? norm, { fatal: true });
  } catch {
    throw new ConfigError(`VMX entry '.encoding' names an unsupported charset '${label}'`);
  }
}

// `.encoding` is ASCII in every charset VMware writes, so it can be found before decoding.
function findEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const m = /^[ \t]*\.encoding[ \t]*=[ \t]*"?([^"\r\n]*)"?/im.exec(head);
  return m?.[1]?.trim();
}

/** Decodes the bytes of a VMX file according to its `.encoding` entry (default UTF-8). */
export function decodeVmxBytes(bytes: Uint8Array): { text: string; encoding: string | undefined } {
  const encoding = findEncoding(bytes);
  const decoder = decoderFor(encoding ?? 'utf-8');
  try {
    let text = decoder.decode(bytes);
    if (CP1252_LABELS.has((encoding ?? '').trim().toLowerCase())) text = fixCp1252(text);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { text, encoding };
  } catch {
    throw new ConfigError(
      `VMX file is not valid ${encoding ?? 'UTF-8'} text${encoding ? '' : " (add a '.encoding' entry naming its charset)"}`,
    );
  }
}

const KEY_RE = /^[A-Za-z0-9_.:\-[\]]+$/;

/** Parses VMX text (or bytes, decoded per `.encoding`). Throws ConfigError naming the line at fault. */
export function parseVmx(input: string | Uint8Array): VmxConfig {
  const conf = new VmxConfig();
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const decoded = decodeVmxBytes(input);
    text = decoded.text;
    conf.encoding = decoded.encoding;
  }
  let lineNo = 0;
  let pos = 0;
  const len = text.length;
  while (pos < len) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    lineNo++;
    const raw = text.slice(pos, end);
    pos = end + 1;
    parseLine(conf, raw, lineNo);
  }
  const enc = conf.get('.encoding');
  if (enc !== undefined && conf.encoding === undefined) conf.encoding = enc;
  if (conf.encoding && !/^utf-?8$/i.test(conf.encoding)) {
    conf.warnings.push(`converted from charset ${conf.encoding} to UTF-8`);
  }
  return conf;
}

function parseLine(conf: VmxConfig, raw: string, lineNo: number): void {
  const line = raw.trim();
  if (line === '' || line[0] === '#') return;
  const eq = line.indexOf('=');
  if (eq <= 0) throw new ConfigError(`VMX line ${lineNo}: expecting 'key = "value"' but found '${truncate(line)}'`);
  const key = line.slice(0, eq).trim();
  if (!KEY_RE.test(key)) throw new ConfigError(`VMX line ${lineNo}: invalid key '${truncate(key)}'`);
  let rest = line.slice(eq + 1).trim();
  let value: string;
  if (rest[0] === '"') {
    const close = rest.indexOf('"', 1);
    if (close < 0) throw new ConfigError(`VMX line ${lineNo}: value of '${key}' lacks its closing quote`);
    value = rest.slice(1, close);
    rest = rest.slice(close + 1).trim();
    if (rest !== '' && rest[0] !== '#') {
      throw new ConfigError(`VMX line ${lineNo}: unexpected text after the value of '${key}'`);
    }
  } else {
    // VMware itself always quotes; tolerate bare values (hand-edited files) up to a comment.
    const hash = rest.indexOf('#');
    value = (hash >= 0 ? rest.slice(0, hash) : rest).trim();
  }
  const lower = key.toLowerCase();
  const prev = conf.entries.get(lower);
  if (prev) conf.warnings.push(`duplicate VMX key '${key}' on lines ${prev.line} and ${lineNo}: the last one wins`);
  conf.entries.set(lower, { key, value: unescapeHexLenient(value, '|'), line: lineNo });
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Formats entries as VMX text, one `key = "value"` line each, values pipe-escaped. */
export function formatVmx(entries: Iterable<readonly [string, string]>): string {
  let out = '';
  for (const [key, value] of entries) out += `${key} = "${escapePipe(value)}"\n`;
  return out;
}

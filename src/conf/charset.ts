/**
 * Charsets as iconv names and decodes them (libvirt reads VMX through it, libxml2 reads XML through it), with Node's
 * TextDecoder underneath: the labels iconv knows under other names, the WHATWG-only labels it does not know, ASCII as
 * 7-bit, and windows-1252 as it is (Node 20 decodes it as ISO-8859-1).
 */

import { TextDecoder } from 'node:util';

/** A strict decoder: throws a TypeError at the first byte that is not valid in its charset. */
export type CharsetDecoder = (bytes: Uint8Array, opts?: { stream?: boolean }) => string;

// Labels Node's TextDecoder knows under another name, as VMware (and iconv) spell them.
const ALIASES: Record<string, string> = {
  gb2312: 'gbk',
  'x-sjis': 'shift_jis',
  'windows-31j': 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
};
// WHATWG-only labels that iconv does not know.
const NOT_ICONV = new Set(['x-user-defined', 'replacement', 'unicode-1-1-utf-8', 'x-unicode20utf8']);
// ASCII as iconv has it: bytes above 0x7F are errors (WHATWG maps these labels to windows-1252).
const ASCII_LABELS = new Set(['ascii', 'us-ascii', 'ansi_x3.4-1968', 'iso-ir-6', 'iso646-us', 'us', 'ibm367', 'cp367', 'csascii']);
// WHATWG maps these labels to windows-1252, but Node 20's fast path decodes them as ISO-8859-1,
// losing €, smart quotes and the other 0x80–0x9F characters; they are mapped by hand.
const CP1252_LABELS = new Set(['windows-1252', 'cp1252', 'x-cp1252']);
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

const fixCp1252 = (text: string): string => text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] as string);

/** True for the labels iconv reads as 7-bit ASCII. */
export function isAsciiLabel(label: string): boolean {
  return ASCII_LABELS.has(label.toLowerCase());
}

/** A strict decoder for the charset `label` (case-insensitive), or undefined when iconv or Node does not know it. */
export function charsetDecoder(label: string): CharsetDecoder | undefined {
  const norm = label.toLowerCase();
  if (label !== label.trim() || NOT_ICONV.has(norm)) return undefined;
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(ASCII_LABELS.has(norm) ? 'utf-8' : (ALIASES[norm] ?? norm), { fatal: true, ignoreBOM: true });
  } catch {
    return undefined;
  }
  if (ASCII_LABELS.has(norm)) {
    return (bytes, opts) => {
      if (bytes.some((b) => b > 0x7f)) throw new TypeError(`not ${label}`);
      return decoder.decode(bytes, opts);
    };
  }
  if (CP1252_LABELS.has(norm)) return (bytes, opts) => fixCp1252(decoder.decode(bytes, opts));
  return (bytes, opts) => decoder.decode(bytes, opts);
}

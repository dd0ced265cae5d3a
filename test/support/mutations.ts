/**
 * Byte-level mutations of VMX and XML files, the kinds of damage real files suffer: flipped
 * bits, lost and doubled lines, stray quotes and escape characters, numbers out of range,
 * broken UTF-8 and `.encoding` lines naming odd charsets.
 */
import type { Rng } from './rng.js';
import { ALL_VALUES, CHARSETS, EDGE_NUMBERS } from './vmx-vocabulary.js';

/** The mutation operators, by name (the fuzzer reports which ones made a failing input). */
export const MUTATIONS = [
  'flip',
  'delete',
  'duplicate',
  'insert-token',
  'number',
  'bad-utf8',
  'encoding',
  'value',
  'swap-lines',
  'truncate',
  'xml-markup',
] as const;

/** One mutation operator's name. */
export type MutationName = (typeof MUTATIONS)[number];

const TOKENS = [
  '"',
  '""',
  '|',
  '%',
  '=',
  '#',
  '\n',
  '\r',
  '\r\n',
  '\0',
  ' ',
  '\t',
  '|zz',
  '%zz',
  '|22',
  '%25',
  '|0',
  '[',
  ']',
  ':',
  '.',
  '\u2028',
  '\ufeff',
  'é',
  '😀',
];
const XML_TOKENS = [
  '<',
  '>',
  '&',
  "'",
  '&#0;',
  '&#xD800;',
  '&bogus;',
  '&amp;',
  ']]>',
  '<!--',
  '-->',
  '<![CDATA[x]]>',
  '<x>',
  '</x>',
  '<?pi?>',
  '<!DOCTYPE d [<!ENTITY e "x">]>',
  'xmlns:v="urn:x"',
  '<vmware:datacenterpath>a</vmware:datacenterpath>',
];
const BAD_UTF8 = [[0xff], [0xfe], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xf0, 0x9f]];

const enc = new TextEncoder();

function splice(b: Uint8Array, at: number, del: number, ins: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length - del + ins.length);
  out.set(b.subarray(0, at), 0);
  out.set(ins, at);
  out.set(b.subarray(at + del), at + ins.length);
  return out;
}

function lineBounds(b: Uint8Array, pos: number): [number, number] {
  let s = pos;
  while (s > 0 && b[s - 1] !== 0x0a) s--;
  let e = pos;
  while (e < b.length && b[e] !== 0x0a) e++;
  return [s, Math.min(e + 1, b.length)];
}

/** Applies one named mutation at a random place. */
export function mutateOnce(b: Uint8Array, op: MutationName, rng: Rng): Uint8Array {
  const at = rng.int(0, b.length);
  switch (op) {
    case 'flip': {
      if (b.length === 0) return b;
      const out = b.slice();
      const i = Math.min(at, b.length - 1);
      out[i] = (out[i] as number) ^ (1 << rng.int(0, 7));
      return out;
    }
    case 'delete':
      return splice(b, at, Math.min(rng.int(1, 40), b.length - at), []);
    case 'duplicate': {
      const [s, e] = lineBounds(b, Math.min(at, Math.max(0, b.length - 1)));
      return splice(b, rng.int(0, b.length), 0, b.slice(s, e));
    }
    case 'insert-token':
      return splice(b, at, 0, enc.encode(rng.pick(TOKENS)));
    case 'xml-markup':
      return splice(b, at, 0, enc.encode(rng.pick(XML_TOKENS)));
    case 'number': {
      // Replace a run of digits (found from a random point) by an edge number.
      const text = Buffer.from(b).toString('latin1');
      const re = /\d+/g;
      re.lastIndex = at;
      const m = re.exec(text) ?? /\d+/.exec(text);
      if (!m) return splice(b, at, 0, enc.encode(rng.pick(EDGE_NUMBERS)));
      return splice(b, m.index, m[0].length, enc.encode(rng.pick(EDGE_NUMBERS)));
    }
    case 'bad-utf8':
      return splice(b, at, 0, rng.pick(BAD_UTF8));
    case 'encoding': {
      const line = enc.encode(`.encoding = "${rng.pick(CHARSETS)}"\n`);
      const text = Buffer.from(b).toString('latin1');
      const m = /^[ \t]*\.encoding[^\n]*\n?/im.exec(text);
      if (m && rng.chance(0.7)) return splice(b, m.index, m[0].length, line);
      if (text.startsWith('<') || rng.chance(0.2)) {
        return splice(b, 0, 0, enc.encode(`<?xml version="1.0" encoding="${rng.pick(CHARSETS)}"?>\n`));
      }
      return splice(b, rng.chance(0.5) ? 0 : lineBounds(b, Math.min(at, Math.max(0, b.length - 1)))[0], 0, line);
    }
    case 'value': {
      // Replace a quoted value (VMX "…" or XML '…') by one from the vocabulary, unescaped.
      const text = Buffer.from(b).toString('latin1');
      const re = /"[^"\n]*"|'[^'\n]*'/g;
      re.lastIndex = at;
      const m = re.exec(text) ?? re.exec(text);
      if (!m) return b;
      const q = m[0][0] as string;
      return splice(b, m.index, m[0].length, enc.encode(`${q}${rng.pick(ALL_VALUES)}${q}`));
    }
    case 'swap-lines': {
      if (b.length === 0) return b;
      const [s1, e1] = lineBounds(b, Math.min(at, b.length - 1));
      const line = b.slice(s1, e1);
      const without = splice(b, s1, e1 - s1, []);
      return splice(without, lineBounds(without, rng.int(0, Math.max(0, without.length - 1)))[0], 0, line);
    }
    case 'truncate':
      return b.slice(0, at);
  }
}

/** Applies `count` random mutations (drawn from `ops`, default all); returns the result and the ops used. */
export function mutateBytes(
  input: Uint8Array,
  rng: Rng,
  count: number,
  ops: readonly MutationName[] = MUTATIONS,
): { bytes: Uint8Array; ops: MutationName[] } {
  let b = input;
  const used: MutationName[] = [];
  for (let i = 0; i < count; i++) {
    const op = rng.pick(ops);
    used.push(op);
    b = mutateOnce(b, op, rng);
  }
  return { bytes: b, ops: used };
}

/** Decodes mutated XML bytes as a caller would (lossy UTF-8), sometimes with a lone surrogate added. */
export function bytesToXmlText(b: Uint8Array, rng: Rng): string {
  let text = Buffer.from(b).toString('utf8');
  if (rng.chance(0.05)) {
    const at = rng.int(0, text.length);
    text = text.slice(0, at) + rng.pick(['\ud800', '\udfff', '\uffff', '\ufffe']) + text.slice(at);
  }
  return text;
}

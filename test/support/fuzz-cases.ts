/**
 * Random inputs for the robustness checks, each reproducible from (seed, iteration): mutated
 * corpus files, VMX files assembled from the real key vocabulary, random text and bytes, and
 * hand-built domains with damaged fields.
 */
import type { DomainDef } from '../../src/conf/domain/domain-def.js';
import { parseDomainXml } from '../../src/conf/domain/parse-domain.js';
import type { Corpus } from './corpus.js';
import { bytesToXmlText, mutateBytes, type MutationName } from './mutations.js';
import { realisticVmx } from './realistic-vmx.js';
import { Rng } from './rng.js';
import { ALL_VALUES, converterKeys, EDGE_NUMBERS, TEXT_VALUES } from './vmx-vocabulary.js';

/** One generated input and how it was made. */
export type FuzzCase =
  | { kind: 'vmx'; input: string | Uint8Array; label: string }
  | { kind: 'xml'; input: string; label: string }
  | { kind: 'domain'; input: DomainDef; label: string };

/** Builds `key = "value"` VMX text from the vocabulary; the essential entries are usually right. */
export function vocabularyVmx(rng: Rng, keys: readonly string[]): string {
  const lines: string[] = [];
  if (rng.chance(0.9)) lines.push('config.version = "8"');
  if (rng.chance(0.9)) lines.push(`virtualHW.version = "${rng.pick(['4', '7', '13', '19', rng.pick(EDGE_NUMBERS)])}"`);
  if (rng.chance(0.9)) lines.push(`displayName = "${rng.pick(['vm', 'a|22b', '%2f', rng.pick(TEXT_VALUES)])}"`);
  const n = rng.int(1, 40);
  // Entries of one device usually come together; pick a family and fill several of its keys.
  for (let i = 0; i < n; i++) {
    const key = rng.pick(keys);
    const family = key.replace(/\.[^.]*$/, '');
    const siblings = rng.chance(0.5) ? keys.filter((k) => k.startsWith(`${family}.`)).slice(0, 12) : [key];
    for (const k of siblings) lines.push(vmxLine(rng, k));
  }
  return rng.shuffle(lines).join(rng.chance(0.9) ? '\n' : '\r\n') + (rng.chance(0.8) ? '\n' : '');
}

function vmxLine(rng: Rng, key: string): string {
  const value = rng.chance(0.9) ? rng.pick(ALL_VALUES) : randomText(rng, rng.int(0, 20));
  const k = rng.chance(0.1) ? key.toUpperCase() : key;
  return rng.weighted<string>([
    [8, `${k} = "${value}"`],
    [1, `${k}=${value}`],
    [1, `  ${k} = "${value}" # comment`],
  ]);
}

/** Random text: mostly printable ASCII, some specials, lone surrogates and control characters. */
export function randomText(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s += rng.weighted<string>([
      [6, String.fromCharCode(rng.int(0x20, 0x7e))],
      [2, rng.pick(['"', '|', '%', '=', '\n', '<', '&', '#', '[', ']'])],
      [1, String.fromCharCode(rng.int(0, 0x1f))],
      [1, String.fromCodePoint(rng.int(0x80, 0x10ffff))],
      [0.2, String.fromCharCode(rng.int(0xd800, 0xdfff))],
    ]);
  }
  return s;
}

function randomBytes(rng: Rng, length: number): Uint8Array {
  const b = new Uint8Array(length);
  for (let i = 0; i < length; i++) b[i] = rng.int(0, 255);
  return b;
}

// Fields whose values are unions: damage them within the union (a type-correct caller can do that).
const UNIONS: Record<string, readonly string[]> = {
  'disks.type': ['file', 'block'],
  'disks.device': ['disk', 'cdrom', 'floppy', 'lun'],
  'disks.bus': ['scsi', 'ide', 'fdc', 'sata'],
  'disks.startupPolicy': ['optional', 'mandatory', 'requisite'],
  'controllers.type': ['scsi', 'ide', 'fdc', 'sata'],
  'interfaces.type': ['bridge', 'user', 'vds', 'null', 'network'],
  'interfaces.macType': ['generated', 'static'],
  'serials.type': ['dev', 'file', 'pipe', 'tcp'],
  'parallels.type': ['dev', 'file', 'pipe', 'tcp'],
  'consoles.type': ['dev', 'file', 'pipe', 'tcp'],
  'serials.mode': ['bind', 'connect'],
  'serials.protocol': ['raw', 'telnet', 'telnets', 'tls'],
  'os.arch': ['i686', 'x86_64'],
  'os.firmware': ['efi', 'bios'],
  'os.smbiosMode': ['host', 'emulate', 'sysinfo'],
  'graphics.type': ['vnc'],
  'os.type': ['hvm'],
};
const NUMBERS = [-1, 0, 1, 3, 4, 7, 8, 15, 16, 29, 30, 64, 4096, 65536, 2 ** 31, 2 ** 53, -(2 ** 31), 0.5, NaN, Infinity, -Infinity];
const STRINGS = [
  '',
  ' ',
  'x',
  '%',
  '%zz',
  '|',
  '"',
  '\n',
  '\u0000',
  'a'.repeat(1000),
  '/vmfs/volumes/',
  '[ds]',
  '[ds] x.vmdk',
  'rel/x.vmdk',
  'x.iso',
  '00:50:56:zz:00:00',
  '::',
  'ff:ff:ff:ff:ff:ff',
  '\ud800',
  'vmpvscsi',
  'bogus',
];

interface Leaf {
  obj: Record<string, unknown>;
  key: string;
  path: string;
}

function leaves(value: unknown, path: string, out: Leaf[]): void {
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    const p = Array.isArray(value) ? path : path ? `${path}.${k}` : k;
    out.push({ obj: value as Record<string, unknown>, key: k, path: p });
    leaves(v, p, out);
  }
}

/** Damages 1..n fields of a domain in place (numbers, strings, flags, lists, optional parts). */
export function perturbDomain(def: DomainDef, rng: Rng, n: number): DomainDef {
  for (let i = 0; i < n; i++) {
    const all: Leaf[] = [];
    leaves(def, '', all);
    const leaf = rng.pick(all);
    const v = leaf.obj[leaf.key];
    const union = UNIONS[leaf.path.replace(/^(\w+)\.(\d+\.)?/, '$1.')];
    if (Array.isArray(v)) {
      if (v.length > 0 && rng.chance(0.5)) v.push(structuredClone(rng.pick(v)));
      else if (v.length > 0) v.splice(rng.int(0, v.length - 1), 1);
    } else if (typeof v === 'number') {
      leaf.obj[leaf.key] = rng.pick(NUMBERS);
    } else if (typeof v === 'boolean') {
      leaf.obj[leaf.key] = !v;
    } else if (typeof v === 'string') {
      leaf.obj[leaf.key] = union && rng.chance(0.7) ? rng.pick(union) : rng.pick(STRINGS);
    } else if (!Array.isArray(leaf.obj) && leaf.key !== 'os') {
      delete leaf.obj[leaf.key];
    }
  }
  return def;
}

/** The fuzz input of iteration `i` of a run with `seed`: a pure function of (seed, i). */
export function fuzzCase(seed: number, i: number, corpus: Corpus): FuzzCase {
  const rng = new Rng(seed, i);
  const count = rng.weighted([
    [4, 1],
    [3, 2],
    [2, 4],
    [1, 12],
  ]);
  const label = (what: string, ops: MutationName[]): string => `${what} ${ops.join(',')}`;
  const strategy = rng.weighted<string>([
    [40, 'vmx-mutation'],
    [20, 'xml-mutation'],
    [15, 'vocabulary'],
    [5, 'random'],
    [8, 'realistic-mutation'],
    [12, 'domain'],
  ]);
  switch (strategy) {
    case 'vmx-mutation': {
      const src = rng.pick(rng.chance(0.8) ? corpus.vmx : corpus.vmxOutputs.length ? corpus.vmxOutputs : corpus.vmx);
      const m = mutateBytes(src.bytes, rng, count);
      return { kind: 'vmx', input: m.bytes, label: label(`vmx ${src.name}`, m.ops) };
    }
    case 'xml-mutation': {
      const src = rng.pick(corpus.xml);
      const m = mutateBytes(Buffer.from(src.text, 'utf8'), rng, count);
      return { kind: 'xml', input: bytesToXmlText(m.bytes, rng), label: label(`xml ${src.name}`, m.ops) };
    }
    case 'vocabulary': {
      const keys = rng.chance(0.5) ? corpus.keys : VOCABULARY;
      return { kind: 'vmx', input: vocabularyVmx(rng, keys), label: 'vocabulary' };
    }
    case 'random':
      if (rng.chance(0.3)) return { kind: 'vmx', input: randomBytes(rng, rng.int(0, 300)), label: 'random bytes' };
      return rng.chance(0.5)
        ? { kind: 'vmx', input: randomText(rng, rng.int(0, 300)), label: 'random text' }
        : { kind: 'xml', input: randomText(rng, rng.int(0, 300)), label: 'random text' };
    case 'realistic-mutation': {
      const m = mutateBytes(Buffer.from(realisticVmx(rng.int(0, 1_000_000)).text, 'utf8'), rng, count);
      return { kind: 'vmx', input: m.bytes, label: label('realistic vmx', m.ops) };
    }
    default: {
      const src = rng.pick(corpus.xml);
      let def: DomainDef;
      try {
        def = parseDomainXml(src.text);
      } catch {
        return { kind: 'xml', input: src.text, label: `xml ${src.name}` };
      }
      return { kind: 'domain', input: perturbDomain(def, rng, count), label: `domain ${src.name} x${count}` };
    }
  }
}

const VOCABULARY = converterKeys();

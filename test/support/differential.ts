/**
 * Differential testing against libvirt 9.0's own converter (the oracle, see oracle.ts): the
 * inputs of each category, esxvirt's side of a conversion (through the library, with the
 * conventions of the oracle's file-name callbacks), and the verdict on a pair of results.
 * Agreement = both refuse, or byte-identical output (warnings aside; random UUIDs and MACs that
 * both sides invent for an XML lacking them are masked).
 */
import fc from 'fast-check';
import { EsxError } from '../../src/errors.js';
import { formatDomain } from '../../src/conf/domain/format-domain.js';
import { parseDomainXml } from '../../src/conf/domain/parse-domain.js';
import { offlineContext, type VmxContext } from '../../src/vmx/context.js';
import { domainToVmx } from '../../src/vmx/domain-to-vmx.js';
import { vmxToDomain } from '../../src/vmx/vmx-to-domain.js';
import type { Corpus } from './corpus.js';
import { vocabularyVmx } from './fuzz-cases.js';
import { libvirtDomainArb } from './generators.js';
import { bytesToXmlText, mutateBytes } from './mutations.js';
import type { OracleResult } from './oracle.js';
import { realisticVmx } from './realistic-vmx.js';
import { Rng } from './rng.js';
import { ALL_VALUES, converterKeys } from './vmx-vocabulary.js';
import { classifyDifference } from './known-differences.js';

/** The input categories, each reported on its own. */
export const CATEGORIES = [
  'vmx-mutation',
  'vmx-keyvalue',
  'vmx-vocabulary',
  'vmx-realistic',
  'xml-hw',
  'xml-mutation',
  'xml-generated',
] as const;

/** One input category. */
export type Category = (typeof CATEGORIES)[number];

/** One differential case: a VMX to convert to XML, or an XML to convert to VMX at a hardware version. */
export type DiffCase =
  | { category: Category; label: string; direction: 'vmx2xml'; input: Uint8Array; datacenterPath?: string }
  | { category: Category; label: string; direction: 'xml2vmx'; input: Uint8Array; hw: number };

/** esxvirt's result: converted, refused with an EsxError, or broken (anything else thrown). */
export interface OurResult {
  status: 'ok' | 'refused' | 'broken';
  output: string;
  error: string;
}

/** The verdict on one case; `difference` names the documented class of a deliberate difference. */
export type Verdict = { kind: 'agree' } | { kind: 'known'; difference: string } | { kind: 'disagree'; why: string };

const WEIGHTS: readonly (readonly [number, Category])[] = [
  [20, 'vmx-mutation'],
  [20, 'vmx-keyvalue'],
  [10, 'vmx-vocabulary'],
  [10, 'vmx-realistic'],
  [10, 'xml-hw'],
  [15, 'xml-mutation'],
  [15, 'xml-generated'],
];

const DATACENTER_PATHS = ['folder1/folder2/datacenter1', 'ha-datacenter', 'DC <&> "1"', 'Ünïcode/dc'];
const VOCABULARY = converterKeys();
const enc = new TextEncoder();

/** The VMX path both sides resolve bare file names with (the oracle: `[datastore] directory/NAME`). */
export const VMX_PATH = '[datastore] directory/fuzz.vmx';

/**
 * The offline context with the oracle's test conventions (those of libvirt's vmx2xmltest): a
 * datastore called `missing`, or a path starting with `missing`, is a file that does not exist.
 */
export function oracleConventionsContext(datacenterPath?: string): VmxContext {
  const base = offlineContext({
    vmxPath: VMX_PATH,
    defaultScsiModel: 'lsilogic',
    ...(datacenterPath !== undefined ? { datacenterPath } : {}),
  });
  return {
    ...base,
    parseFileName(fileName) {
      const m = /^\/vmfs\/volumes\/+([^/]+)\/(.+)$/s.exec(fileName);
      if (m && (m[1] === 'missing' || (m[2] as string).startsWith('missing'))) return undefined;
      return base.parseFileName(fileName);
    },
  };
}

/** Edits a VMX file key by key: values replaced from the vocabulary, entries added and removed. */
function editKeys(bytes: Uint8Array, rng: Rng, keys: readonly string[], edits: number): Uint8Array {
  const lines = Buffer.from(bytes).toString('latin1').split('\n');
  for (let e = 0; e < edits; e++) {
    const op = rng.weighted<string>([
      [5, 'set'],
      [3, 'add'],
      [2, 'delete'],
    ]);
    const i = rng.int(0, Math.max(0, lines.length - 1));
    const m = /^([^=]*?)\s*=/.exec(lines[i] ?? '');
    if (op === 'set' && m) lines[i] = `${m[1]} = "${rng.pick(ALL_VALUES)}"`;
    else if (op === 'delete' && lines.length > 0) lines.splice(i, 1);
    else lines.splice(i, 0, `${rng.pick(keys)} = "${rng.pick(ALL_VALUES)}"`);
  }
  return Buffer.from(lines.join('\n'), 'latin1');
}

/** The case number `i` of a run with `seed`: a pure function of (seed, i, corpus). */
export function diffCase(seed: number, i: number, corpus: Corpus): DiffCase {
  const rng = new Rng(seed ^ 0x5eed, i);
  const category = rng.weighted(WEIGHTS);
  const count = rng.weighted([
    [5, 1],
    [3, 2],
    [1, 4],
  ]);
  const hw = rng.int(4, 19);
  const dc = rng.chance(0.1) ? rng.pick(DATACENTER_PATHS) : undefined;
  const vmx = (label: string, input: Uint8Array): DiffCase => ({
    category,
    label,
    direction: 'vmx2xml',
    input,
    ...(dc !== undefined ? { datacenterPath: dc } : {}),
  });
  const xml = (label: string, input: Uint8Array): DiffCase => ({ category, label, direction: 'xml2vmx', input, hw });
  switch (category) {
    case 'vmx-mutation': {
      const src = rng.pick(rng.chance(0.8) || corpus.vmxOutputs.length === 0 ? corpus.vmx : corpus.vmxOutputs);
      const m = mutateBytes(src.bytes, rng, count);
      return vmx(`${src.name} ${m.ops.join(',')}`, m.bytes);
    }
    case 'vmx-keyvalue': {
      const src = rng.pick(rng.chance(0.8) || corpus.vmxOutputs.length === 0 ? corpus.vmx : corpus.vmxOutputs);
      return vmx(`${src.name} x${count}`, editKeys(src.bytes, rng, rng.chance(0.5) ? corpus.keys : VOCABULARY, count));
    }
    case 'vmx-vocabulary':
      return vmx('vocabulary', enc.encode(vocabularyVmx(rng, rng.chance(0.5) ? corpus.keys : VOCABULARY)));
    case 'vmx-realistic': {
      const r = realisticVmx(rng.int(0, 1_000_000), 7);
      const bytes = enc.encode(r.text);
      return rng.chance(0.5)
        ? vmx(`realistic ${r.name}`, bytes)
        : vmx(`realistic ${r.name} x${count}`, editKeys(bytes, rng, VOCABULARY, count));
    }
    case 'xml-hw': {
      const src = rng.pick(corpus.xml);
      return xml(`${src.name} hw${hw}`, enc.encode(src.text));
    }
    case 'xml-mutation': {
      const src = rng.pick(corpus.xml);
      const m = mutateBytes(enc.encode(src.text), rng, count);
      return xml(`${src.name} ${m.ops.join(',')} hw${hw}`, enc.encode(bytesToXmlText(m.bytes, rng)));
    }
    case 'xml-generated': {
      const s = rng.int(0, 2 ** 31 - 1);
      const [def] = fc.sample(libvirtDomainArb, { seed: s, numRuns: 1 });
      return xml(`generated domain ${s} hw${hw}`, enc.encode(formatDomain(def as NonNullable<typeof def>)));
    }
  }
}

function attempt(fn: () => string): OurResult {
  try {
    return { status: 'ok', output: fn(), error: '' };
  } catch (e) {
    if (e instanceof EsxError) return { status: 'refused', output: '', error: e.message };
    return { status: 'broken', output: '', error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/** esxvirt's conversion of a case, through the library as the offline CLI does it. */
export function ourConversion(c: DiffCase): OurResult {
  if (c.direction === 'vmx2xml') return attempt(() => formatDomain(vmxToDomain(c.input, oracleConventionsContext(c.datacenterPath))));
  return attempt(() => domainToVmx(parseDomainXml(c.input), oracleConventionsContext(), { virtualHwVersion: c.hw }));
}

// uuid.bios and ethernetN.generatedAddress values found nowhere in the input were invented (at random) by the converter.
function maskInvented(vmx: string, input: Uint8Array): string {
  const inputHex = Buffer.from(input)
    .toString('latin1')
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '');
  return vmx.replace(/^(uuid\.bios|ethernet\d+\.generatedAddress) = "([^"\n]*)"$/gim, (line, key: string, value: string) => {
    const hex = value.toLowerCase().replace(/[^0-9a-f]/g, '');
    return hex.length >= 12 && !inputHex.includes(hex) ? `${key} = "(invented)"` : line;
  });
}

/** Compares the two results of a case. */
export function judge(c: DiffCase, ours: OurResult, oracle: OracleResult): Verdict {
  if (ours.status === 'broken') return { kind: 'disagree', why: `esxvirt broke: ${ours.error}` };
  if (oracle.status === 'refused' && ours.status === 'refused') return { kind: 'agree' };
  if (oracle.status === 'ok' && ours.status === 'ok') {
    const a = c.direction === 'xml2vmx' ? maskInvented(ours.output, c.input) : ours.output;
    const b = c.direction === 'xml2vmx' ? maskInvented(oracle.stdout, c.input) : oracle.stdout;
    if (a === b && oracle.utf8) return { kind: 'agree' };
    const known = classifyDifference(c, { ...ours, output: a }, { ...oracle, stdout: b });
    if (known) return { kind: 'known', difference: known };
    return { kind: 'disagree', why: `outputs differ: ${firstDifference(a, b)}` };
  }
  const known = classifyDifference(c, ours, oracle);
  if (known) return { kind: 'known', difference: known };
  if (oracle.status === 'crash') return { kind: 'disagree', why: `libvirt would crash (${oracle.error}); esxvirt ${ours.status}` };
  if (oracle.status === 'refused') return { kind: 'disagree', why: `libvirt refuses (${oracle.error}); esxvirt converts` };
  return { kind: 'disagree', why: `esxvirt refuses (${ours.error}); libvirt converts` };
}

/** The first differing line of two texts, for reports. */
export function firstDifference(ours: string, theirs: string): string {
  const a = ours.split('\n');
  const b = theirs.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: esxvirt ${JSON.stringify(a[i] ?? '(end)')} vs libvirt ${JSON.stringify(b[i] ?? '(end)')}`;
  }
  return 'identical';
}

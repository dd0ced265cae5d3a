/**
 * The libvirt VMX conformance corpus (vmx2xml/*.vmx, xml2vmx/*.xml and their expected outputs),
 * loaded once for the property tests, the fuzzer and the benchmarks.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One VMX → XML case: the VMX bytes and the `--vmx-path` its expected XML was made with. */
export interface VmxCase {
  name: string;
  bytes: Uint8Array;
  vmxPath: string;
  datacenterPath?: string;
}

/** One XML → VMX case with the virtualHW.version its expected VMX was made with. */
export interface XmlCase {
  name: string;
  text: string;
  hw: number;
}

/** The corpus: VMX inputs, XML inputs (both directions' XML files) and the VMX key vocabulary. */
export interface Corpus {
  dir: string;
  vmx: VmxCase[];
  xml: XmlCase[];
  /** The expected VMX outputs of the XML → VMX cases (more VMX seeds for mutation). */
  vmxOutputs: VmxCase[];
  /** Every key that occurs in the corpus VMX files, as written. */
  keys: string[];
}

const HERE = dirname(fileURLToPath(import.meta.url));

// Source and compiled layouts differ in depth (test/support vs dist/test/support).
function repoRoot(): string {
  let dir = HERE;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return resolve(HERE, '..', '..');
}

/** Where the corpus lives: $ESXVIRT_CONFORMANCE_DIR, else the copy in test/fixtures/libvirt-vmx (see its README). */
export function corpusDir(): string | undefined {
  const candidates = [process.env.ESXVIRT_CONFORMANCE_DIR, join(repoRoot(), 'test', 'fixtures', 'libvirt-vmx')];
  for (const c of candidates) if (c && existsSync(join(c, 'vmx2xml'))) return c;
  return undefined;
}

interface Manifest {
  vmx2xml?: { name: string; fail?: boolean }[];
  xml2vmx?: { in: string; out: string; hw: number }[];
}

/** The corpus for tests, which never run without it: it is part of the repository. */
export function requireCorpus(): Corpus {
  const corpus = loadCorpus();
  if (corpus === undefined) {
    throw new Error(
      `libvirt-vmx corpus not found in ${process.env.ESXVIRT_CONFORMANCE_DIR ?? join(repoRoot(), 'test', 'fixtures', 'libvirt-vmx')} (ESXVIRT_CONFORMANCE_DIR overrides)`,
    );
  }
  return corpus;
}

/** Reads the corpus; undefined when it is not available (benchmarks then generate stand-ins). */
export function loadCorpus(dir = corpusDir()): Corpus | undefined {
  if (dir === undefined) return undefined;
  const manifestPath = join(dir, 'manifest.json');
  const manifest: Manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest) : {};
  const vmxNames =
    manifest.vmx2xml?.map((c) => c.name) ??
    readdirSync(join(dir, 'vmx2xml'))
      .filter((f) => f.endsWith('.vmx'))
      .map((f) => f.slice(0, -4));
  const vmx: VmxCase[] = vmxNames.map((name) => {
    const c: VmxCase = { name, bytes: readFileSync(join(dir, 'vmx2xml', `${name}.vmx`)), vmxPath: `[datastore] directory/${name}.vmx` };
    if (name === 'datacenterpath') c.datacenterPath = 'folder1/folder2/datacenter1';
    return c;
  });
  const xml: XmlCase[] = [];
  const vmxOutputs: VmxCase[] = [];
  for (const c of manifest.xml2vmx ?? []) {
    xml.push({ name: `xml2vmx-${c.in}`, text: readFileSync(join(dir, 'xml2vmx', `xml2vmx-${c.in}.xml`), 'utf8'), hw: c.hw });
    const out = join(dir, 'xml2vmx', `xml2vmx-${c.out}.vmx`);
    if (existsSync(out))
      vmxOutputs.push({ name: `xml2vmx-${c.out}`, bytes: readFileSync(out), vmxPath: `[datastore] directory/${c.out}.vmx` });
  }
  // The expected outputs of vmx2xml are XML inputs too (libvirt's own formatting of real VMs).
  for (const name of vmxNames) {
    const p = join(dir, 'vmx2xml', `${name}.xml`);
    if (existsSync(p)) xml.push({ name: `vmx2xml-${name}`, text: readFileSync(p, 'utf8'), hw: 7 });
  }
  const keys = vmxKeys([...vmx, ...vmxOutputs].map((c) => Buffer.from(c.bytes).toString('latin1')));
  return { dir, vmx, xml, vmxOutputs, keys };
}

/** The distinct keys of `key = value` lines in the given VMX texts. */
export function vmxKeys(texts: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const t of texts) {
    for (const m of t.matchAll(/^[ \t]*([A-Za-z0-9_.:[\]-]+)[ \t]*=/gm)) keys.add(m[1] as string);
  }
  return [...keys].sort();
}

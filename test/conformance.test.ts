/**
 * libvirt 9.0's own VMX ⇄ domain XML cases (test/fixtures/libvirt-vmx, see its README): every case converts byte for
 * byte as libvirt writes it, with the conventions of libvirt's tests; and the team's shared check
 * (../shared/conformance/check.py), which runs them through bin/esxvirt and must pass too (in CI it must be there:
 * test/support/external.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import test from 'node:test';
import { formatDomain } from '../src/conf/domain/format-domain.js';
import { parseDomainXml } from '../src/conf/domain/parse-domain.js';
import { EsxError } from '../src/errors.js';
import { offlineContext, type VmxContext } from '../src/vmx/context.js';
import { domainToVmx } from '../src/vmx/domain-to-vmx.js';
import { vmxToDomain } from '../src/vmx/vmx-to-domain.js';
import { requireCorpus } from './support/corpus.js';
import { existing, external, runnable } from './support/external.js';

const ROOT = process.cwd();
const corpus = requireCorpus();
const manifest = JSON.parse(readFileSync(join(corpus.dir, 'manifest.json'), 'utf8')) as {
  vmx2xml: { name: string; fail?: boolean }[];
  xml2vmx: { in: string; out: string; hw: number }[];
};
/** libvirt's test treats a datastore called 'missing' (or a path starting with 'missing') as absent. */
const MISSING = /^\[missing\]|^\[[^\]]*\] missing/;

/** The context libvirt's vmx2xml test sets up; offline esxvirt takes every datastore to exist, so the test says which not. */
function libvirtTestContext(name: string): VmxContext {
  const offline = offlineContext({
    vmxPath: `[datastore] directory/${name}.vmx`,
    ...(name === 'datacenterpath' ? { datacenterPath: 'folder1/folder2/datacenter1' } : {}),
  });
  if (!name.includes('missing')) return offline;
  return {
    ...offline,
    parseFileName(fileName: string) {
      const src = offline.parseFileName(fileName);
      return src === undefined || MISSING.test(src) ? undefined : src;
    },
  };
}

test('the corpus is all there: every case of the manifest has its files', () => {
  assert.ok(
    manifest.vmx2xml.length >= 30 && manifest.xml2vmx.length >= 30,
    `${manifest.vmx2xml.length} + ${manifest.xml2vmx.length} cases`,
  );
  for (const c of manifest.vmx2xml) assert.ok(existsSync(join(corpus.dir, 'vmx2xml', `${c.name}.${c.fail ? 'vmx' : 'xml'}`)), c.name);
  for (const c of manifest.xml2vmx) assert.ok(existsSync(join(corpus.dir, 'xml2vmx', `xml2vmx-${c.out}.vmx`)), c.out);
});

// In process, as bin/esxvirt converts offline (src/cli/commands/domain/native.ts); the shared check below runs the CLI.
test('every vmx2xml case converts byte for byte as libvirt 9.0 (or is refused with one line, as libvirt refuses it)', () => {
  const failures: string[] = [];
  for (const c of manifest.vmx2xml) {
    const bytes = readFileSync(join(corpus.dir, 'vmx2xml', `${c.name}.vmx`));
    try {
      const got = formatDomain(vmxToDomain(bytes, libvirtTestContext(c.name)));
      if (c.fail) failures.push(`${c.name}: libvirt refuses it, esxvirt converted it`);
      else if (got !== readFileSync(join(corpus.dir, 'vmx2xml', `${c.name}.xml`), 'utf8'))
        failures.push(`${c.name}: output differs from libvirt's`);
    } catch (e) {
      if (!c.fail || !(e instanceof EsxError) || e.message.includes('\n')) failures.push(`${c.name}: ${String(e)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('every xml2vmx case converts byte for byte as libvirt 9.0', () => {
  const failures: string[] = [];
  for (const c of manifest.xml2vmx) {
    try {
      const def = parseDomainXml(readFileSync(join(corpus.dir, 'xml2vmx', `xml2vmx-${c.in}.xml`), 'utf8'));
      const got = domainToVmx(def, offlineContext({ defaultScsiModel: 'lsilogic' }), { virtualHwVersion: c.hw });
      if (got !== readFileSync(join(corpus.dir, 'xml2vmx', `xml2vmx-${c.out}.vmx`), 'utf8'))
        failures.push(`${c.in} (hw ${c.hw}): output differs from libvirt's`);
    } catch (e) {
      failures.push(`${c.in}: ${String(e)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test("the missing-datastore convention matters: without it a CD-ROM on datastore 'missing' keeps its source", () => {
  const name = 'cdrom-ide-file-missing-datastore';
  const bytes = readFileSync(join(corpus.dir, 'vmx2xml', `${name}.vmx`));
  assert.match(formatDomain(vmxToDomain(bytes, offlineContext({ vmxPath: `[datastore] directory/${name}.vmx` }))), /\[missing\] /);
  assert.doesNotMatch(formatDomain(vmxToDomain(bytes, libvirtTestContext(name))), /\[missing\] /);
});

const sharedCheck = external(
  'the shared conformance check (../shared/conformance/check.py, run by python3)',
  () => (runnable('python3') ? existing(resolve(ROOT, '..', 'shared', 'conformance', 'check.py')) : undefined),
  "the team's shared folder beside the checkout, and python3",
);

test('the shared conformance check passes: every case', sharedCheck.options, () => {
  const check = sharedCheck.value();
  const r = spawnSync('python3', [check, join(ROOT, 'bin', 'esxvirt'), '-v', '--min', '1'], { encoding: 'utf8', timeout: 300_000 });
  const summary = r.stdout.trim().split('\n').pop() ?? '';
  assert.equal(r.status, 0, `conformance check failed:\n${r.stdout}${r.stderr}`);
  const m = /total (\d+)\/(\d+)/.exec(summary);
  assert.ok(m && m[1] === m[2] && Number(m[2]) > 0, summary);
});

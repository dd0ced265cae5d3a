// One golden pair per conversion rule (test/fixtures/golden), plus error cases that must
// fail with a one-line message naming the entry or element at fault.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { EsxError } from '../errors.js';
import { formatDomain } from '../conf/domain/format-domain.js';
import { parseDomainXml } from '../conf/domain/parse-domain.js';
import { offlineContext } from './context.js';
import { domainToVmx } from './domain-to-vmx.js';
import { vmxToDomain } from './vmx-to-domain.js';

const root = join(process.cwd(), 'test/fixtures/golden');
const list = (dir: string, ext: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(ext))
    .sort();

for (const f of list('vmx2xml', '.vmx')) {
  test(`vmx2xml golden: ${f}`, () => {
    const warnings: string[] = [];
    const ctx = offlineContext({ vmxPath: '[ds] dir/rule.vmx', warn: (m) => warnings.push(m) });
    const got = formatDomain(vmxToDomain(readFileSync(join(root, 'vmx2xml', f)), ctx));
    assert.equal(got, readFileSync(join(root, 'vmx2xml', f.replace(/\.vmx$/, '.xml')), 'utf8'));
    if (f.startsWith('encoding-')) assert.match(warnings.join('\n'), /converted from charset/);
    if (f.startsWith('invalid-utf8')) assert.match(warnings.join('\n'), /not valid UTF-8: invalid bytes were replaced by U\+FFFD/);
    if (f.includes('duplicates')) assert.match(warnings.join('\n'), /duplicate VMX key 'MEMSIZE'.*first one wins/);
  });
}

for (const f of list('xml2vmx', '.xml')) {
  test(`xml2vmx golden: ${f}`, () => {
    const hw = f.includes('hw4') ? 4 : 7;
    // as bytes: the XML declaration's encoding applies
    const def = parseDomainXml(readFileSync(join(root, 'xml2vmx', f)));
    const got = domainToVmx(def, offlineContext({ defaultScsiModel: 'lsilogic' }), { virtualHwVersion: hw });
    assert.equal(got, readFileSync(join(root, 'xml2vmx', f.replace(/\.xml$/, '.vmx')), 'utf8'));
  });
}

for (const f of [...list('errors', '.vmx'), ...list('errors', '.xml')]) {
  test(`error case: ${f}`, () => {
    const input = readFileSync(join(root, 'errors', f));
    const expected = readFileSync(join(root, 'errors', f.replace(/\.(vmx|xml)$/, '.err')), 'utf8').trim();
    const ctx = offlineContext({ vmxPath: '[ds] dir/rule.vmx' });
    assert.throws(
      () => (f.endsWith('.vmx') ? vmxToDomain(input, ctx) : domainToVmx(parseDomainXml(input), ctx, { virtualHwVersion: 7 })),
      (e: unknown) => {
        assert.ok(e instanceof EsxError, `expected an EsxError, got ${String(e)}`);
        assert.ok(e.message.includes(expected), `message '${e.message}' should name ${expected}`);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      },
    );
  });
}

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tls from 'node:tls';
import { InvalidArgumentError } from '../errors.js';
import { makeSelfSignedCert } from '../../test/helpers/tls-cert.js';
import { buildTlsSettings, formatThumbprint, parseThumbprint } from './tls-options.js';

const SHA1 = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01';

test('parseThumbprint accepts SHA-1 and SHA-256 with or without colons, any case', () => {
  assert.deepEqual(parseThumbprint(SHA1), { algorithm: 'sha1', hex: SHA1.replace(/:/g, '') });
  assert.deepEqual(parseThumbprint(SHA1.toLowerCase().replace(/:/g, '')), { algorithm: 'sha1', hex: SHA1.replace(/:/g, '') });
  const sha256 = 'a'.repeat(64);
  assert.deepEqual(parseThumbprint(` ${sha256} `), { algorithm: 'sha256', hex: 'A'.repeat(64) });
});

test('parseThumbprint rejects other lengths and non-hex with InvalidArgumentError', () => {
  assert.throws(
    () => parseThumbprint('AB:CD'),
    (e: unknown) => e instanceof InvalidArgumentError && /SHA-1 \(20 bytes\) or SHA-256 \(32 bytes\).*got 2 bytes/.test(e.message),
  );
  assert.throws(() => parseThumbprint('ZZ'.repeat(20)), /expected hex pairs/);
  assert.throws(() => parseThumbprint(''), /got 0 bytes/);
});

test('formatThumbprint gives vSphere form', () => {
  assert.equal(formatThumbprint('abcdef01'), 'AB:CD:EF:01');
});

test('buildTlsSettings: verification stays on by default', () => {
  const s = buildTlsSettings({});
  assert.equal(s.connectOptions.rejectUnauthorized, undefined);
  assert.equal(s.connectOptions.ca, undefined);
  assert.deepEqual(s.pins, []);
});

test('buildTlsSettings: pins replace chain verification, noVerify drops everything', () => {
  const pinned = buildTlsSettings({ thumbprint: [SHA1] });
  assert.equal(pinned.connectOptions.rejectUnauthorized, false);
  assert.equal(pinned.pins.length, 1);
  const off = buildTlsSettings({ noVerify: true, thumbprint: SHA1 });
  assert.equal(off.connectOptions.rejectUnauthorized, false);
  assert.deepEqual(off.pins, []);
});

test('buildTlsSettings: caFile adds to the default store or replaces it', () => {
  const cert = makeSelfSignedCert();
  try {
    const added = buildTlsSettings({ caFile: cert.certFile });
    const ca = added.connectOptions.ca as string[];
    assert.ok(ca.length > tls.rootCertificates.length);
    assert.equal(ca.at(-1), cert.cert);
    assert.deepEqual(buildTlsSettings({ caFile: cert.certFile, caMode: 'replace' }).connectOptions.ca, [cert.cert]);
  } finally {
    cert.cleanup();
  }
});

test('buildTlsSettings: unreadable or non-PEM CA files are InvalidArgumentError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-ca-'));
  try {
    assert.throws(
      () => buildTlsSettings({ caFile: join(dir, 'missing.pem') }),
      (e: unknown) => e instanceof InvalidArgumentError && /cannot read CA file .*ENOENT/.test(e.message),
    );
    writeFileSync(join(dir, 'junk.pem'), 'hello');
    assert.throws(() => buildTlsSettings({ caFile: join(dir, 'junk.pem') }), /contains no PEM certificate/);
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n');
    assert.throws(() => buildTlsSettings({ caFile: join(dir, 'broken.pem') }), /not a valid PEM certificate list/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Throw-away certificates for TLS tests, made with the openssl CLI at test time (nothing to expire in the repo).
 * Fingerprints come from openssl too, so pin tests do not trust the code under test to compute them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate with its key, files and fingerprints (upper-case, colon-separated). */
export interface TestCert {
  readonly keyFile: string;
  readonly certFile: string;
  readonly key: string;
  readonly cert: string;
  readonly sha1: string;
  readonly sha256: string;
  /** Removes the temporary directory. */
  cleanup(): void;
}

/** Creates a self-signed P-256 certificate; `altNames` in openssl syntax (default IP:127.0.0.1,DNS:localhost). */
export function makeSelfSignedCert(altNames = 'IP:127.0.0.1,DNS:localhost'): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=esxvirt-test',
      '-addext',
      `subjectAltName=${altNames}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const fingerprint = (alg: string): string => {
    const out = execFileSync('openssl', ['x509', '-noout', '-fingerprint', `-${alg}`, '-in', certFile], { encoding: 'utf8' });
    const value = out.trim().split('=')[1];
    if (value === undefined) throw new Error(`unexpected openssl output: ${out}`);
    return value.toUpperCase();
  };
  return {
    keyFile,
    certFile,
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    sha1: fingerprint('sha1'),
    sha256: fingerprint('sha256'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

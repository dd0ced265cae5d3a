/**
 * TLS verification policy: system store by default, an extra or exclusive CA file, no_verify, and thumbprint pinning
 * (the way vSphere shows certificates: SHA-1 or SHA-256 as colon-separated hex pairs).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { InvalidArgumentError, TlsError } from '../errors.js';

/** How a CA file combines with node's default store: added to it, or trusted instead of it. */
export type CaMode = 'add' | 'replace';

/** Caller-facing verification options (the no_verify URI parameter, a CA file, pinned thumbprints). */
export interface TlsVerifyOptions {
  /** Skip every check, pins included (libvirt's no_verify=1). */
  noVerify?: boolean;
  /** PEM file with one or more certificates to trust. */
  caFile?: string;
  /** Default 'add': the file extends node's default store (NODE_EXTRA_CA_CERTS included). */
  caMode?: CaMode;
  /** Pinned SHA-1/SHA-256 fingerprint(s); a matching certificate is accepted even if self-signed, others refused. */
  thumbprint?: string | readonly string[];
}

/** A normalised pin: algorithm by length, hex upper-case without separators. */
export interface Thumbprint {
  readonly algorithm: 'sha1' | 'sha256';
  readonly hex: string;
}

/** What the agent needs: options for tls.connect and the pins to check after the handshake. */
export interface TlsSettings {
  readonly connectOptions: tls.ConnectionOptions;
  readonly pins: readonly Thumbprint[];
}

/** Parses a fingerprint like `AB:CD:…` or `abcd…` (40 hex digits = SHA-1, 64 = SHA-256). */
export function parseThumbprint(value: string): Thumbprint {
  const hex = value.trim().replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]*$/.test(hex)) {
    throw new InvalidArgumentError(`invalid thumbprint '${value}': expected hex pairs separated by ':'`);
  }
  if (hex.length === 40) return { algorithm: 'sha1', hex };
  if (hex.length === 64) return { algorithm: 'sha256', hex };
  throw new InvalidArgumentError(
    `invalid thumbprint '${value}': expected a SHA-1 (20 bytes) or SHA-256 (32 bytes) fingerprint, got ${hex.length / 2} bytes`,
  );
}

/** Formats hex as vSphere shows thumbprints: upper-case pairs joined by ':'. */
export function formatThumbprint(hex: string): string {
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

/** Builds tls.connect options and pins from the caller's options; reads and checks the CA file now. */
export function buildTlsSettings(opts: TlsVerifyOptions): TlsSettings {
  const list = opts.thumbprint === undefined ? [] : typeof opts.thumbprint === 'string' ? [opts.thumbprint] : opts.thumbprint;
  const pins = list.map(parseThumbprint);
  const connectOptions: tls.ConnectionOptions = {};
  if (opts.caFile !== undefined) connectOptions.ca = loadCa(opts.caFile, opts.caMode ?? 'add');
  // Pinned certificates are typically self-signed: the chain check is replaced by the pin check after the handshake.
  if (opts.noVerify === true || pins.length > 0) {
    connectOptions.rejectUnauthorized = false;
    // No chain is checked, so no CA store needs building (node's takes ~20 ms per process).
    connectOptions.ca ??= [];
  } else if (opts.caFile === undefined && deferredExtraCa() !== undefined) {
    // bin/esxvirt moved NODE_EXTRA_CA_CERTS aside (node parses it at every start); trust it here as node would.
    connectOptions.ca = [...tls.rootCertificates, ...extraCaCerts()];
  }
  return { connectOptions, pins: opts.noVerify === true ? [] : pins };
}

function loadCa(file: string, mode: CaMode): string[] {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'read error';
    throw new InvalidArgumentError(`cannot read CA file '${file}' (${code})`, { cause: e });
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InvalidArgumentError(`CA file '${file}' contains no PEM certificate`);
  }
  // tls silently skips certificates it cannot parse, which would surface later as a puzzling verification failure.
  for (const block of pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []) {
    try {
      new X509Certificate(block);
    } catch (e) {
      throw new InvalidArgumentError(`CA file '${file}' is not a valid PEM certificate list: ${(e as Error).message}`, { cause: e });
    }
  }
  return mode === 'replace' ? [pem] : [...tls.rootCertificates, ...extraCaCerts(), pem];
}

/**
 * The extra CA file bin/esxvirt took out of NODE_EXTRA_CA_CERTS before starting node (which would
 * otherwise parse it at start-up, ~40 ms for a system bundle, even for runs that verify nothing).
 */
function deferredExtraCa(): string | undefined {
  const file = process.env['ESXVIRT_EXTRA_CA_CERTS'];
  return file === undefined || file === '' ? undefined : file;
}

// Passing `ca` replaces node's default store, which includes NODE_EXTRA_CA_CERTS; node 20 has no API to read the
// combined store, so the extra file is read again to keep "add" meaning "in addition to what node trusts".
function extraCaCerts(): string[] {
  const file = deferredExtraCa() ?? process.env['NODE_EXTRA_CA_CERTS'];
  if (file === undefined || file === '') return [];
  try {
    return [readFileSync(file, 'utf8')];
  } catch {
    return [];
  }
}

/** Checks the peer certificate of an established socket against the pins; returns the TlsError to fail with, if any. */
export function checkPinnedCertificate(socket: tls.TLSSocket, pins: readonly Thumbprint[], target: string): TlsError | undefined {
  if (pins.length === 0) return undefined;
  const cert = socket.getPeerCertificate();
  const sha1 = (cert.fingerprint ?? '').replace(/:/g, '').toUpperCase();
  const sha256 = (cert.fingerprint256 ?? '').replace(/:/g, '').toUpperCase();
  if (sha1 === '' && sha256 === '')
    return new TlsError(`TLS server ${target} presented no certificate to check against the pinned thumbprint`);
  const ok = pins.some((p) => p.hex === (p.algorithm === 'sha1' ? sha1 : sha256));
  if (ok) return undefined;
  const algorithms = [...new Set(pins.map((p) => p.algorithm))];
  const actual = algorithms
    .map((a) => `${a === 'sha1' ? 'SHA-1' : 'SHA-256'} ${formatThumbprint(a === 'sha1' ? sha1 : sha256)}`)
    .join(', ');
  return new TlsError(
    `TLS certificate of ${target} does not match the pinned thumbprint (server has ${actual}; check the pin, or connect with no_verify=1 to skip verification)`,
  );
}

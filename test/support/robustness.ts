/**
 * The robustness contract of the converter, as one check per input kind: every public entry
 * point either succeeds or throws an EsxError; anything else (TypeError, RangeError, a thrown
 * string …) is a failure. Shared by the property tests and bench/fuzz.ts.
 */
import { EsxError } from '../../src/errors.js';
import type { DomainDef } from '../../src/conf/domain/domain-def.js';
import { formatDomain } from '../../src/conf/domain/format-domain.js';
import { parseDomainXml } from '../../src/conf/domain/parse-domain.js';
import { offlineContext } from '../../src/vmx/context.js';
import { domainToVmx } from '../../src/vmx/domain-to-vmx.js';
import { vmxToDomain } from '../../src/vmx/vmx-to-domain.js';

/** What one check found: how far the input got, and the failure if the contract broke. */
export interface CheckResult {
  /** 'ok' when every stage succeeded, else the EsxError code that stopped it. */
  outcome: string;
  /** Set when a stage threw something other than an EsxError. */
  failure?: { stage: string; error: unknown };
}

const VMX_CTX = offlineContext({ vmxPath: '[datastore] directory/fuzz.vmx', defaultScsiModel: 'lsilogic' });
const XML_CTX = offlineContext({ defaultScsiModel: 'lsilogic' });

class Broken extends Error {
  constructor(
    readonly stage: string,
    readonly error: unknown,
  ) {
    super(stage);
  }
}

function stage<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EsxError) throw e;
    throw new Broken(name, e);
  }
}

function run(body: () => void): CheckResult {
  try {
    body();
    return { outcome: 'ok' };
  } catch (e) {
    if (e instanceof Broken) return { outcome: 'failure', failure: { stage: e.stage, error: e.error } };
    if (e instanceof EsxError) {
      // An EsxError must still honour its own contract: a stable code and a one-line message.
      if (!e.code || !e.message || /[\r\n]/.test(e.message)) {
        return { outcome: 'failure', failure: { stage: 'error-shape', error: e } };
      }
      return { outcome: e.code };
    }
    return { outcome: 'failure', failure: { stage: 'harness', error: e } };
  }
}

// A domain the converter produced must survive the rest of the pipeline, or refuse with an EsxError.
function followDomain(def: DomainDef, hw: number): void {
  stage('domainToVmx(vmxToDomain result)', () => domainToVmx(def, XML_CTX, { virtualHwVersion: hw }));
  const xml = stage('formatDomain', () => formatDomain(def));
  const def2 = stage('parseDomainXml(formatDomain result)', () => parseDomainXml(xml));
  stage('domainToVmx(parsed XML)', () => domainToVmx(def2, XML_CTX, { virtualHwVersion: hw }));
}

/** VMX text or bytes → domain → XML → domain → VMX. */
export function checkVmx(input: string | Uint8Array, hw = 7): CheckResult {
  return run(() => {
    const def = stage('vmxToDomain', () => vmxToDomain(input, VMX_CTX));
    followDomain(def, hw);
  });
}

/** XML text → domain → VMX → domain → XML. */
export function checkXml(text: string, hw = 7): CheckResult {
  return run(() => {
    const def = stage('parseDomainXml', () => parseDomainXml(text));
    const vmx = stage('domainToVmx', () => domainToVmx(def, XML_CTX, { virtualHwVersion: hw }));
    const def2 = stage('vmxToDomain(domainToVmx result)', () => vmxToDomain(vmx, VMX_CTX));
    stage('formatDomain(vmxToDomain result)', () => formatDomain(def2));
  });
}

/** A DomainDef built by hand (not from XML) → VMX → domain → XML. */
export function checkDomain(def: DomainDef, hw = 7): CheckResult {
  return run(() => {
    const vmx = stage('domainToVmx', () => domainToVmx(def, XML_CTX, { virtualHwVersion: hw }));
    stage('formatDomain', () => formatDomain(def));
    const def2 = stage('vmxToDomain(domainToVmx result)', () => vmxToDomain(vmx, VMX_CTX));
    stage('formatDomain(vmxToDomain result)', () => formatDomain(def2));
  });
}

/** One line describing a failure, with the error's class and message. */
export function describeFailure(f: NonNullable<CheckResult['failure']>): string {
  const e = f.error;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : `non-Error thrown: ${String(e)}`;
  return `${f.stage} threw ${what}`;
}

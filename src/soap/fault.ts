/**
 * SOAP faults → FaultError. The fault type is the detail element's xsi:type, or its
 * element name without the `Fault` suffix (ESX writes `<InvalidLoginFault xsi:type="InvalidLogin">`,
 * vcsim the same with another prefix). A fault without detail keeps its faultcode as type.
 */
import { FaultError } from '../errors.js';

/** The parts of a `soapenv:Fault` the decoder collects. */
export interface SoapFaultParts {
  faultCode: string;
  faultString: string;
  /** Fault type named by the detail's first element, if there was one. */
  detailType?: string;
  /** The decoded detail object (with `_type`), when the schema declares its type. */
  detail?: unknown;
}

/** The fault type a detail element denotes: its xsi:type local name, else its name minus 'Fault'. */
export function faultTypeOf(elementLocalName: string, xsiTypeLocalName: string | undefined): string {
  if (xsiTypeLocalName) return xsiTypeLocalName;
  return elementLocalName.endsWith('Fault') && elementLocalName.length > 5 ? elementLocalName.slice(0, -5) : elementLocalName;
}

/** Builds the FaultError for a decoded SOAP fault. */
export function faultToError(parts: SoapFaultParts, status?: number): FaultError {
  const code = parts.faultCode.trim();
  const faultType = parts.detailType ?? (code.slice(code.indexOf(':') + 1) || 'SoapFault');
  const options: { status?: number; detail?: unknown } = { detail: parts.detail };
  if (status !== undefined) options.status = status;
  return new FaultError(faultType, parts.faultString.trim(), options);
}

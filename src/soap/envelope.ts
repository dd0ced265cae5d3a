/** SOAP 1.1 envelope framing and the namespaces the codec resolves prefixes against. */

/** SOAP 1.1 envelope namespace. */
export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** XML Schema namespace: xsi:type values such as xsd:string resolve to it. */
export const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
/** XML Schema instance namespace: the `type` and `nil` attributes live here. */
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}" xmlns:xsd="${XSD_NS}" xmlns:xsi="${XSI_NS}">` +
  '<soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

/**
 * Wraps an already-encoded body element in a request envelope. The body may use the
 * prefixes `xsd` and `xsi`, which the envelope binds.
 */
export function wrapEnvelope(bodyXml: string): string {
  return ENVELOPE_OPEN + bodyXml + ENVELOPE_CLOSE;
}

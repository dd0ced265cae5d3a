/**
 * The generic SOAP XML codec: schema-driven request encoding and streaming response
 * decoding. This barrel is the codec's public surface.
 */
export { encodeRequest } from './codec-encode.js';
export { decodeResponse, decodeResponseText, type DecodeOptions, type SoapSource } from './codec-decode.js';
export { createSoapCaller, type SoapHttpResponse, type SoapPost, type SoapRequest } from './codec-caller.js';
export { compileSchema, arrayTypeName, MOR_TYPE } from './codec-schema.js';
export { faultToError, faultTypeOf, type SoapFaultParts } from './fault.js';
export { SOAP_ENV_NS, XSD_NS, XSI_NS, wrapEnvelope } from './envelope.js';
export { escapeXmlAttr, escapeXmlText, assertXmlChars } from './xml-escape.js';
export type {
  BoxedValue,
  DataObject,
  ManagedObjectReference,
  MemberSchema,
  MethodSchema,
  ObjectSchema,
  PrimitiveTypeName,
  ReturnSpec,
  Schema,
  SoapCaller,
} from './schema-types.js';

/**
 * Glue between the codec and any transport: a SoapCaller that encodes with the
 * schema, hands the envelope to `post`, and decodes what comes back. The transport
 * owns HTTP concerns (SOAPAction, cookies, TLS, retries); this owns the XML.
 */
import { encodeRequest } from './codec-encode.js';
import { decodeResponse, type SoapSource } from './codec-decode.js';
import type { ManagedObjectReference, ReturnSpec, Schema, SoapCaller } from './schema-types.js';

/** One request handed to the transport. */
export interface SoapRequest {
  /** Wire method name, e.g. 'RetrievePropertiesEx' (for SOAPAction-independent logging). */
  method: string;
  /** The complete envelope, UTF-8 text. */
  body: string;
}

/** What the transport got back: HTTP status and the body, whole or streamed. */
export interface SoapHttpResponse {
  status: number;
  body: SoapSource;
}

/** Sends one request envelope and returns the raw response. */
export type SoapPost = (request: SoapRequest) => Promise<SoapHttpResponse>;

/** Builds a SoapCaller for `schema` on top of a transport's `post` function. */
export function createSoapCaller(schema: Schema, post: SoapPost): SoapCaller {
  return {
    async invoke(
      method: string,
      thisRef: ManagedObjectReference,
      params: Readonly<Record<string, unknown>>,
      returns: ReturnSpec | undefined,
    ): Promise<unknown> {
      const body = encodeRequest(schema, method, thisRef, params);
      const res = await post({ method, body });
      return decodeResponse(schema, returns, res.body, { status: res.status, method });
    },
  };
}

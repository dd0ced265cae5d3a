/**
 * Streaming response decoder. A push parser made for SOAP (xml-tokenizer.ts) feeds a stack of
 * frames; only elements the schema declares become values, everything else (servers
 * newer than our declaration) is skipped by counting depth, so no object is built for it.
 *
 * Types come from the declaration, overridden by `xsi:type` resolved by namespace URI
 * (ESX binds `xsi`, vcsim `XMLSchema-instance`). ArrayOfX items need no xsi:type of
 * their own. Decoded data objects carry `_type`; references are {type, value}.
 */
import { EsxError, HttpError, OperationError } from '../errors.js';
import { compileSchema, MOR_TYPE, PRIMITIVES, type CompiledObject, type CompiledSchema } from './codec-schema.js';
import { parsePrimitive, XSD_ALIASES } from './codec-primitives.js';
import { SOAP_ENV_NS, XSD_NS, XSI_NS } from './envelope.js';
import { faultToError, faultTypeOf, type SoapFaultParts } from './fault.js';
import type { MemberSchema, ReturnSpec, Schema } from './schema-types.js';
import { XmlLimitError, XmlTokenizer, type XmlTag } from './xml-tokenizer.js';

/** A response body: whole text, whole bytes, or a stream of chunks (e.g. a Node Readable). */
export type SoapSource = string | Uint8Array | AsyncIterable<Uint8Array | string>;

/** Context for decoding: the HTTP status (to tell faults and HTTP errors apart) and the method, for messages. */
export interface DecodeOptions {
  status?: number;
  method?: string;
  /** Bounds on the response (default SOAP_LIMITS). */
  limits?: SoapLimits;
}

/** Bounds on one SOAP response. */
export interface SoapLimits {
  /** Largest response body, in bytes. */
  maxBytes: number;
  /** Deepest element nesting. */
  maxDepth: number;
  /** Longest text value or tag, in characters. */
  maxTokenChars: number;
}

/**
 * Default bounds: 1 GiB per response (a paged listing of 10,000 VMs is a few MB a page), nesting 200 deep (vSphere
 * data objects nest a few dozen levels at most), 64 Mi characters per value.
 */
export const SOAP_LIMITS: SoapLimits = { maxBytes: 1024 ** 3, maxDepth: 200, maxTokenChars: 64 * 1024 * 1024 };

const ROOT = 0;
const ENVELOPE = 1;
const BODY = 2;
const RESPONSE = 3;
const OBJECT = 4;
const TEXT = 5;
const MOR = 6;
const ARRAY = 7;
const FAULT = 8;
const DETAIL = 9;

interface Frame {
  kind: number;
  local: string;
  /** Where the value goes in the parent object, when the parent is an object. */
  member: MemberSchema | undefined;
  /** OBJECT: the type being filled. */
  obj: CompiledObject | undefined;
  /** TEXT: primitive to parse as; ARRAY: item type. */
  prim: string;
  value: unknown;
  text: string;
  morType: string;
}

class NotSoapError extends Error {}

const HEAD_KEEP = 200;

/** Decodes a whole response held in memory; see decodeResponse. */
export function decodeResponseText(
  schema: Schema,
  returns: ReturnSpec | undefined,
  text: string | Uint8Array,
  options: DecodeOptions = {},
): unknown {
  const d = new ResponseDecoder(compileSchema(schema), returns, options);
  try {
    const maxBytes = (options.limits ?? SOAP_LIMITS).maxBytes;
    if (text.length > maxBytes) throw new XmlLimitError(`the response is larger than the limit of ${maxBytes} bytes`);
    d.write(typeof text === 'string' ? text : new TextDecoder().decode(text));
    d.close();
  } catch (e) {
    throw d.wrapError(e);
  }
  return d.finish();
}

/**
 * Decodes a SOAP response into the method's return value: a value, an array for list
 * returns ([] when none), or undefined for void/absent optional returns. Throws
 * FaultError for a SOAP fault, HttpError for an HTTP error status without a SOAP
 * envelope, OperationError for a malformed body.
 */
export async function decodeResponse(
  schema: Schema,
  returns: ReturnSpec | undefined,
  source: SoapSource,
  options: DecodeOptions = {},
): Promise<unknown> {
  if (typeof source === 'string' || source instanceof Uint8Array) return decodeResponseText(schema, returns, source, options);
  const d = new ResponseDecoder(compileSchema(schema), returns, options);
  const maxBytes = (options.limits ?? SOAP_LIMITS).maxBytes;
  let total = 0;
  // Replacement characters rather than a hard failure: one odd byte in a VM name should not lose a whole inventory listing.
  const utf8 = new TextDecoder('utf-8');
  // Bytes are gathered and scanned in slices of at least 1 MiB: one page of a listing (~400 KB for
  // 1,000 VMs) is then one pass over one flat string, which is cheaper than many small ones.
  const SLICE = 1 << 20;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const flush = (final: boolean): void => {
    if (heldBytes > 0)
      d.write(utf8.decode(held.length === 1 ? (held[0] as Uint8Array) : Buffer.concat(held, heldBytes), { stream: !final }));
    else if (final) d.write(utf8.decode());
    held = [];
    heldBytes = 0;
  };
  try {
    for await (const chunk of source) {
      if (typeof chunk === 'string') {
        flush(false);
        total += chunk.length;
        if (total > maxBytes) throw new XmlLimitError(`the response is larger than the limit of ${maxBytes} bytes`);
        d.write(chunk);
        continue;
      }
      held.push(chunk);
      heldBytes += chunk.byteLength;
      total += chunk.byteLength;
      if (total > maxBytes) throw new XmlLimitError(`the response is larger than the limit of ${maxBytes} bytes`);
      if (heldBytes >= SLICE) flush(false);
    }
    flush(true);
    d.close();
  } catch (e) {
    throw d.wrapError(e);
  }
  return d.finish();
}

class ResponseDecoder {
  private readonly parser: XmlTokenizer;
  private readonly stack: Frame[] = [frame(ROOT, '', undefined)];
  private skip = 0;
  private sawResponse = false;
  private head = '';
  private fault: SoapFaultParts | undefined;
  private readonly results: unknown[] = [];

  constructor(
    private readonly cs: CompiledSchema,
    private readonly returns: ReturnSpec | undefined,
    private readonly options: DecodeOptions,
  ) {
    const limits = options.limits ?? SOAP_LIMITS;
    this.maxText = limits.maxTokenChars;
    this.parser = new XmlTokenizer(
      { opentag: (tag) => this.open(tag), closetag: () => this.close1(), text: (t) => this.text(t) },
      { maxDepth: limits.maxDepth, maxTokenChars: limits.maxTokenChars },
    );
  }

  private readonly maxText: number;

  write(chunk: string): void {
    if (this.head.length < HEAD_KEEP) this.head += chunk.slice(0, HEAD_KEEP - this.head.length);
    this.parser.write(chunk);
  }

  close(): void {
    this.parser.close();
  }

  /** Turns a parser or structure failure into the error the caller should see. */
  wrapError(e: unknown): Error {
    if (e instanceof EsxError) return e;
    if (e instanceof XmlLimitError) return new OperationError(`SOAP response${this.forMethod()} refused: ${e.message}`, { cause: e });
    const status = this.options.status;
    if (status !== undefined && status >= 400) return this.httpError(status);
    const why = e instanceof NotSoapError ? e.message : `invalid XML (${e instanceof Error ? e.message : String(e)})`;
    return new OperationError(`malformed SOAP response${this.forMethod()}: ${why}`, { cause: e });
  }

  finish(): unknown {
    const status = this.options.status;
    if (this.fault) throw faultToError(this.fault, status);
    if (status !== undefined && status >= 400) throw this.httpError(status);
    const r = this.returns;
    if (!r) return undefined;
    if (r.list) return this.results;
    if (this.results.length === 0 && r.required) {
      throw new OperationError(`malformed SOAP response${this.forMethod()}: the required return value is missing`);
    }
    return this.results[0];
  }

  private open(tag: XmlTag): void {
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    const top = this.top();
    switch (top.kind) {
      case OBJECT: {
        const m = top.obj?.byName.get(tag.local);
        if (m) this.openValue(m.type, m, tag);
        else this.skip = 1;
        return;
      }
      case ARRAY:
        this.openValue(top.prim, undefined, tag);
        return;
      case RESPONSE:
        if (tag.local === 'returnval' && this.returns) this.openValue(this.returns.type, undefined, tag);
        else this.skip = 1;
        return;
      case ROOT:
        if (tag.uri !== SOAP_ENV_NS || tag.local !== 'Envelope')
          throw new NotSoapError(`root element is <${tag.name}>, not a SOAP envelope`);
        this.push(frame(ENVELOPE, tag.local, undefined));
        return;
      case ENVELOPE:
        if (tag.uri === SOAP_ENV_NS && tag.local === 'Body') this.push(frame(BODY, tag.local, undefined));
        else this.skip = 1;
        return;
      case BODY:
        if (tag.uri === SOAP_ENV_NS && tag.local === 'Fault') {
          this.fault = { faultCode: '', faultString: '' };
          this.push(frame(FAULT, tag.local, undefined));
        } else if (!this.sawResponse && !this.fault) {
          this.sawResponse = true;
          this.push(frame(RESPONSE, tag.local, undefined));
        } else {
          this.skip = 1;
        }
        return;
      case FAULT:
        if (tag.local === 'faultcode' || tag.local === 'faultstring') this.push(frame(TEXT, tag.local, undefined, 'string'));
        else if (tag.local === 'detail') this.push(frame(DETAIL, tag.local, undefined));
        else this.skip = 1;
        return;
      case DETAIL:
        this.openDetail(tag);
        return;
      default:
        this.skip = 1;
    }
  }

  private openDetail(tag: XmlTag): void {
    const fault = this.fault;
    if (!fault || fault.detailType !== undefined) {
      this.skip = 1;
      return;
    }
    const xsi = this.xsiType(tag);
    const type = faultTypeOf(tag.local, xsi?.uri === XSD_NS ? undefined : xsi?.local);
    fault.detailType = type;
    const obj = this.cs.objects.get(type);
    if (obj) {
      this.push(frame(OBJECT, tag.local, undefined, '', obj, { _type: type }));
    } else {
      fault.detail = { _type: type };
      this.skip = 1;
    }
  }

  /** Starts a value of declared type `declType`, or skips it when neither it nor its xsi:type is known. */
  private openValue(declType: string, member: MemberSchema | undefined, tag: XmlTag): void {
    let type = declType;
    let morType = '';
    let xsiValue: string | undefined;
    const attrs = tag.attributes;
    for (const key in attrs) {
      const a = attrs[key];
      if (a === undefined) continue;
      if (a.uri === XSI_NS) {
        if (a.local === 'type') xsiValue = a.value;
        else if (a.local === 'nil' && (a.value === 'true' || a.value === '1')) {
          this.skip = 1;
          return;
        }
      } else if (a.uri === '' && a.local === 'type') {
        morType = a.value;
      }
    }
    let wire: string | undefined;
    if (xsiValue !== undefined) {
      const q = this.resolveQName(xsiValue);
      if (q.uri === XSD_NS) type = XSD_ALIASES[q.local] ?? (PRIMITIVES.has(q.local) ? q.local : 'string');
      else type = wire = q.local;
    }
    const cs = this.cs;
    switch (cs.kindOf(type)) {
      case 'primitive':
        this.push(
          type === MOR_TYPE ? frame(MOR, tag.local, member, '', undefined, undefined, morType) : frame(TEXT, tag.local, member, type),
        );
        return;
      case 'enum':
        this.push(frame(TEXT, tag.local, member, 'string'));
        return;
      case 'object':
        this.push(frame(OBJECT, tag.local, member, '', cs.objects.get(type), { _type: type }));
        return;
      case 'array':
        this.push(frame(ARRAY, tag.local, member, cs.arrayItem(type) ?? 'anyType', undefined, []));
        return;
      default: {
        // A subtype newer than our declaration: keep what the declared base type knows, and the true name.
        const base = wire !== undefined ? cs.objects.get(declType) : undefined;
        if (base) this.push(frame(OBJECT, tag.local, member, '', base, { _type: wire }));
        else this.skip = 1;
      }
    }
  }

  private close1(): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const f = this.stack.pop();
    if (!f) return;
    let value: unknown;
    switch (f.kind) {
      case TEXT:
        value = parsePrimitive(f.prim, f.text, f.local);
        break;
      case MOR:
        value = { type: f.morType, value: f.text };
        break;
      case OBJECT: {
        const o = f.value as Record<string, unknown>;
        for (const name of f.obj?.requiredLists ?? []) if (o[name] === undefined) o[name] = [];
        value = o;
        break;
      }
      case ARRAY:
        value = f.value;
        break;
      default:
        return;
    }
    this.deliver(this.top(), f, value);
  }

  private deliver(parent: Frame, child: Frame, value: unknown): void {
    switch (parent.kind) {
      case OBJECT: {
        const m = child.member;
        if (!m) return;
        const o = parent.value as Record<string, unknown>;
        if (m.list) {
          const list = o[m.name];
          if (Array.isArray(list)) list.push(value);
          else o[m.name] = [value];
        } else {
          o[m.name] = value;
        }
        return;
      }
      case ARRAY:
        (parent.value as unknown[]).push(value);
        return;
      case RESPONSE:
        this.results.push(value);
        return;
      case FAULT:
        if (this.fault && typeof value === 'string') {
          if (child.local === 'faultcode') this.fault.faultCode = value;
          else this.fault.faultString = value;
        }
        return;
      case DETAIL:
        if (this.fault) this.fault.detail = value;
        return;
    }
  }

  private text(t: string): void {
    if (this.skip > 0) return;
    const top = this.top();
    if (top.kind === TEXT || top.kind === MOR) {
      if (top.text.length + t.length > this.maxText)
        throw new XmlLimitError(`a value is longer than the limit of ${this.maxText} characters`);
      top.text += t;
    }
  }

  private top(): Frame {
    // The ROOT frame is never popped while elements are open: the tokenizer rejects unbalanced tags.
    return this.stack[this.stack.length - 1] as Frame;
  }

  private push(f: Frame): void {
    this.stack.push(f);
  }

  private xsiType(tag: XmlTag): { uri: string | undefined; local: string } | undefined {
    for (const key in tag.attributes) {
      const a = tag.attributes[key];
      if (a && a.uri === XSI_NS && a.local === 'type') return this.resolveQName(a.value);
    }
    return undefined;
  }

  private resolveQName(qname: string): { uri: string | undefined; local: string } {
    const colon = qname.indexOf(':');
    const prefix = colon < 0 ? '' : qname.slice(0, colon);
    return { uri: this.parser.resolve(prefix), local: qname.slice(colon + 1).trim() };
  }

  private httpError(status: number): HttpError {
    const excerpt = this.head.replace(/\s+/g, ' ').trim().slice(0, 120);
    return new HttpError(status, `HTTP ${status}${this.forMethod()}: ${excerpt || 'empty body'}`);
  }

  private forMethod(): string {
    return this.options.method ? ` to ${this.options.method}` : '';
  }
}

function frame(
  kind: number,
  local: string,
  member: MemberSchema | undefined,
  prim = '',
  obj: CompiledObject | undefined = undefined,
  value: unknown = undefined,
  morType = '',
): Frame {
  return { kind, local, member, obj, prim, value, text: '', morType };
}

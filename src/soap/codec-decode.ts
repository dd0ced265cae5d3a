/**
 * Streaming response decoder. A push parser made for SOAP (xml-tokenizer.ts) feeds a stack of
 * frames; only elements the schema declares become values, everything else (servers
 * newer than our declaration) is skipped by counting depth, so no object is built for it.
 *
 * Types come from the declaration, overridden by `xsi:type` resolved by namespace URI
 * (ESX binds `xsi`, vcsim `XMLSchema-instance`). ArrayOfX items need no xsi:type of
 * their own. Decoded data objects carry `_type`; references are {type, value}.
 */
import { Readable } from 'node:stream';
import { EsxError, HttpError, OperationError } from '../errors.js';
import { compileSchema, MOR_TYPE, PRIMITIVES, type CompiledObject, type CompiledSchema } from './codec-schema.js';
import { parsePrimitive, XSD_ALIASES } from './codec-primitives.js';
import { SOAP_ENV_NS, XSD_NS, XSI_NS } from './envelope.js';
import { faultToError, faultTypeOf, type SoapFaultParts } from './fault.js';
import type { MemberSchema, ReturnSpec, Schema } from './schema-types.js';
import { ownString, XmlLimitError, XmlTokenizer, type XmlHandlers, type XmlTag } from './xml-tokenizer.js';

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

/** One open element; frames are reused by depth (a listing opens ~80,000 elements per 10,000 VMs). */
class Frame {
  kind = ROOT;
  local = '';
  /** Where the value goes in the parent object, when the parent is an object. */
  member: MemberSchema | undefined = undefined;
  /** OBJECT: the type being filled. */
  obj: CompiledObject | undefined = undefined;
  /** TEXT: primitive to parse as; ARRAY: item type. */
  prim = '';
  value: unknown = undefined;
  text = '';
  morType = '';
  /** The return value's frame: members handed to callbacks as decoded (ReturnSpec.each). */
  each: Readonly<Record<string, (value: unknown) => void>> | undefined = undefined;

  set(
    kind: number,
    local: string,
    member: MemberSchema | undefined,
    prim: string,
    obj: CompiledObject | undefined,
    value: unknown,
    morType: string,
  ): this {
    this.kind = kind;
    this.local = local;
    this.member = member;
    this.obj = obj;
    this.prim = prim;
    this.value = value;
    this.text = '';
    this.morType = morType;
    this.each = undefined;
    return this;
  }
}

/** What the attributes of a value element say, kept in the tag's memo (identical tags share it). */
interface ValueAttrs {
  nil: boolean;
  /** The unqualified `type` attribute of a reference. */
  morType: string;
  /** The type named by xsi:type, resolved (XSD names mapped to our primitives); undefined when absent. */
  xsiType: string | undefined;
  /** xsi:type's name when it is not an XSD type (a vim25 type, perhaps newer than our declaration). */
  wire: string | undefined;
  /** How to decode a value of xsiType. */
  plan: Plan | undefined;
}

const SKIP = -1;

/** How to decode a value of one type: the frame kind and what it needs. Made once per type name and schema. */
interface Plan {
  /** TEXT, MOR, OBJECT, ARRAY, or SKIP for a type the schema does not know. */
  readonly kind: number;
  /** TEXT: the primitive to parse as (enums as 'string'); ARRAY: the item type. */
  readonly prim: string;
  readonly obj: CompiledObject | undefined;
}

const plans = new WeakMap<CompiledSchema, Map<string, Plan>>();

/** The plans of a schema by type name (shared by every decoder of that schema). */
function plansOf(cs: CompiledSchema): Map<string, Plan> {
  let byType = plans.get(cs);
  if (byType === undefined) plans.set(cs, (byType = new Map()));
  return byType;
}

function planOf(cs: CompiledSchema, type: string, byType = plansOf(cs)): Plan {
  let plan = byType.get(type);
  if (plan === undefined) {
    switch (cs.kindOf(type)) {
      case 'primitive':
        plan = type === MOR_TYPE ? { kind: MOR, prim: '', obj: undefined } : { kind: TEXT, prim: type, obj: undefined };
        break;
      case 'enum':
        plan = { kind: TEXT, prim: 'string', obj: undefined };
        break;
      case 'object':
        plan = { kind: OBJECT, prim: '', obj: cs.objects.get(type) };
        break;
      case 'array':
        plan = { kind: ARRAY, prim: cs.arrayItem(type) ?? 'anyType', obj: undefined };
        break;
      default:
        plan = { kind: SKIP, prim: '', obj: undefined };
    }
    // Bounded: type names come from the schema or from xsi:type values, which repeat.
    if (byType.size < 10_000) byType.set(type, plan);
  }
  return plan;
}

/** An exception thrown by a ReturnSpec.each callback, carried out of the parser unchanged. */
class CallbackError extends Error {
  constructor(readonly error: unknown) {
    super('callback failed');
  }
}

class NotSoapError extends Error {}

const settled = (): void => undefined;

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
  if (returns?.after !== undefined) await returns.after.then(settled, settled);
  if (typeof source === 'string' || source instanceof Uint8Array) return decodeResponseText(schema, returns, source, options);
  const d = new ResponseDecoder(compileSchema(schema), returns, options);
  const maxBytes = (options.limits ?? SOAP_LIMITS).maxBytes;
  let total = 0;
  // Replacement characters rather than a hard failure: one odd byte in a VM name should not lose a whole inventory listing.
  const utf8 = new TextDecoder('utf-8');
  // Bytes are gathered and scanned in slices of at least 64 KiB (a TLS record is 16 KiB): fewer, longer passes,
  // while a page of a listing (~400 KB for 1,000 VMs) is still decoded as it arrives, never held whole.
  const SLICE = 1 << 16;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const flush = (final: boolean): void => {
    if (heldBytes === 0) {
      if (final) d.write(utf8.decode());
      return;
    }
    const first = held[0] as Uint8Array;
    let bytes = held.length === 1 ? Buffer.from(first.buffer, first.byteOffset, first.byteLength) : Buffer.concat(held, heldBytes);
    held = [];
    heldBytes = 0;
    if (!final) {
      // Cut after the last '>' and keep the rest for the next slice: the tokenizer then gets whole tags, so it has
      // no unfinished token to join with the next text (a joined string costs a copy and slows every scan).
      const cut = bytes.lastIndexOf(0x3e);
      if (cut < 0 && bytes.length < SLICE * 16) {
        held.push(bytes);
        heldBytes = bytes.length;
        return;
      }
      if (cut >= 0 && cut + 1 < bytes.length) {
        const rest = bytes.subarray(cut + 1);
        held.push(rest);
        heldBytes = rest.length;
        bytes = bytes.subarray(0, cut + 1);
      }
    }
    d.write(utf8.decode(bytes, { stream: !final }));
  };
  const take = (chunk: Uint8Array | string): void => {
    if (typeof chunk === 'string') {
      flush(false);
      total += chunk.length;
      if (total > maxBytes) throw new XmlLimitError(`the response is larger than the limit of ${maxBytes} bytes`);
      d.write(chunk);
      return;
    }
    held.push(chunk);
    heldBytes += chunk.byteLength;
    total += chunk.byteLength;
    if (total > maxBytes) throw new XmlLimitError(`the response is larger than the limit of ${maxBytes} bytes`);
    if (heldBytes >= SLICE) flush(false);
  };
  try {
    // A Node stream is read by its events: its async iterator costs a promise per chunk (a 10,000-VM listing is
    // ~250 chunks of 16 KiB).
    if (source instanceof Readable) await readEvents(source, take);
    else for await (const chunk of source) take(chunk);
    flush(true);
    d.close();
  } catch (e) {
    throw d.wrapError(e);
  }
  return d.finish();
}

/** Feeds every chunk of `stream` to `take` until the end; a throw from `take` destroys the stream and rejects. */
function readEvents(stream: Readable, take: (chunk: Uint8Array | string) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (e?: unknown): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (e === undefined) resolve();
      else reject(e);
    };
    const onData = (chunk: Uint8Array | string): void => {
      try {
        take(chunk);
      } catch (e) {
        done(e);
        stream.destroy();
      }
    };
    const onEnd = (): void => done();
    const onError = (e: unknown): void => done(e);
    // Destroyed without an error and before the end: the body is incomplete (as the stream's own iterator reports it).
    const onClose = (): void => done(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

class ResponseDecoder implements XmlHandlers {
  private readonly parser: XmlTokenizer;
  /** Frames by depth, reused; frames[depth - 1] is the innermost open value. */
  private readonly frames: Frame[] = [new Frame()];
  private depth = 1;
  private skip = 0;
  private sawResponse = false;
  private head = '';
  private fault: SoapFaultParts | undefined;
  private readonly results: unknown[] = [];
  private readonly plans: Map<string, Plan>;

  constructor(
    private readonly cs: CompiledSchema,
    private readonly returns: ReturnSpec | undefined,
    private readonly options: DecodeOptions,
  ) {
    const limits = options.limits ?? SOAP_LIMITS;
    this.maxText = limits.maxTokenChars;
    this.plans = plansOf(cs);
    // The decoder is the handler object itself: one call per event, not two.
    this.parser = new XmlTokenizer(this, { maxDepth: limits.maxDepth, maxTokenChars: limits.maxTokenChars });
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
    if (e instanceof CallbackError) return e.error instanceof Error ? e.error : new OperationError(String(e.error));
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

  /** Tokenizer event: a start tag. */
  opentag(tag: XmlTag): void {
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
        if (tag.local === 'returnval' && this.returns) {
          this.openValue(this.returns.type, undefined, tag);
          const each = this.returns.each;
          if (each !== undefined && this.skip === 0 && this.top().kind === OBJECT) this.top().each = each;
        } else this.skip = 1;
        return;
      case ROOT:
        if (tag.uri !== SOAP_ENV_NS || tag.local !== 'Envelope')
          throw new NotSoapError(`root element is <${tag.name}>, not a SOAP envelope`);
        this.push(ENVELOPE, tag.local, undefined);
        return;
      case ENVELOPE:
        if (tag.uri === SOAP_ENV_NS && tag.local === 'Body') this.push(BODY, tag.local, undefined);
        else this.skip = 1;
        return;
      case BODY:
        if (tag.uri === SOAP_ENV_NS && tag.local === 'Fault') {
          this.fault = { faultCode: '', faultString: '' };
          this.push(FAULT, tag.local, undefined);
        } else if (!this.sawResponse && !this.fault) {
          this.sawResponse = true;
          this.push(RESPONSE, tag.local, undefined);
        } else {
          this.skip = 1;
        }
        return;
      case FAULT:
        if (tag.local === 'faultcode' || tag.local === 'faultstring') this.push(TEXT, tag.local, undefined, 'string');
        else if (tag.local === 'detail') this.push(DETAIL, tag.local, undefined);
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
      this.push(OBJECT, tag.local, undefined, '', obj, { _type: type });
    } else {
      fault.detail = { _type: type };
      this.skip = 1;
    }
  }

  /** Starts a value of declared type `declType`, or skips it when neither it nor its xsi:type is known. */
  private openValue(declType: string, member: MemberSchema | undefined, tag: XmlTag): void {
    let plan: Plan | undefined;
    let morType = '';
    let wire: string | undefined;
    if (tag.hasAttributes) {
      const a = (tag.memo as ValueAttrs | undefined) ?? (tag.memo = this.valueAttrs(tag));
      if (a.nil) {
        this.skip = 1;
        return;
      }
      morType = a.morType;
      plan = a.plan;
      wire = a.wire;
    }
    plan ??= this.plans.get(declType) ?? planOf(this.cs, declType, this.plans);
    switch (plan.kind) {
      case TEXT:
        this.push(TEXT, tag.local, member, plan.prim);
        return;
      case MOR:
        this.push(MOR, tag.local, member, '', undefined, undefined, morType);
        return;
      case OBJECT:
        this.push(OBJECT, tag.local, member, '', plan.obj, { _type: (plan.obj as CompiledObject).name });
        return;
      case ARRAY:
        this.push(ARRAY, tag.local, member, plan.prim, undefined, []);
        return;
      default: {
        // A subtype newer than our declaration: keep what the declared base type knows, and the true name.
        const base = wire !== undefined ? this.cs.objects.get(declType) : undefined;
        if (base) this.push(OBJECT, tag.local, member, '', base, { _type: wire });
        else this.skip = 1;
      }
    }
  }

  /** Reads xsi:type, xsi:nil and a reference's `type` from a value element's attributes. */
  private valueAttrs(tag: XmlTag): ValueAttrs {
    const out: ValueAttrs = { nil: false, morType: '', xsiType: undefined, wire: undefined, plan: undefined };
    const attrs = tag.attributes;
    for (const key in attrs) {
      const a = attrs[key];
      if (a === undefined) continue;
      if (a.uri === XSI_NS) {
        if (a.local === 'type') {
          const q = this.resolveQName(a.value);
          if (q.uri === XSD_NS) out.xsiType = XSD_ALIASES[q.local] ?? (PRIMITIVES.has(q.local) ? q.local : 'string');
          else out.xsiType = out.wire = q.local;
          out.plan = planOf(this.cs, out.xsiType);
        } else if (a.local === 'nil' && (a.value === 'true' || a.value === '1')) out.nil = true;
      } else if (a.uri === '' && a.local === 'type') {
        out.morType = a.value;
      }
    }
    return out;
  }

  /** Tokenizer event: an end tag. */
  closetag(): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    if (this.depth <= 1) return;
    const f = this.frames[--this.depth] as Frame;
    let value: unknown;
    switch (f.kind) {
      case TEXT:
        value = parsePrimitive(f.prim, f.text, f.local);
        if (typeof value === 'string') value = ownString(value);
        break;
      case MOR:
        value = { type: f.morType, value: ownString(f.text) };
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
    // Nothing of the closed element may stay reachable through the reused frame.
    f.value = undefined;
    f.text = '';
    this.deliver(this.top(), f, value);
  }

  private deliver(parent: Frame, child: Frame, value: unknown): void {
    switch (parent.kind) {
      case OBJECT: {
        const m = child.member;
        if (!m) return;
        const each = parent.each?.[m.name];
        if (each !== undefined) {
          try {
            each(value);
          } catch (e) {
            throw new CallbackError(e);
          }
          return;
        }
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

  /** Tokenizer event: text. */
  text(t: string): void {
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
    return this.frames[this.depth - 1] as Frame;
  }

  private push(
    kind: number,
    local: string,
    member: MemberSchema | undefined,
    prim = '',
    obj: CompiledObject | undefined = undefined,
    value: unknown = undefined,
    morType = '',
  ): void {
    const f = (this.frames[this.depth] ??= new Frame());
    f.set(kind, local, member, prim, obj, value, morType);
    this.depth++;
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

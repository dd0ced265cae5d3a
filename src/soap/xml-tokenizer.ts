/**
 * A small namespace-aware XML push parser made for SOAP responses. saxes checks every
 * character in JavaScript, which costs ~100 ms on a cold 1,000-VM listing (780 KB); here the
 * scanning is done by indexOf and sticky regular expressions (native code), attributes are
 * parsed only when the decoder asks for them (once per distinct attribute text in a scope),
 * end tags are matched against the open element in place, and entities are decoded only where
 * there are any. Well-formedness that matters for decoding is checked (balanced tags, bound
 * prefixes, quoted attributes, one root, no DTD); the rest of XML 1.0's rules are not.
 *
 * A listing of 10,000 VMs is ~80,000 elements: the parser allocates nothing per element
 * beyond the strings it hands over (one tag object is reused; see XmlTag).
 */

/** An attribute, resolved against the namespaces in scope. */
export interface XmlAttribute {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  value: string;
}

/**
 * A start tag: qualified name, local name, namespace URI; attributes parsed on first access. The parser reuses one
 * object for every start tag: it is valid only during the opentag call.
 */
export interface XmlTag {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  /** False when the tag has no attribute at all (nothing to parse). */
  readonly hasAttributes: boolean;
  /** Shared by identical start tags in one scope: read-only. */
  readonly attributes: Readonly<Record<string, XmlAttribute>>;
  /**
   * A slot shared by the tags whose attributes (and namespace scope) are identical, where a consumer may keep what it
   * derived from them (e.g. a resolved xsi:type) instead of deriving it again for every element.
   */
  memo: unknown;
}

/** Handlers of a parse. */
export interface XmlHandlers {
  opentag(tag: XmlTag): void;
  closetag(name: string): void;
  text(text: string): void;
}

/** Malformed XML; the message says where and what. */
export class XmlSyntaxError extends Error {}

/** A document beyond the tokenizer's bounds (too deep, a token too long). */
export class XmlLimitError extends Error {}

/** Bounds of one parse. */
export interface TokenizerLimits {
  /** Deepest element nesting (default 256). */
  maxDepth?: number;
  /** Longest single token (a tag, a text run, a comment) held while incomplete, in characters (default 64 Mi). */
  maxTokenChars?: number;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

// `<name attrs… /?>` with quoted attribute values that may hold '>'.
// A start tag `<name attrs… /?>` in three steps, with test() (no match array per element): the name; the attributes
// (quoted values may hold '>'); the end. Most elements have no attribute: `<name>` takes the first step only.
const TAG_NAME = /[^\s/>!?]+/y;
const TAG_ATTRS = /(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*/y;
const TAG_END = /\s*\/?>/y;
const END_TAG = /<\/([^\s>]+)\s*>/y;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

// V8 makes substrings of 13 characters or more as slices that keep their whole parent string alive.
const SLICE_MIN = 13;

/**
 * A copy of `s` that shares no storage with a larger string: a value cut from a response chunk and kept (a VM's
 * name in a listing of 10,000) would otherwise keep the whole chunk alive.
 */
export function ownString(s: string): string {
  return s.length < SLICE_MIN ? s : (' ' + s).slice(1);
}

/** Decodes the five predefined entities and character references; a stray '&' is an error. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (m, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return NAMED[named] as string;
    if (dec === undefined && hex === undefined)
      throw new XmlSyntaxError(`unescaped '&' or unknown entity near '${s.slice(s.indexOf(m), s.indexOf(m) + 12)}'`);
    const cp = dec !== undefined ? Number(dec) : parseInt(hex as string, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0) throw new XmlSyntaxError(`invalid character reference ${m}`);
    return String.fromCodePoint(cp);
  });
}

/** Parsed attributes of one distinct attribute text in one scope. */
interface AttributeSet {
  readonly record: Readonly<Record<string, XmlAttribute>>;
  memo: unknown;
}

const NO_ATTRIBUTES: AttributeSet = { record: Object.freeze({}), memo: undefined };

// Namespace scopes as a chain: vcsim declares a prefix on every value element, and copying a
// map per element cost more than all the rest of the scanning.
class Scope {
  /** Child scopes by the raw attribute text that declared them: identical elements share one. */
  readonly children = new Map<string, Scope>();
  /** Parsed attributes by raw attribute text, for elements in this scope. */
  readonly attrs = new Map<string, AttributeSet>();
  // Small caches in front of the maps (compared by content, no hashing): sibling elements repeat a few attribute
  // texts, e.g. vcsim's name and power state values alternate.
  readonly recentChildRaw = ['', '', '', ''];
  readonly recentChild: (Scope | undefined)[] = [undefined, undefined, undefined, undefined];
  lastAttrsRaw = '';
  lastAttrs: AttributeSet | undefined;

  constructor(
    readonly parent: Scope | undefined,
    readonly prefixes: string[],
    readonly uris: string[],
  ) {
    const i = prefixes.lastIndexOf('');
    this.defaultUri = i >= 0 ? uris[i] : parent?.defaultUri;
  }

  /** The default namespace (prefix ''), resolved once: most element names have no prefix. */
  readonly defaultUri: string | undefined;

  get(prefix: string): string | undefined {
    if (prefix === '') return this.defaultUri;
    const i = this.prefixes.lastIndexOf(prefix);
    if (i >= 0) return this.uris[i];
    return this.parent?.get(prefix);
  }

  attributeSet(raw: string, element: string): AttributeSet {
    if (raw === this.lastAttrsRaw && this.lastAttrs !== undefined) return this.lastAttrs;
    let a = this.attrs.get(raw);
    if (a === undefined) {
      a = { record: parseAttributes(raw, this, element), memo: undefined };
      if (this.attrs.size < 256) this.attrs.set(raw, a);
    }
    this.lastAttrsRaw = raw;
    this.lastAttrs = a;
    return a;
  }
}

/** The one start tag object of a parser, refilled for every element. */
class Tag implements XmlTag {
  name = '';
  prefix = '';
  local = '';
  uri = '';
  hasAttributes = false;
  raw = '';
  scope: Scope;
  #set: AttributeSet | undefined;

  constructor(scope: Scope) {
    this.scope = scope;
  }

  fill(name: string, raw: string, scope: Scope): void {
    const colon = name.indexOf(':');
    if (colon > 0) {
      this.prefix = name.slice(0, colon);
      this.local = name.slice(colon + 1);
    } else {
      this.prefix = '';
      this.local = name;
    }
    const uri = scope.get(this.prefix);
    if (uri === undefined && this.prefix !== '') throw new XmlSyntaxError(`unbound namespace prefix '${this.prefix}' of <${name}>`);
    this.uri = uri ?? '';
    this.name = name;
    this.raw = raw;
    this.hasAttributes = raw !== '';
    this.scope = scope;
    this.#set = raw === '' ? NO_ATTRIBUTES : undefined;
  }

  get attributes(): Readonly<Record<string, XmlAttribute>> {
    return this.#attributeSet().record;
  }

  get memo(): unknown {
    return this.#attributeSet().memo;
  }

  set memo(value: unknown) {
    // the shared empty set keeps no memo: a consumer derives nothing from no attributes
    const set = this.#attributeSet();
    if (set !== NO_ATTRIBUTES) set.memo = value;
  }

  #attributeSet(): AttributeSet {
    return (this.#set ??= this.scope.attributeSet(this.raw, this.name));
  }
}

function parseAttributes(raw: string, scope: Scope, element: string): Record<string, XmlAttribute> {
  const out: Record<string, XmlAttribute> = {};
  if (raw === '') return out;
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(raw); m; m = ATTR.exec(raw)) {
    const name = m[1] as string;
    // Copied: a value kept by the consumer (a reference's type) must not pin the whole text it was cut from.
    const value = ownString(decodeEntities((m[2] ?? m[3]) as string));
    const colon = name.indexOf(':');
    const prefix = colon > 0 ? name.slice(0, colon) : '';
    const local = colon > 0 ? name.slice(colon + 1) : name;
    let uri = '';
    if (prefix === 'xmlns' || name === 'xmlns') uri = XMLNS_NS;
    else if (prefix !== '') {
      const u = scope.get(prefix);
      if (u === undefined) throw new XmlSyntaxError(`unbound namespace prefix '${prefix}' of attribute ${name} on <${element}>`);
      uri = u;
    }
    if (out[name] !== undefined) throw new XmlSyntaxError(`duplicate attribute ${name} on <${element}>`);
    out[name] = { name, prefix, local, uri, value };
  }
  return out;
}

// Namespace declarations change the scope for the element and its children.
function scopeFor(raw: string, parent: Scope): Scope {
  if (raw === '' || !raw.includes('xmlns')) return parent;
  const recentRaw = parent.recentChildRaw;
  for (let i = 0; i < 4; i++) if (recentRaw[i] === raw) return parent.recentChild[i] as Scope;
  const known = parent.children.get(raw) ?? newScope(raw, parent);
  if (known === parent) return parent;
  recentRaw.copyWithin(1, 0, 3);
  parent.recentChild.copyWithin(1, 0, 3);
  recentRaw[0] = raw;
  parent.recentChild[0] = known;
  return known;
}

function newScope(raw: string, parent: Scope): Scope {
  const prefixes: string[] = [];
  const uris: string[] = [];
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(raw); m; m = ATTR.exec(raw)) {
    const name = m[1] as string;
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    prefixes.push(ownString(name === 'xmlns' ? '' : name.slice(6)));
    uris.push(ownString(decodeEntities((m[2] ?? m[3]) as string)));
  }
  if (prefixes.length === 0) return parent;
  const scope = new Scope(parent, prefixes, uris);
  if (parent.children.size < 256) parent.children.set(raw, scope);
  return scope;
}

/** Parses XML pushed in chunks; call close() at the end. */
export class XmlTokenizer {
  private buf = '';
  private pos = 0;
  private readonly names: string[] = [];
  private readonly scopes: Scope[] = [new Scope(undefined, ['xml', ''], [XML_NS, ''])];
  private readonly tag = new Tag(this.scopes[0] as Scope);
  private sawRoot = false;
  private closed = false;
  private readonly maxDepth: number;
  private readonly maxToken: number;

  constructor(
    private readonly h: XmlHandlers,
    limits: TokenizerLimits = {},
  ) {
    this.maxDepth = limits.maxDepth ?? 256;
    this.maxToken = limits.maxTokenChars ?? 64 * 1024 * 1024;
  }

  /** The namespace URI bound to `prefix` in the current element, if any. */
  resolve(prefix: string): string | undefined {
    return (this.scopes[this.scopes.length - 1] as Scope).get(prefix);
  }

  /** Feeds more text. */
  write(chunk: string): this {
    if (this.closed) throw new XmlSyntaxError('write after close');
    // Nothing left over (the usual case when chunks end after a tag): the chunk is used as it is, not joined.
    this.buf = this.pos >= this.buf.length ? chunk : this.pos > 0 ? this.buf.slice(this.pos) + chunk : this.buf + chunk;
    this.pos = 0;
    this.run(false);
    // What is left is one incomplete token; an endless one (a tag or text without end) must not grow for ever.
    if (this.buf.length - this.pos > this.maxToken)
      throw new XmlLimitError(`a single token is longer than the limit of ${this.maxToken} characters`);
    return this;
  }

  /** Ends the input: anything incomplete or unclosed is an error. */
  close(): this {
    this.run(true);
    this.closed = true;
    if (this.names.length > 0) throw new XmlSyntaxError(`unclosed element <${this.names[this.names.length - 1]}>`);
    if (!this.sawRoot) throw new XmlSyntaxError('no root element');
    return this;
  }

  private run(final: boolean): void {
    const buf = this.buf;
    let pos = this.pos;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) {
        // keep a possibly cut entity for the next chunk
        const amp = final ? -1 : buf.lastIndexOf('&');
        const end = amp >= pos && !buf.includes(';', amp) ? amp : buf.length;
        this.emitText(buf.slice(pos, end));
        pos = end;
        break;
      }
      if (lt > pos) this.emitText(buf.slice(pos, lt));
      pos = lt;
      const next = buf.charCodeAt(lt + 1);
      if (next === 0x2f /* / */) {
        // Fast path: the end tag of the open element, compared in place (no name string made).
        const current = this.names[this.names.length - 1];
        if (current !== undefined && buf.startsWith(current, lt + 2)) {
          const gt = lt + 2 + current.length;
          const c = buf.charCodeAt(gt);
          if (c === 0x3e /* > */) {
            this.names.pop();
            this.scopes.pop();
            this.h.closetag(current);
            pos = gt + 1;
            continue;
          }
          if (Number.isNaN(c) && !final) break;
        }
        END_TAG.lastIndex = lt;
        const m = END_TAG.exec(buf);
        if (!m) {
          if (!final && buf.indexOf('>', lt) < 0) break;
          throw new XmlSyntaxError(`malformed end tag at offset ${lt}`);
        }
        const name = m[1] as string;
        const open = this.names.pop();
        if (open !== name)
          throw new XmlSyntaxError(open === undefined ? `unexpected end tag </${name}>` : `end tag </${name}> does not match <${open}>`);
        this.scopes.pop();
        this.h.closetag(name);
        pos = END_TAG.lastIndex;
      } else if (next === 0x21 /* ! */) {
        if (buf.startsWith('<!--', lt)) {
          const end = buf.indexOf('-->', lt + 4);
          if (end < 0) {
            if (final) throw new XmlSyntaxError('unclosed comment');
            break;
          }
          pos = end + 3;
        } else if (buf.startsWith('<![CDATA[', lt)) {
          const end = buf.indexOf(']]>', lt + 9);
          if (end < 0) {
            if (final) throw new XmlSyntaxError('unclosed CDATA section');
            break;
          }
          if (this.names.length === 0) throw new XmlSyntaxError('CDATA outside the root element');
          this.h.text(buf.slice(lt + 9, end));
          pos = end + 3;
        } else if (!final && buf.length - lt < 9) {
          break;
        } else {
          throw new XmlSyntaxError('DTDs and other declarations are not accepted in SOAP messages');
        }
      } else if (next === 0x3f /* ? */) {
        const end = buf.indexOf('?>', lt + 2);
        if (end < 0) {
          if (final) throw new XmlSyntaxError('unclosed processing instruction');
          break;
        }
        pos = end + 2;
      } else {
        TAG_NAME.lastIndex = lt + 1;
        const nameEnd = TAG_NAME.test(buf) ? TAG_NAME.lastIndex : -1;
        let end: number;
        let raw = '';
        if (nameEnd > 0 && buf.charCodeAt(nameEnd) === 0x3e /* > */) end = nameEnd + 1;
        else {
          TAG_ATTRS.lastIndex = nameEnd;
          TAG_ATTRS.test(buf);
          const attrsEnd = TAG_ATTRS.lastIndex;
          TAG_END.lastIndex = attrsEnd;
          if (nameEnd < 0 || !TAG_END.test(buf)) {
            // incomplete (its '>' may still come, even after a '>' inside a quoted value)
            if (!final) break;
            throw new XmlSyntaxError(`malformed start tag at offset ${lt}`);
          }
          end = TAG_END.lastIndex;
          if (attrsEnd > nameEnd) raw = buf.slice(nameEnd, attrsEnd);
        }
        if (this.names.length === 0) {
          if (this.sawRoot) throw new XmlSyntaxError('more than one root element');
          this.sawRoot = true;
        }
        const name = buf.slice(lt + 1, nameEnd);
        if (this.names.length >= this.maxDepth) throw new XmlLimitError(`elements nest deeper than the limit of ${this.maxDepth}`);
        const scope = scopeFor(raw, this.scopes[this.scopes.length - 1] as Scope);
        this.names.push(name);
        this.scopes.push(scope);
        this.tag.fill(name, raw, scope);
        this.h.opentag(this.tag);
        if (buf.charCodeAt(end - 2) === 0x2f /* / */) {
          this.names.pop();
          this.scopes.pop();
          this.h.closetag(name);
        }
        pos = end;
      }
    }
    this.pos = pos;
    if (pos > 65536 && pos > this.buf.length / 2) {
      this.buf = this.buf.slice(pos);
      this.pos = 0;
    }
  }

  private emitText(t: string): void {
    if (t === '') return;
    if (this.names.length === 0) {
      if (/\S/.test(t)) throw new XmlSyntaxError('text outside the root element');
      return;
    }
    this.h.text(decodeEntities(t));
  }
}

/**
 * A small namespace-aware XML push parser made for SOAP responses. saxes checks every
 * character in JavaScript, which costs ~100 ms on a cold 1,000-VM listing (780 KB); here the
 * scanning is done by indexOf and sticky regular expressions (native code), attributes are
 * parsed only when the decoder asks for them, and entities are decoded only where there are
 * any. Well-formedness that matters for decoding is checked (balanced tags, bound prefixes,
 * quoted attributes, one root, no DTD); the rest of XML 1.0's rules are not.
 */

/** An attribute, resolved against the namespaces in scope. */
export interface XmlAttribute {
  name: string;
  prefix: string;
  local: string;
  uri: string;
  value: string;
}

/** A start tag: qualified name, local name, namespace URI; attributes parsed on first access. */
export interface XmlTag {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  readonly attributes: Record<string, XmlAttribute>;
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
const START_TAG = /<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const END_TAG = /<\/([^\s>]+)\s*>/y;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));|&/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

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

// Namespace scopes as a chain: vcsim declares a prefix on every value element, and copying a
// map per element cost more than all the rest of the scanning.
class Scope {
  /** Child scopes by the raw attribute text that declared them: identical elements share one. */
  readonly children = new Map<string, Scope>();
  /** Parsed attributes by raw attribute text, for elements in this scope. */
  readonly attrs = new Map<string, Record<string, XmlAttribute>>();

  constructor(
    readonly parent: Scope | undefined,
    readonly prefixes: string[],
    readonly uris: string[],
  ) {}

  get(prefix: string): string | undefined {
    const i = this.prefixes.lastIndexOf(prefix);
    if (i >= 0) return this.uris[i];
    return this.parent?.get(prefix);
  }
}

class Tag implements XmlTag {
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  #attrs: Record<string, XmlAttribute> | undefined;

  constructor(
    readonly name: string,
    private readonly raw: string,
    private readonly scope: Scope,
  ) {
    const colon = name.indexOf(':');
    this.prefix = colon > 0 ? name.slice(0, colon) : '';
    this.local = colon > 0 ? name.slice(colon + 1) : name;
    const uri = scope.get(this.prefix);
    if (uri === undefined && this.prefix !== '') throw new XmlSyntaxError(`unbound namespace prefix '${this.prefix}' of <${name}>`);
    this.uri = uri ?? '';
  }

  get attributes(): Record<string, XmlAttribute> {
    if (this.#attrs === undefined) {
      // Shared between identical start tags in one scope; callers only read them.
      let a = this.scope.attrs.get(this.raw);
      if (a === undefined) {
        a = parseAttributes(this.raw, this.scope, this.name);
        if (this.scope.attrs.size < 256) this.scope.attrs.set(this.raw, a);
      }
      this.#attrs = a;
    }
    return this.#attrs;
  }
}

function parseAttributes(raw: string, scope: Scope, element: string): Record<string, XmlAttribute> {
  const out: Record<string, XmlAttribute> = {};
  if (raw === '') return out;
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(raw); m; m = ATTR.exec(raw)) {
    const name = m[1] as string;
    const value = decodeEntities((m[2] ?? m[3]) as string);
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
  if (!raw.includes('xmlns')) return parent;
  const known = parent.children.get(raw);
  if (known) return known;
  let scope: Scope | undefined;
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(raw); m; m = ATTR.exec(raw)) {
    const name = m[1] as string;
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    scope ??= new Scope(parent, [], []);
    scope.prefixes.push(name === 'xmlns' ? '' : name.slice(6));
    scope.uris.push(decodeEntities((m[2] ?? m[3]) as string));
  }
  if (scope && parent.children.size < 256) parent.children.set(raw, scope);
  return scope ?? parent;
}

/** Parses XML pushed in chunks; call close() at the end. */
export class XmlTokenizer {
  private buf = '';
  private pos = 0;
  private readonly names: string[] = [];
  private readonly scopes: Scope[] = [new Scope(undefined, ['xml', ''], [XML_NS, ''])];
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
    this.buf = this.pos > 0 ? this.buf.slice(this.pos) + chunk : this.buf + chunk;
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
        START_TAG.lastIndex = lt;
        const m = START_TAG.exec(buf);
        if (!m) {
          // incomplete (its '>' may still come, even after a '>' inside a quoted value)
          if (!final) break;
          throw new XmlSyntaxError(`malformed start tag at offset ${lt}`);
        }
        if (this.names.length === 0) {
          if (this.sawRoot) throw new XmlSyntaxError('more than one root element');
          this.sawRoot = true;
        }
        const name = m[1] as string;
        const raw = m[2] as string;
        if (this.names.length >= this.maxDepth) throw new XmlLimitError(`elements nest deeper than the limit of ${this.maxDepth}`);
        const scope = scopeFor(raw, this.scopes[this.scopes.length - 1] as Scope);
        this.names.push(name);
        this.scopes.push(scope);
        this.h.opentag(new Tag(name, raw, scope));
        if (m[3] === '/') {
          this.names.pop();
          this.scopes.pop();
          this.h.closetag(name);
        }
        pos = START_TAG.lastIndex;
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

/**
 * Parses XML text into a light element tree (namespace-aware, via saxes). Used for libvirt's XML documents; SOAP
 * has its own streaming decoder. Size, depth and element count are bounded (src/limits.ts): hostile documents are
 * refused as soon as a bound is crossed, before they cost time or memory.
 */
import { SaxesParser } from 'saxes';
import { ConfigError } from '../../errors.js';
import { charsetDecoder } from '../charset.js';
import { describeBytes, XML_LIMITS, type DocumentLimits } from '../../limits.js';

/** An element: qualified name, local name, namespace URI, attributes, children and direct text. */
export interface XmlElement {
  readonly name: string;
  readonly local: string;
  readonly uri: string;
  readonly attrs: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
  readonly line: number;
  /** Where in its parent's `text` this element stands (for textContent()). */
  readonly textOffset?: number;
}

class LimitReached extends Error {}

// Feeding saxes in slices lets a limit stop the parse early (a handler's throw ends the current write).
const SLICE = 64 * 1024;

/** Parses a whole document and returns its root element; malformed or oversized XML is a ConfigError. */
export function parseXml(text: string, what = 'XML', limits: DocumentLimits = XML_LIMITS): XmlElement {
  const bytes = text.length <= limits.maxBytes / 3 ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) throw new ConfigError(`${what} is ${bytes} bytes, more than the limit of ${describeBytes(limits.maxBytes)}`);
  // An unbound prefix is a namespace error that libxml2 reports and reads past (the element is then in no namespace
  // libvirt knows): a URI of its own keeps such elements apart from every real namespace.
  const parser = new SaxesParser({
    xmlns: true,
    position: true,
    resolvePrefix: (prefix: string) => `urn:esxvirt:unbound-prefix:${prefix}`,
  });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: Error | undefined;
  let elements = 0;
  parser.on('error', (e) => {
    failure ??= e;
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= limits.maxDepth)
      throw new LimitReached(`${what} nests elements deeper than the limit of ${limits.maxDepth} (line ${parser.line})`);
    if (++elements > limits.maxElements)
      throw new LimitReached(`${what} has more than the limit of ${limits.maxElements} elements (line ${parser.line})`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (typeof a === 'string') continue;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs[a.name] = a.value;
    }
    const parent = stack[stack.length - 1];
    const el: XmlElement = {
      name: tag.name,
      local: tag.local ?? tag.name,
      uri: tag.uri ?? '',
      attrs,
      children: [],
      text: '',
      line: parser.line,
      ...(parent ? { textOffset: parent.text.length } : {}),
    };
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    for (let i = 0; i < text.length && failure === undefined; i += SLICE) parser.write(text.slice(i, i + SLICE));
    if (failure === undefined) parser.close();
  } catch (e) {
    if (e instanceof LimitReached) throw new ConfigError(e.message);
    failure ??= e as Error;
  }
  if (failure || !root) {
    const msg = failure ? failure.message.replace(/^(?:[^:\s]*:)?\d+:\d+: /, '') : 'no root element';
    const line = failure ? ` at line ${parser.line}` : '';
    throw new ConfigError(`malformed ${what}${line}: ${msg}`);
  }
  return root;
}

/**
 * Decodes XML bytes as libxml2 does: a byte-order mark, else the encoding the XML declaration
 * names, else UTF-8; bytes invalid in that encoding, or an encoding it cannot read, are errors.
 */
export function decodeXmlBytes(bytes: Uint8Array, what = 'XML'): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let label = 'utf-8';
  let body = b;
  if (b[0] === 0xff && b[1] === 0xfe) [label, body] = ['utf-16le', b.subarray(2)];
  else if (b[0] === 0xfe && b[1] === 0xff) [label, body] = ['utf-16be', b.subarray(2)];
  else {
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) body = b.subarray(3);
    const m = /^<\?xml[^>]*?\sencoding\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(body.subarray(0, 200).toString('latin1'));
    const declared = m ? (m[1] ?? m[2] ?? '').toLowerCase() : undefined;
    if (declared !== undefined && /^utf-?16/.test(declared))
      throw new ConfigError(`malformed ${what}: labelled ${declared} but has 8-bit content`);
    if (declared !== undefined) label = declared;
  }
  const decode = charsetDecoder(label);
  if (decode === undefined) throw new ConfigError(`malformed ${what}: unsupported encoding '${label}'`);
  try {
    return decode(body);
  } catch {
    throw new ConfigError(`malformed ${what}: the text is not valid ${label}`);
  }
}

/** All text inside `el`, its descendants' included, in document order (XPath's string(), as libvirt reads values). */
export function textContent(el: XmlElement): string {
  if (el.children.length === 0) return el.text;
  let out = '';
  let at = 0;
  for (const c of el.children) {
    const offset = c.textOffset ?? at;
    out += el.text.slice(at, offset) + textContent(c);
    at = offset;
  }
  return out + el.text.slice(at);
}

/** The first child element with local name `local`, if any. */
export function child(el: XmlElement, local: string): XmlElement | undefined {
  for (const c of el.children) if (c.local === local) return c;
  return undefined;
}

/** All child elements with local name `local`. */
export function childrenNamed(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

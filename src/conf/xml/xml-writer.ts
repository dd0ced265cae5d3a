/**
 * A small writer for libvirt-style XML: 2-space indentation, single-quoted attributes,
 * empty elements as `<x/>`, all five XML special chars escaped (as libvirt does).
 */

/** Escapes text or attribute content the way libvirt's formatter does; drops chars XML 1.0 forbids. */
export function escapeXml(s: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x3c) rep = '&lt;';
    else if (c === 0x3e) rep = '&gt;';
    else if (c === 0x26) rep = '&amp;';
    else if (c === 0x22) rep = '&quot;';
    else if (c === 0x27) rep = '&apos;';
    else if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) rep = '';
    else if (c === 0xfffe || c === 0xffff) rep = '';
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/** Attribute list in output order; undefined values are skipped. */
export type Attrs = ReadonlyArray<readonly [string, string | number | undefined]>;

/** Appends indented XML lines to a string; the caller opens and closes elements in order. */
export class XmlWriter {
  private out = '';
  private depth = 0;

  private attrs(attrs: Attrs | undefined): string {
    if (!attrs) return '';
    let s = '';
    for (const [k, v] of attrs) if (v !== undefined) s += ` ${k}='${escapeXml(String(v))}'`;
    return s;
  }

  private indent(): string {
    return '  '.repeat(this.depth);
  }

  /** `<name attrs>` and one level deeper. */
  open(name: string, attrs?: Attrs): this {
    this.out += `${this.indent()}<${name}${this.attrs(attrs)}>\n`;
    this.depth++;
    return this;
  }

  /** `</name>` one level up. */
  close(name: string): this {
    this.depth--;
    this.out += `${this.indent()}</${name}>\n`;
    return this;
  }

  /** `<name attrs/>`. */
  empty(name: string, attrs?: Attrs): this {
    this.out += `${this.indent()}<${name}${this.attrs(attrs)}/>\n`;
    return this;
  }

  /** `<name attrs>text</name>`. */
  text(name: string, text: string | number, attrs?: Attrs): this {
    this.out += `${this.indent()}<${name}${this.attrs(attrs)}>${escapeXml(String(text))}</${name}>\n`;
    return this;
  }

  /** The XML written so far. */
  toString(): string {
    return this.out;
  }
}

/**
 * Escaping of text and attribute values for the XML we send. Everything that is
 * markup-significant is escaped (including `>`, so `]]>` can never appear), and the
 * characters XML 1.0 cannot carry at all are rejected rather than silently dropped:
 * a server would otherwise answer with an opaque parse fault.
 */
import { InvalidArgumentError } from '../errors.js';

// Anything that needs an entity, or that XML 1.0 forbids (C0 controls except tab/LF/CR,
// U+FFFE/U+FFFF, lone surrogates). Checked first so the common clean string costs one scan.
const NEEDS_WORK = /[&<>"'\t\n\r\u0000-\u001f\ufffe\uffff\ud800-\udfff]/;
const TEXT_ENTITIES = /[&<>"'\r]/g;
const ATTR_ENTITIES = /[&<>"'\t\n\r]/g;
const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // CR would be normalised to LF (and tab/LF to space in attributes) by any parser.
  '\r': '&#13;',
  '\t': '&#9;',
  '\n': '&#10;',
};

/** Escapes a string for element content; throws InvalidArgumentError on characters XML 1.0 forbids. */
export function escapeXmlText(s: string, where = 'value'): string {
  if (!NEEDS_WORK.test(s)) return s;
  assertXmlChars(s, where);
  return s.replace(TEXT_ENTITIES, entity);
}

/** Escapes a string for a double- or single-quoted attribute value; same rejection rules. */
export function escapeXmlAttr(s: string, where = 'attribute'): string {
  if (!NEEDS_WORK.test(s)) return s;
  assertXmlChars(s, where);
  return s.replace(ATTR_ENTITIES, entity);
}

/** Throws InvalidArgumentError naming the first character XML 1.0 cannot represent, if any. */
export function assertXmlChars(s: string, where = 'value'): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    } else if (c >= 0xe000 && c <= 0xfffd) {
      continue;
    }
    throw new InvalidArgumentError(
      `${where} contains U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${i}, which XML 1.0 cannot carry`,
    );
  }
}

function entity(ch: string): string {
  return ENTITY[ch] ?? ch;
}

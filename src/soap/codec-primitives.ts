/**
 * Lexical forms of XSD primitives: JavaScript value → element text for requests,
 * element text → JavaScript value for responses. Integers of every width become
 * `number` (exact up to 2^53, which covers vSphere's byte counts and keys).
 */
import { InvalidArgumentError, OperationError } from '../errors.js';
import { escapeXmlText } from './xml-escape.js';

const INT_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-0x80, 0x7f],
  short: [-0x8000, 0x7fff],
  int: [-0x80000000, 0x7fffffff],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** XSD types a server may name in xsi:type that we read as one of our primitives. */
export const XSD_ALIASES: Readonly<Record<string, string>> = {
  integer: 'long',
  unsignedLong: 'long',
  unsignedInt: 'long',
  unsignedShort: 'int',
  unsignedByte: 'short',
  decimal: 'double',
  anyURI: 'string',
  token: 'string',
  normalizedString: 'string',
  date: 'string',
  time: 'string',
};

/** Encodes a primitive value as escaped element text; throws InvalidArgumentError when it does not fit the type. */
export function formatPrimitive(type: string, value: unknown, where: string): string {
  switch (type) {
    case 'string':
    case 'anyType':
      if (typeof value !== 'string') throw mismatch(where, 'a string', value);
      return escapeXmlText(value, where);
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(where, 'a boolean', value);
      return value ? 'true' : 'false';
    case 'byte':
    case 'short':
    case 'int':
    case 'long': {
      const [min, max] = INT_RANGES[type] ?? [0, 0];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw mismatch(where, `an integer in ${type} range`, value);
      }
      return String(value);
    }
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw mismatch(where, 'a number', value);
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
      return String(value);
    case 'dateTime':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw mismatch(where, 'a valid Date', value);
      return value.toISOString();
    case 'base64Binary':
      if (!(value instanceof Uint8Array)) throw mismatch(where, 'a Uint8Array or Buffer', value);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    default:
      throw new InvalidArgumentError(`${where}: '${type}' is not a primitive type`);
  }
}

/** Decodes element text of a primitive type; throws OperationError on text that is not of that type. */
export function parsePrimitive(type: string, text: string, where: string): unknown {
  switch (type) {
    case 'string':
    case 'anyType':
      return text;
    case 'boolean': {
      const t = text.trim();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      throw malformed(where, type, text);
    }
    case 'byte':
    case 'short':
    case 'int':
    case 'long': {
      const t = text.trim();
      if (!/^[+-]?\d+$/.test(t)) throw malformed(where, type, text);
      return Number(t);
    }
    case 'float':
    case 'double': {
      const t = text.trim();
      if (t === 'INF' || t === '+INF') return Infinity;
      if (t === '-INF') return -Infinity;
      if (t === 'NaN') return NaN;
      const n = t === '' ? NaN : Number(t);
      if (Number.isNaN(n)) throw malformed(where, type, text);
      return n;
    }
    case 'dateTime': {
      const d = new Date(text.trim());
      if (Number.isNaN(d.getTime())) throw malformed(where, type, text);
      return d;
    }
    case 'base64Binary':
      return Buffer.from(text, 'base64');
    default:
      throw malformed(where, type, text);
  }
}

function mismatch(where: string, expected: string, value: unknown): InvalidArgumentError {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return new InvalidArgumentError(`${where} must be ${expected}, got ${got}`);
}

function malformed(where: string, type: string, text: string): OperationError {
  const shown = text.length > 40 ? `${text.slice(0, 40)}...` : text;
  return new OperationError(`malformed SOAP response: ${where} is not a valid ${type}: '${shown}'`);
}

/**
 * Request encoder: walks the schema to write a method call's parameters as XML,
 * members in declared (sequence) order, since vSphere rejects out-of-order members.
 *
 * Polymorphism: a data object value may carry `_type` naming a subtype of the declared
 * member type; the encoder then writes `xsi:type`. `anyType` members get `xsi:type`
 * always, inferred from the JavaScript value or given as a BoxedValue.
 */
import { InvalidArgumentError } from '../errors.js';
import { arrayTypeName, compileSchema, MOR_TYPE, type CompiledSchema } from './codec-schema.js';
import { formatPrimitive } from './codec-primitives.js';
import { wrapEnvelope } from './envelope.js';
import type { ManagedObjectReference, MemberSchema, Schema } from './schema-types.js';
import { escapeXmlAttr, escapeXmlText } from './xml-escape.js';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * Encodes a complete request envelope for `method` on `thisRef`; `params` is keyed by
 * parameter name. Throws InvalidArgumentError for unknown methods, missing required
 * parameters, values of the wrong type and characters XML 1.0 cannot carry.
 */
export function encodeRequest(
  schema: Schema,
  method: string,
  thisRef: ManagedObjectReference,
  params: Readonly<Record<string, unknown>> = {},
): string {
  const cs = compileSchema(schema);
  const def = Object.hasOwn(schema.methods, method) ? schema.methods[method] : undefined;
  if (!def) throw new InvalidArgumentError(`unknown SOAP method '${method}'`);
  const out: string[] = [`<${method} xmlns="${escapeXmlAttr(schema.namespace)}">`];
  encodeMor(thisRef, '_this', false, out, `${method}._this`);
  const declared = new Set<string>();
  for (const p of def.params) {
    declared.add(p.name);
    encodeMember(cs, p, params[p.name], out, `${method}.${p.name}`);
  }
  for (const key of Object.keys(params)) {
    if (!declared.has(key) && params[key] !== undefined) {
      throw new InvalidArgumentError(`${method} has no parameter '${key}'`);
    }
  }
  out.push(`</${method}>`);
  return wrapEnvelope(out.join(''));
}

function encodeMember(cs: CompiledSchema, m: MemberSchema, value: unknown, out: string[], where: string): void {
  if (value === undefined || value === null) {
    if (m.required) throw new InvalidArgumentError(`${where} is required`);
    return;
  }
  if (!m.list) {
    encodeValue(cs, m.type, value, m.name, out, where);
    return;
  }
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${where} must be an array`);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (item === undefined || item === null) throw new InvalidArgumentError(`${where}[${i}] is ${String(item)}`);
    encodeValue(cs, m.type, item, m.name, out, `${where}[${i}]`);
  }
}

function encodeValue(cs: CompiledSchema, type: string, value: unknown, elem: string, out: string[], where: string): void {
  if (type === 'anyType') return encodeAny(cs, value, elem, out, where);
  if (type === MOR_TYPE) return encodeMor(value, elem, false, out, where);
  switch (cs.kindOf(type)) {
    case 'primitive':
      out.push(`<${elem}>${formatPrimitive(type, value, where)}</${elem}>`);
      return;
    case 'enum':
      out.push(`<${elem}>${formatPrimitive('string', value, where)}</${elem}>`);
      return;
    case 'object':
      return encodeObject(cs, type, value, elem, false, out, where);
    default:
      throw new InvalidArgumentError(`${where}: type '${type}' cannot be encoded`);
  }
}

function encodeObject(
  cs: CompiledSchema,
  declType: string,
  value: unknown,
  elem: string,
  forceXsi: boolean,
  out: string[],
  where: string,
): void {
  if (!isPlainObject(value)) throw new InvalidArgumentError(`${where} must be an object of type ${declType}`);
  const tag = value._type;
  if (tag !== undefined && typeof tag !== 'string') throw new InvalidArgumentError(`${where}._type must be a string`);
  const actual = tag ?? declType;
  const t = cs.objects.get(actual);
  if (!t) throw new InvalidArgumentError(`${where}: unknown data object type '${actual}'`);
  if (declType !== 'anyType' && !t.ancestors.has(declType)) {
    throw new InvalidArgumentError(`${where}: ${actual} is not a ${declType}`);
  }
  out.push(actual !== declType || forceXsi ? `<${elem} xsi:type="${actual}">` : `<${elem}>`);
  for (const m of t.members) encodeMember(cs, m, value[m.name], out, `${where}.${m.name}`);
  for (const key of Object.keys(value)) {
    if (key !== '_type' && !t.byName.has(key) && value[key] !== undefined) {
      throw new InvalidArgumentError(`${where}: ${actual} has no member '${key}'`);
    }
  }
  out.push(`</${elem}>`);
}

function encodeMor(value: unknown, elem: string, withXsi: boolean, out: string[], where: string): void {
  if (!isPlainObject(value) || typeof value.type !== 'string' || typeof value.value !== 'string') {
    throw new InvalidArgumentError(`${where} must be a managed object reference {type, value}`);
  }
  const xsi = withXsi ? ` xsi:type="${MOR_TYPE}"` : '';
  out.push(`<${elem}${xsi} type="${escapeXmlAttr(value.type, `${where}.type`)}">${escapeXmlText(value.value, `${where}.value`)}</${elem}>`);
}

/** anyType: the wire type must always be stated, so infer it or take it from a BoxedValue. */
function encodeAny(cs: CompiledSchema, value: unknown, elem: string, out: string[], where: string): void {
  const xsd = inferPrimitive(value);
  if (xsd !== undefined) {
    out.push(`<${elem} xsi:type="xsd:${xsd}">${formatPrimitive(xsd, value, where)}</${elem}>`);
    return;
  }
  if (Array.isArray(value)) return encodeArray(cs, inferItemType(value, where), value, elem, out, where);
  if (!isPlainObject(value)) throw new InvalidArgumentError(`${where}: cannot encode ${typeof value} as anyType`);
  const tag = value._type;
  if (tag === undefined) {
    if (typeof value.type === 'string' && typeof value.value === 'string') return encodeMor(value, elem, true, out, where);
    throw new InvalidArgumentError(`${where}: object needs a _type to be sent as anyType`);
  }
  if (typeof tag !== 'string') throw new InvalidArgumentError(`${where}._type must be a string`);
  if (!('_value' in value))
    return tag === MOR_TYPE ? encodeMor(value, elem, true, out, where) : encodeObject(cs, tag, value, elem, true, out, where);
  const inner = value._value;
  switch (cs.kindOf(tag)) {
    case 'primitive':
      if (tag === MOR_TYPE) return encodeMor(inner, elem, true, out, where);
      if (tag === 'anyType') throw new InvalidArgumentError(`${where}: 'anyType' is not a concrete type`);
      out.push(`<${elem} xsi:type="xsd:${tag}">${formatPrimitive(tag, inner, where)}</${elem}>`);
      return;
    case 'enum':
      out.push(`<${elem} xsi:type="${tag}">${formatPrimitive('string', inner, where)}</${elem}>`);
      return;
    case 'array': {
      if (!Array.isArray(inner)) throw new InvalidArgumentError(`${where}._value must be an array for ${tag}`);
      return encodeArray(cs, cs.arrayItem(tag) ?? '', inner, elem, out, where);
    }
    default:
      throw new InvalidArgumentError(`${where}: unknown type '${tag}'`);
  }
}

function encodeArray(cs: CompiledSchema, itemType: string, items: readonly unknown[], elem: string, out: string[], where: string): void {
  out.push(`<${elem} xsi:type="${arrayTypeName(itemType)}">`);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === undefined || item === null) throw new InvalidArgumentError(`${where}[${i}] is ${String(item)}`);
    encodeValue(cs, itemType, item, itemType, out, `${where}[${i}]`);
  }
  out.push(`</${elem}>`);
}

function inferPrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      if (Number.isInteger(value))
        return value >= INT32_MIN && value <= INT32_MAX ? 'int' : Number.isSafeInteger(value) ? 'long' : 'double';
      return 'double';
    default:
      if (value instanceof Date) return 'dateTime';
      if (value instanceof Uint8Array) return 'base64Binary';
      return undefined;
  }
}

/** One wire type for all items, widening int to long to double; objects must agree on _type. */
function inferItemType(items: readonly unknown[], where: string): string {
  if (items.length === 0)
    throw new InvalidArgumentError(`${where}: an empty array needs a BoxedValue such as {_type: 'ArrayOfString', _value: []}`);
  const rank = ['int', 'long', 'double'];
  let result: string | undefined;
  for (const item of items) {
    let t = inferPrimitive(item);
    if (t === undefined && isPlainObject(item)) {
      if (typeof item._type === 'string') t = item._type;
      else if (typeof item.type === 'string' && typeof item.value === 'string') t = MOR_TYPE;
    }
    if (t === undefined) throw new InvalidArgumentError(`${where}: cannot infer the wire type of an array item; use a BoxedValue`);
    if (result !== undefined && t !== result) {
      if (!rank.includes(t) || !rank.includes(result))
        throw new InvalidArgumentError(`${where}: array mixes ${result} and ${t}; use a BoxedValue`);
      t = rank[Math.max(rank.indexOf(t), rank.indexOf(result))] ?? t;
    }
    result = t;
  }
  return result ?? 'anyType';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

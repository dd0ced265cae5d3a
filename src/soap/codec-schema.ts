/**
 * Indexes a Schema once for the encoder and decoder: members flattened along the
 * inheritance chain (base members first, which is XSD extension order), lookup by
 * element name, subtype tests, and the ArrayOfX naming rule of the vim25 wire format.
 */
import { InternalError } from '../errors.js';
import type { MemberSchema, Schema } from './schema-types.js';

/** The wire name of the typed reference type; part of the vim25 wire format, not a vSphere type. */
export const MOR_TYPE = 'ManagedObjectReference';

/** Primitive type names (XSD local names) plus the reference type. */
export const PRIMITIVES: ReadonlySet<string> = new Set([
  'string',
  'int',
  'long',
  'short',
  'byte',
  'boolean',
  'float',
  'double',
  'dateTime',
  'base64Binary',
  'anyType',
  MOR_TYPE,
]);

/** A data object type with its inherited members resolved. */
export interface CompiledObject {
  readonly name: string;
  /** All members, base type's first, in wire order. */
  readonly members: readonly MemberSchema[];
  readonly byName: ReadonlyMap<string, MemberSchema>;
  /** Required list members: decoded as [] when the server sends no item. */
  readonly requiredLists: readonly string[];
  /** This type and all its base types. */
  readonly ancestors: ReadonlySet<string>;
}

/** What kind of thing a type name denotes. */
export type TypeKind = 'primitive' | 'enum' | 'object' | 'array' | 'unknown';

/** A schema with its lookup tables built. */
export interface CompiledSchema {
  readonly schema: Schema;
  readonly objects: ReadonlyMap<string, CompiledObject>;
  kindOf(type: string): TypeKind;
  /** For 'ArrayOfString' → 'string', 'ArrayOfOptionValue' → 'OptionValue'; undefined when not a known array type. */
  arrayItem(type: string): string | undefined;
}

const cache = new WeakMap<Schema, CompiledSchema>();

/**
 * Builds (once per schema object) and returns the lookup tables. Throws InternalError when a method names an unknown
 * type; `objects.get` throws it for an inconsistent data object type (resolved on first use).
 */
export function compileSchema(schema: Schema): CompiledSchema {
  let compiled = cache.get(schema);
  if (!compiled) {
    compiled = build(schema);
    cache.set(schema, compiled);
  }
  return compiled;
}

/** The ArrayOfX wire name for item type X (e.g. 'string' → 'ArrayOfString'). */
export function arrayTypeName(itemType: string): string {
  return 'ArrayOf' + itemType.charAt(0).toUpperCase() + itemType.slice(1);
}

function build(schema: Schema): CompiledSchema {
  const known = (t: string): boolean => PRIMITIVES.has(t) || Object.hasOwn(schema.enums, t) || Object.hasOwn(schema.objects, t);
  const objects = new CompiledObjects(schema, known);

  for (const [name, method] of Object.entries(schema.methods)) {
    for (const p of method.params) {
      if (!known(p.type)) throw new InternalError(`schema: method ${name} parameter ${p.name} has unknown type '${p.type}'`);
    }
    if (method.returns && !known(method.returns.type)) {
      throw new InternalError(`schema: method ${name} returns unknown type '${method.returns.type}'`);
    }
  }

  const kindOf = (type: string): TypeKind => {
    if (PRIMITIVES.has(type)) return 'primitive';
    if (Object.hasOwn(schema.objects, type)) return 'object';
    if (Object.hasOwn(schema.enums, type)) return 'enum';
    if (arrayItem(type) !== undefined) return 'array';
    return 'unknown';
  };
  const arrayItems = new Map<string, string | undefined>();
  const arrayItem = (type: string): string | undefined => {
    if (arrayItems.has(type)) return arrayItems.get(type);
    let item: string | undefined;
    if (type.startsWith('ArrayOf') && type.length > 7) {
      const rest = type.slice(7);
      const lower = rest.charAt(0).toLowerCase() + rest.slice(1);
      if (rest === MOR_TYPE || Object.hasOwn(schema.objects, rest) || Object.hasOwn(schema.enums, rest)) item = rest;
      else if (PRIMITIVES.has(lower)) item = lower;
    }
    // Bounded: only names seen on the wire or in requests end up here.
    if (arrayItems.size < 10_000) arrayItems.set(type, item);
    return item;
  };

  return { schema, objects, kindOf, arrayItem };
}

/**
 * The data object types, each resolved (members flattened, checked) when first asked for: a command uses a handful of
 * vim25's ~300 types, and resolving them all took ~3 ms before the first call of every run. Iterating resolves all.
 */
class CompiledObjects implements ReadonlyMap<string, CompiledObject> {
  readonly #schema: Schema;
  readonly #known: (type: string) => boolean;
  readonly #done = new Map<string, CompiledObject>();

  constructor(schema: Schema, known: (type: string) => boolean) {
    this.#schema = schema;
    this.#known = known;
  }

  get(name: string): CompiledObject | undefined {
    return this.#done.get(name) ?? (Object.hasOwn(this.#schema.objects, name) ? this.#resolve(name, []) : undefined);
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#schema.objects, name);
  }

  get size(): number {
    return Object.keys(this.#schema.objects).length;
  }

  *entries(): MapIterator<[string, CompiledObject]> {
    for (const name of Object.keys(this.#schema.objects)) yield [name, this.get(name) as CompiledObject];
  }

  *keys(): MapIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): MapIterator<CompiledObject> {
    for (const [, object] of this.entries()) yield object;
  }

  [Symbol.iterator](): MapIterator<[string, CompiledObject]> {
    return this.entries();
  }

  forEach(fn: (value: CompiledObject, key: string, map: ReadonlyMap<string, CompiledObject>) => void, thisArg?: unknown): void {
    for (const [name, object] of this.entries()) fn.call(thisArg, object, name, this);
  }

  #resolve(name: string, seen: string[]): CompiledObject {
    const done = this.#done.get(name);
    if (done) return done;
    if (seen.includes(name)) throw new InternalError(`schema: inheritance cycle ${[...seen, name].join(' -> ')}`);
    const def = this.#schema.objects[name];
    if (!def) throw new InternalError(`schema: unknown data object type '${name}'`);
    const base = def.base === undefined ? undefined : this.#resolve(def.base, [...seen, name]);
    const members = [...(base?.members ?? []), ...def.members];
    const byName = new Map<string, MemberSchema>();
    for (const m of members) {
      if (!this.#known(m.type)) throw new InternalError(`schema: ${name}.${m.name} has unknown type '${m.type}'`);
      if (byName.has(m.name)) throw new InternalError(`schema: ${name}.${m.name} declared twice`);
      byName.set(m.name, m);
    }
    const compiled: CompiledObject = {
      name,
      members,
      byName,
      requiredLists: members.filter((m) => m.list && m.required).map((m) => m.name),
      ancestors: new Set([name, ...(base?.ancestors ?? [])]),
    };
    this.#done.set(name, compiled);
    return compiled;
  }
}

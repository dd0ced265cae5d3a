/**
 * gen-vim25's declaration model: the parsed shape of src/vim25/vim25.input, its parser and
 * its checks. Kept apart from the emitters in gen-vim25.ts; imports nothing from src/.
 */

/** A type as written in a member, parameter or return. */
export interface TypeRef {
  /** Declared spelling: a primitive keyword, 'ManagedObjectReference', or an enum/object name. */
  name: string;
  /** For `ManagedObjectReference:X`, the managed type X. */
  managed?: string;
}
/** A data object member or method parameter, with its source line. */
export interface Member {
  type: TypeRef;
  name: string;
  list: boolean;
  required: boolean;
  line: number;
}
/** `enum Name` and its values. */
export interface EnumDecl {
  kind: 'enum';
  name: string;
  values: string[];
  line: number;
}
/** `object`/`fault Name [extends Base]` and its own members. */
export interface ObjectDecl {
  kind: 'object';
  name: string;
  base?: string;
  fault: boolean;
  members: Member[];
  line: number;
}
/** `managed Name [extends Base]`. */
export interface ManagedDecl {
  kind: 'managed';
  name: string;
  base?: string;
  line: number;
}
/** `method Name [returns Type occ]` and its parameters, `_this` first. */
export interface MethodDecl {
  kind: 'method';
  name: string;
  returns?: { type: TypeRef; list: boolean; required: boolean };
  params: Member[];
  line: number;
}
/** Any top-level declaration. */
export type Decl = EnumDecl | ObjectDecl | ManagedDecl | MethodDecl;
/** The whole declaration file. */
export interface Model {
  namespace: string;
  decls: Decl[];
}

/** Declared primitive keyword → [TypeScript type, schema (XSD) type name]. */
export const PRIMITIVES: Readonly<Record<string, readonly [string, string]>> = {
  String: ['string', 'string'],
  Int: ['number', 'int'],
  Long: ['number', 'long'],
  Short: ['number', 'short'],
  Byte: ['number', 'byte'],
  Boolean: ['boolean', 'boolean'],
  Float: ['number', 'float'],
  Double: ['number', 'double'],
  DateTime: ['Date', 'dateTime'],
  Binary: ['Uint8Array', 'base64Binary'],
  AnyType: ['unknown', 'anyType'],
  ManagedObjectReference: ['ManagedObjectReference', 'ManagedObjectReference'],
};
/** Names the generated code uses itself; a declaration must not shadow them. */
export const RESERVED = new Set(['Date', 'Uint8Array', 'ManagedTypes', 'MoRef', 'ManagedTypeName', 'FaultTypeName', 'isMoRef', 'Array', 'Promise', 'Record', 'Schema', 'SoapCaller']);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENUM_VALUE = /^[^\s'"\\`]+$/;
const OCCURRENCE: Readonly<Record<string, readonly [boolean, boolean]>> = { r: [false, true], o: [false, false], rl: [true, true], ol: [true, false] };

/** A declaration error with its position; the message reads FILE:LINE: text. */
export class DeclError extends Error {}

/** Parses the declaration text; collects every syntax error as "file:line: message". */
export function parse(text: string, file: string, errors: string[]): Model {
  const model: Model = { namespace: '', decls: [] };
  let open: Decl | undefined;
  const err = (line: number, msg: string): void => void errors.push(`${file}:${line}: ${msg}`);
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const tokens = raw.replace(/(^|\s)#.*$/, '').trim().split(/\s+/).filter((t) => t !== '');
    const [head, ...rest] = tokens;
    if (head === undefined) return;
    if (open) {
      if (head === 'end' && rest.length === 0) {
        open = undefined;
      } else if (open.kind === 'enum') {
        if (rest.length > 0 || !ENUM_VALUE.test(head)) err(line, `expected one enum value or 'end', got '${tokens.join(' ')}'`);
        else open.values.push(head);
      } else if (open.kind === 'object' || open.kind === 'method') {
        const m = parseMember(tokens, line, err);
        if (m) (open.kind === 'object' ? open.members : open.params).push(m);
      }
      return;
    }
    const name = rest[0];
    const extendsForm = (): string | undefined | null => {
      if (rest.length === 1) return undefined;
      if (rest.length === 3 && rest[1] === 'extends' && rest[2] !== undefined && IDENT.test(rest[2])) return rest[2];
      return null;
    };
    switch (head) {
      case 'namespace':
        if (rest.length !== 1 || name === undefined) err(line, "expected 'namespace URI'");
        else if (model.namespace !== '') err(line, 'namespace declared twice');
        else model.namespace = name;
        return;
      case 'enum':
        if (rest.length !== 1 || name === undefined || !IDENT.test(name)) return err(line, "expected 'enum Name'");
        model.decls.push((open = { kind: 'enum', name, values: [], line }));
        return;
      case 'object':
      case 'fault':
      case 'managed': {
        const base = extendsForm();
        if (name === undefined || !IDENT.test(name) || base === null) return err(line, `expected '${head} Name [extends Base]'`);
        const decl: Decl =
          head === 'managed'
            ? { kind: 'managed', name, line, ...(base ? { base } : {}) }
            : { kind: 'object', name, fault: head === 'fault', members: [], line, ...(base ? { base } : {}) };
        model.decls.push(decl);
        if (head !== 'managed') open = decl;
        return;
      }
      case 'method': {
        if (name === undefined || !IDENT.test(name)) return err(line, "expected 'method Name [returns Type occurrence]'");
        const decl: MethodDecl = { kind: 'method', name, params: [], line };
        if (rest.length === 4 && rest[1] === 'returns') {
          const type = parseTypeRef(rest[2] ?? '');
          const occ = OCCURRENCE[rest[3] ?? ''];
          if (!type || !occ) return err(line, `bad return type/occurrence '${rest.slice(2).join(' ')}' (occurrence is r, o, rl or ol)`);
          decl.returns = { type, list: occ[0], required: occ[1] };
        } else if (rest.length !== 1) {
          return err(line, "expected 'method Name [returns Type occurrence]'");
        }
        model.decls.push((open = decl));
        return;
      }
      default:
        err(line, `unexpected '${head}': expected namespace, enum, object, fault, managed or method`);
    }
  });
  if (open) err(open.line, `${open.kind} ${open.name} is not closed with 'end'`);
  if (model.namespace === '') err(1, "missing 'namespace URI' line");
  return model;
}

function parseMember(tokens: string[], line: number, err: (line: number, msg: string) => void): Member | undefined {
  const [typeText, name, occText] = tokens;
  if (tokens.length !== 3 || typeText === undefined || name === undefined || occText === undefined) {
    err(line, `expected 'Type name occurrence' or 'end', got '${tokens.join(' ')}'`);
    return undefined;
  }
  const type = parseTypeRef(typeText);
  const occ = OCCURRENCE[occText];
  if (!type) err(line, `bad type '${typeText}'`);
  if (!IDENT.test(name)) err(line, `bad member name '${name}'`);
  if (!occ) err(line, `bad occurrence '${occText}' (r, o, rl or ol)`);
  if (!type || !occ || !IDENT.test(name)) return undefined;
  return { type, name, list: occ[0], required: occ[1], line };
}

function parseTypeRef(text: string): TypeRef | undefined {
  const [name, managed, extra] = text.split(':');
  if (name === undefined || !IDENT.test(name) || extra !== undefined) return undefined;
  if (managed === undefined) return { name };
  if (name !== 'ManagedObjectReference' || !IDENT.test(managed)) return undefined;
  return { name, managed };
}

/** Checks names, references, inheritance and method shapes; appends "file:line: message" errors. */
export function validate(model: Model, file: string, errors: string[]): void {
  const err = (line: number, msg: string): void => void errors.push(`${file}:${line}: ${msg}`);
  const types = new Map<string, EnumDecl | ObjectDecl>();
  const managed = new Map<string, ManagedDecl>();
  const methods = new Set<string>();
  for (const d of model.decls) {
    if (PRIMITIVES[d.name] || RESERVED.has(d.name)) err(d.line, `'${d.name}' is a reserved name`);
    if (d.kind === 'method') {
      if (methods.has(d.name)) err(d.line, `method ${d.name} declared twice`);
      methods.add(d.name);
    } else if (types.has(d.name) || managed.has(d.name)) {
      err(d.line, `'${d.name}' declared twice`);
    } else if (d.kind === 'managed') {
      managed.set(d.name, d);
    } else {
      types.set(d.name, d);
    }
  }
  for (const d of model.decls) {
    if (d.kind !== 'method' && d.name.startsWith('Any') && types.has(d.name.slice(3))) err(d.line, `'${d.name}' collides with the generated alias for ${d.name.slice(3)} and its subtypes`);
  }
  const checkType = (t: TypeRef, line: number, what: string): void => {
    if (t.managed !== undefined && !managed.has(t.managed)) err(line, `${what}: unknown managed object type '${t.managed}'`);
    if (!PRIMITIVES[t.name] && !types.has(t.name)) err(line, `${what}: unknown type '${t.name}'`);
  };
  const chain = <D extends { name: string; base?: string; line: number }>(d: D, table: Map<string, D>, label: string): D[] => {
    const seen: D[] = [d];
    for (let cur = d; cur.base !== undefined; ) {
      const next = table.get(cur.base);
      if (!next) {
        err(cur.line, `${cur.name} extends unknown ${label} '${cur.base}'`);
        return seen;
      }
      if (seen.includes(next)) {
        err(d.line, `inheritance cycle through ${d.name}`);
        return seen;
      }
      seen.push(next);
      cur = next;
    }
    return seen;
  };
  for (const d of model.decls) {
    if (d.kind === 'enum') {
      if (d.values.length === 0) err(d.line, `enum ${d.name} has no values`);
      if (new Set(d.values).size !== d.values.length) err(d.line, `enum ${d.name} repeats a value`);
    } else if (d.kind === 'managed') {
      chain(d, managed, 'managed object type');
    } else if (d.kind === 'object') {
      const objects = new Map([...types].filter((e): e is [string, ObjectDecl] => e[1].kind === 'object'));
      const ancestry = chain(d, objects, 'data object type');
      const base = ancestry[1];
      if (base && base.fault !== d.fault) err(d.line, `${d.fault ? 'fault' : 'object'} ${d.name} extends ${base.fault ? 'fault' : 'object'} ${base.name}: use '${base.fault ? 'fault' : 'object'}'`);
      const inherited = new Set(ancestry.slice(1).flatMap((a) => a.members.map((m) => m.name)));
      const own = new Set<string>();
      for (const m of d.members) {
        checkType(m.type, m.line, `${d.name}.${m.name}`);
        if (own.has(m.name) || inherited.has(m.name)) err(m.line, `${d.name}.${m.name} declared twice (here or in a base type)`);
        own.add(m.name);
      }
    } else {
      if (d.returns) checkType(d.returns.type, d.line, `${d.name} return value`);
      const [first, ...params] = d.params;
      if (!first || first.name !== '_this' || first.type.name !== 'ManagedObjectReference' || first.list || !first.required) {
        err(first?.line ?? d.line, `method ${d.name}: first parameter must be 'ManagedObjectReference[:Type] _this r'`);
      } else {
        checkType(first.type, first.line, `${d.name}._this`);
      }
      const names = new Set<string>();
      for (const p of params) {
        checkType(p.type, p.line, `${d.name}.${p.name}`);
        if (p.name === '_this' || names.has(p.name)) err(p.line, `${d.name}: parameter ${p.name} declared twice`);
        names.add(p.name);
      }
    }
  }
}

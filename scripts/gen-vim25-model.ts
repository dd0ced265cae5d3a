/**
 * gen-vim25's declaration model: the parsed shape of the area files in src/vim25/input/, their parser and
 * the checks. Kept apart from the emitters in gen-vim25.ts; imports nothing from src/.
 */

/** A type as written in a member, parameter, property or return. */
export interface TypeRef {
  /** Declared spelling: a primitive keyword, 'ManagedObjectReference', or an enum/object name. */
  name: string;
  /** For `ManagedObjectReference:X`, the managed type X. */
  managed?: string;
}
/** A data object member, method parameter or managed object property, with its source line. */
export interface Member {
  type: TypeRef;
  name: string;
  list: boolean;
  required: boolean;
  line: number;
}
/** `path alias a.b.c` inside a managed block: a nested property path worth a name. */
export interface PathDecl {
  name: string;
  segments: string[];
  line: number;
}
/** What every top-level declaration has: its name and where it was written. */
interface DeclBase {
  name: string;
  file: string;
  line: number;
}
/** `enum Name` and its values. */
export interface EnumDecl extends DeclBase {
  kind: 'enum';
  values: string[];
}
/** `object`/`fault Name [extends Base]` and its own members. */
export interface ObjectDecl extends DeclBase {
  kind: 'object';
  base?: string;
  fault: boolean;
  members: Member[];
}
/** `managed Name [extends Base]`: its own properties and named nested paths. */
export interface ManagedDecl extends DeclBase {
  kind: 'managed';
  base?: string;
  props: Member[];
  paths: PathDecl[];
}
/** The flags a method line may carry after its signature. */
export const METHOD_FLAGS = ['idempotent', 'task'] as const;
/** One method flag. */
export type MethodFlag = (typeof METHOD_FLAGS)[number];
/** `method Name [returns Type occ] [flags]` and its parameters, `_this` first. */
export interface MethodDecl extends DeclBase {
  kind: 'method';
  returns?: { type: TypeRef; list: boolean; required: boolean };
  params: Member[];
  /** May be repeated after a connection failure (the retry policy reads this). */
  idempotent: boolean;
  /** Starts a vSphere task and returns its reference (`*_Task`). */
  task: boolean;
}
/** Any top-level declaration. */
export type Decl = EnumDecl | ObjectDecl | ManagedDecl | MethodDecl;
/** All area files together, declarations in reading order. */
export interface Model {
  namespace: string;
  decls: Decl[];
}
/** One input file's text and the name its errors carry. */
export interface Source {
  file: string;
  text: string;
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
export const RESERVED = new Set([
  'Date', 'Uint8Array', 'ManagedTypes', 'MoRef', 'ManagedTypeName', 'FaultTypeName', 'isMoRef', 'Array', 'Promise', 'Record', 'Schema',
  'SoapCaller', 'PropPath', 'TaskMethods', 'TaskMethodName', 'IDEMPOTENT_METHODS', 'TASK_METHODS', 'startTask', 'path',
]);
/** The name of the generated constant holding a managed type's property paths. */
export function propsConstName(managed: string): string {
  return `${managed}Props`;
}
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENUM_VALUE = /^[^\s'"\\`]+$/;
const OCCURRENCE: Readonly<Record<string, readonly [boolean, boolean]>> = { r: [false, true], o: [false, false], rl: [true, true], ol: [true, false] };

/** A declaration error with its position; the message reads FILE:LINE: text. */
export class DeclError extends Error {}

/** Parses the area files in order into one model; collects every syntax error as "file:line: message". */
export function parse(sources: readonly Source[], errors: string[]): Model {
  const model: Model = { namespace: '', decls: [] };
  for (const src of sources) parseFile(model, src, errors);
  if (model.namespace === '') errors.push(`${sources[0]?.file ?? '(no input)'}:1: missing 'namespace URI' line`);
  return model;
}

function parseFile(model: Model, { file, text }: Source, errors: string[]): void {
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
      } else if (open.kind === 'managed' && head === 'path') {
        const p = parsePath(rest, line, err);
        if (p) open.paths.push(p);
      } else {
        const m = parseMember(tokens, line, err, open.kind === 'managed' ? " or 'path alias a.b.c'" : '');
        if (m) (open.kind === 'object' ? open.members : open.kind === 'managed' ? open.props : open.params).push(m);
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
        model.decls.push((open = { kind: 'enum', name, values: [], file, line }));
        return;
      case 'object':
      case 'fault':
      case 'managed': {
        const base = extendsForm();
        if (name === undefined || !IDENT.test(name) || base === null) return err(line, `expected '${head} Name [extends Base]'`);
        const decl: Decl =
          head === 'managed'
            ? { kind: 'managed', name, props: [], paths: [], file, line, ...(base ? { base } : {}) }
            : { kind: 'object', name, fault: head === 'fault', members: [], file, line, ...(base ? { base } : {}) };
        model.decls.push((open = decl));
        return;
      }
      case 'method': {
        const decl = parseMethodLine(rest, file, line, err);
        if (decl) model.decls.push((open = decl));
        return;
      }
      default:
        err(line, `unexpected '${head}': expected namespace, enum, object, fault, managed or method`);
    }
  });
  if (open) err(open.line, `${open.kind} ${open.name} is not closed with 'end'`);
}

function parseMethodLine(rest: string[], file: string, line: number, err: (line: number, msg: string) => void): MethodDecl | undefined {
  const [name] = rest;
  const usage = "expected 'method Name [returns Type occurrence] [idempotent] [task]'";
  if (name === undefined || !IDENT.test(name)) return void err(line, usage);
  const decl: MethodDecl = { kind: 'method', name, params: [], idempotent: false, task: false, file, line };
  // A method with a faulty line still opens its block, so its parameters do not read as stray lines.
  let flags = rest.slice(1);
  if (flags[0] === 'returns') {
    const type = parseTypeRef(flags[1] ?? '');
    const occ = OCCURRENCE[flags[2] ?? ''];
    if (!type || !occ) err(line, `bad return type/occurrence '${flags.slice(1, 3).join(' ')}' (occurrence is r, o, rl or ol)`);
    else decl.returns = { type, list: occ[0], required: occ[1] };
    flags = flags.slice(3);
  }
  for (const f of flags) {
    if (!(METHOD_FLAGS as readonly string[]).includes(f)) err(line, `unknown method flag '${f}': ${usage}`);
    else if (decl[f as MethodFlag]) err(line, `method ${name}: flag '${f}' given twice`);
    else decl[f as MethodFlag] = true;
  }
  return decl;
}

function parseMember(tokens: string[], line: number, err: (line: number, msg: string) => void, alternative: string): Member | undefined {
  const [typeText, name, occText] = tokens;
  if (tokens.length !== 3 || typeText === undefined || name === undefined || occText === undefined) {
    err(line, `expected 'Type name occurrence'${alternative} or 'end', got '${tokens.join(' ')}'`);
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

function parsePath(rest: string[], line: number, err: (line: number, msg: string) => void): PathDecl | undefined {
  const [name, dotted] = rest;
  const segments = dotted?.split('.') ?? [];
  if (rest.length !== 2 || name === undefined || !IDENT.test(name) || segments.length < 2 || !segments.every((s) => IDENT.test(s))) {
    err(line, `expected 'path alias a.b[.c…]' (a nested property path), got 'path ${rest.join(' ')}'`);
    return undefined;
  }
  return { name, segments, line };
}

function parseTypeRef(text: string): TypeRef | undefined {
  const [name, managed, extra] = text.split(':');
  if (name === undefined || !IDENT.test(name) || extra !== undefined) return undefined;
  if (managed === undefined) return { name };
  if (name !== 'ManagedObjectReference' || !IDENT.test(managed)) return undefined;
  return { name, managed };
}

/** Name lookups over a parsed model, shared by the checks and the emitters. */
export class ModelIndex {
  readonly types = new Map<string, EnumDecl | ObjectDecl>();
  readonly managed = new Map<string, ManagedDecl>();

  constructor(model: Model) {
    for (const d of model.decls) {
      if (d.kind === 'managed') {
        if (!this.managed.has(d.name)) this.managed.set(d.name, d);
      } else if (d.kind !== 'method' && !this.types.has(d.name)) {
        this.types.set(d.name, d);
      }
    }
  }

  /** `d` and its declared ancestors, nearest first; stops at an unknown base or a cycle. */
  ancestry<D extends ObjectDecl | ManagedDecl>(d: D): D[] {
    const table = (d.kind === 'managed' ? this.managed : this.types) as Map<string, Decl>;
    const seen: D[] = [d];
    for (let next = d.base === undefined ? undefined : table.get(d.base); next !== undefined && next.kind === d.kind && !seen.includes(next as D); ) {
      seen.push(next as D);
      const base: string | undefined = (next as D).base;
      next = base === undefined ? undefined : table.get(base);
    }
    return seen;
  }

  /** A data object's member by name, its base types' members included. */
  memberOf(object: ObjectDecl, name: string): Member | undefined {
    for (const o of this.ancestry(object)) {
      const m = o.members.find((x) => x.name === name);
      if (m) return m;
    }
    return undefined;
  }

  /** A managed type's properties, the root ancestor's first. */
  propsOf(d: ManagedDecl): Member[] {
    return this.ancestry(d).reverse().flatMap((a) => a.props);
  }

  /** A managed type's named paths, the root ancestor's first. */
  pathsOf(d: ManagedDecl): PathDecl[] {
    return this.ancestry(d).reverse().flatMap((a) => a.paths);
  }

  /** Follows a nested path from a property of `d` through data object members; the leaf, or why it fails. */
  resolvePath(d: ManagedDecl, segments: readonly string[]): Member | string {
    const [first, ...rest] = segments;
    let cur = this.propsOf(d).find((p) => p.name === first);
    if (cur === undefined) return `'${first ?? ''}' is not a declared property of ${d.name}`;
    let where = first as string;
    for (const seg of rest) {
      const obj = this.types.get(cur.type.name);
      if (cur.list) return `'${where}' is a list: a path cannot go through it`;
      if (obj === undefined || obj.kind !== 'object') return `'${where}' is of type ${cur.type.name}, which has no members`;
      const next = this.memberOf(obj, seg);
      if (next === undefined) return `${obj.name} (at '${where}') has no declared member '${seg}'`;
      cur = next;
      where = `${where}.${seg}`;
    }
    return cur;
  }
}

/** Checks names, references, inheritance, properties, paths and method shapes; appends "file:line: message" errors. */
export function validate(model: Model, errors: string[]): void {
  const at = (d: { file: string }, line: number, msg: string): void => void errors.push(`${d.file}:${line}: ${msg}`);
  const index = new ModelIndex(model);
  const methods = new Set<string>();
  const seenTypes = new Set<string>();
  for (const d of model.decls) {
    if (PRIMITIVES[d.name] || RESERVED.has(d.name)) at(d, d.line, `'${d.name}' is a reserved name`);
    if (d.kind === 'method') {
      if (methods.has(d.name)) at(d, d.line, `method ${d.name} declared twice`);
      methods.add(d.name);
    } else if (seenTypes.has(d.name)) {
      at(d, d.line, `'${d.name}' declared twice`);
    } else {
      seenTypes.add(d.name);
    }
  }
  for (const d of model.decls) {
    if (d.kind !== 'method' && d.name.startsWith('Any') && index.types.has(d.name.slice(3))) at(d, d.line, `'${d.name}' collides with the generated alias for ${d.name.slice(3)} and its subtypes`);
    if (d.kind === 'managed' && seenTypes.has(propsConstName(d.name))) at(d, d.line, `'${propsConstName(d.name)}' collides with the generated property paths of ${d.name}`);
  }
  const checkType = (d: Decl, t: TypeRef, line: number, what: string): void => {
    if (t.managed !== undefined && !index.managed.has(t.managed)) at(d, line, `${what}: unknown managed object type '${t.managed}'`);
    if (!PRIMITIVES[t.name] && !index.types.has(t.name)) at(d, line, `${what}: unknown type '${t.name}'`);
  };
  const checkChain = (d: ObjectDecl | ManagedDecl, label: string): void => {
    const chain = index.ancestry(d);
    const last = chain[chain.length - 1] as ObjectDecl | ManagedDecl;
    if (last.base === undefined) return;
    const table: Map<string, Decl> = d.kind === 'managed' ? index.managed : index.types;
    const next = table.get(last.base);
    // Each problem once: an unknown base where it is named, a cycle at each of its members.
    if (next === undefined || next.kind !== d.kind) {
      if (last === d) at(d, d.line, `${d.name} extends unknown ${label} '${d.base ?? ''}'`);
    } else if (next === d) {
      at(d, d.line, `inheritance cycle through ${d.name}`);
    }
  };
  for (const d of model.decls) {
    if (d.kind === 'enum') {
      if (d.values.length === 0) at(d, d.line, `enum ${d.name} has no values`);
      if (new Set(d.values).size !== d.values.length) at(d, d.line, `enum ${d.name} repeats a value`);
    } else if (d.kind === 'managed') {
      checkChain(d, 'managed object type');
      validateManaged(d, index, at, checkType);
    } else if (d.kind === 'object') {
      checkChain(d, 'data object type');
      const ancestry = index.ancestry(d);
      const base = ancestry[1];
      if (base && base.fault !== d.fault) at(d, d.line, `${d.fault ? 'fault' : 'object'} ${d.name} extends ${base.fault ? 'fault' : 'object'} ${base.name}: use '${base.fault ? 'fault' : 'object'}'`);
      const inherited = new Set(ancestry.slice(1).flatMap((a) => a.members.map((m) => m.name)));
      const own = new Set<string>();
      for (const m of d.members) {
        checkType(d, m.type, m.line, `${d.name}.${m.name}`);
        if (own.has(m.name) || inherited.has(m.name)) at(d, m.line, `${d.name}.${m.name} declared twice (here or in a base type)`);
        own.add(m.name);
      }
    } else {
      validateMethod(d, at, checkType);
    }
  }
}

type At = (d: { file: string }, line: number, msg: string) => void;
type CheckType = (d: Decl, t: TypeRef, line: number, what: string) => void;

function validateManaged(d: ManagedDecl, index: ModelIndex, at: At, checkType: CheckType): void {
  const ancestors = index.ancestry(d).slice(1);
  const inherited = new Set(ancestors.flatMap((a) => [...a.props.map((p) => p.name), ...a.paths.map((p) => p.name)]));
  const own = new Set<string>();
  const claim = (name: string, line: number, what: string): void => {
    if (own.has(name) || inherited.has(name)) at(d, line, `${d.name}.${name}: ${what} name already used (here or in a base type)`);
    own.add(name);
  };
  for (const p of d.props) {
    checkType(d, p.type, p.line, `${d.name}.${p.name}`);
    claim(p.name, p.line, 'property');
  }
  for (const p of d.paths) {
    claim(p.name, p.line, 'path');
    const leaf = index.resolvePath(d, p.segments);
    if (typeof leaf === 'string') at(d, p.line, `${d.name}.${p.name} (${p.segments.join('.')}): ${leaf}`);
  }
}

function validateMethod(d: MethodDecl, at: At, checkType: CheckType): void {
  if (d.returns) checkType(d, d.returns.type, d.line, `${d.name} return value`);
  const [first, ...params] = d.params;
  if (!first || first.name !== '_this' || first.type.name !== 'ManagedObjectReference' || first.list || !first.required) {
    at(d, first?.line ?? d.line, `method ${d.name}: first parameter must be 'ManagedObjectReference[:Type] _this r'`);
  } else {
    checkType(d, first.type, first.line, `${d.name}._this`);
  }
  const names = new Set<string>();
  for (const p of params) {
    checkType(d, p.type, p.line, `${d.name}.${p.name}`);
    if (p.name === '_this' || names.has(p.name)) at(d, p.line, `${d.name}: parameter ${p.name} declared twice`);
    names.add(p.name);
  }
  // vSphere names every method that starts a task *_Task; the flag makes that a checked fact the retry policy can trust.
  const r = d.returns;
  if (d.task && (r === undefined || r.type.name !== 'ManagedObjectReference' || r.type.managed !== 'Task' || r.list || !r.required)) {
    at(d, d.line, `method ${d.name}: a 'task' method returns 'ManagedObjectReference:Task r'`);
  }
  if (d.task !== d.name.endsWith('_Task')) at(d, d.line, d.task ? `method ${d.name}: flagged 'task' but not named *_Task` : `method ${d.name}: a *_Task method must be flagged 'task'`);
  if (d.task && d.idempotent) at(d, d.line, `method ${d.name}: a task is never repeated blindly, so it cannot be 'idempotent'`);
}

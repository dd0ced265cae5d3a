/**
 * gen-vim25's declaration model: the parsed shape of the area files in src/vim25/input/ and their parser (the
 * checks are in gen-vim25-check.ts, the emitters in gen-vim25-emit*.ts). Imports nothing from src/.
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
  'Date',
  'Uint8Array',
  'ManagedTypes',
  'MoRef',
  'ManagedTypeName',
  'FaultTypeName',
  'isMoRef',
  'Array',
  'Promise',
  'Record',
  'Schema',
  'SoapCaller',
  'PropPath',
  'TaskMethods',
  'TaskMethodName',
  'IDEMPOTENT_METHODS',
  'TASK_METHODS',
  'startTask',
  'path',
]);
/** The name of the generated constant holding a managed type's property paths. */
export function propsConstName(managed: string): string {
  return `${managed}Props`;
}
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENUM_VALUE = /^[^\s'"\\`]+$/;
const OCCURRENCE: Readonly<Record<string, readonly [boolean, boolean]>> = {
  r: [false, true],
  o: [false, false],
  rl: [true, true],
  ol: [true, false],
};

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
    const tokens = raw
      .replace(/(^|\s)#.*$/, '')
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '');
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

/**
 * gen-vim25's checks of a parsed declaration: names, references, inheritance, managed object properties and their
 * named paths, method shapes and flags; and the lookups the emitters share. Imports nothing from src/.
 */
import {
  PRIMITIVES,
  RESERVED,
  propsConstName,
  type Decl,
  type EnumDecl,
  type ManagedDecl,
  type Member,
  type MethodDecl,
  type Model,
  type ObjectDecl,
  type PathDecl,
  type TypeRef,
} from './gen-vim25-model.js';

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
    for (
      let next = d.base === undefined ? undefined : table.get(d.base);
      next !== undefined && next.kind === d.kind && !seen.includes(next as D);
    ) {
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
    return this.ancestry(d)
      .reverse()
      .flatMap((a) => a.props);
  }

  /** A managed type's named paths, the root ancestor's first. */
  pathsOf(d: ManagedDecl): PathDecl[] {
    return this.ancestry(d)
      .reverse()
      .flatMap((a) => a.paths);
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
    if (d.kind !== 'method' && d.name.startsWith('Any') && index.types.has(d.name.slice(3)))
      at(d, d.line, `'${d.name}' collides with the generated alias for ${d.name.slice(3)} and its subtypes`);
    if (d.kind === 'managed' && seenTypes.has(propsConstName(d.name)))
      at(d, d.line, `'${propsConstName(d.name)}' collides with the generated property paths of ${d.name}`);
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
      if (base && base.fault !== d.fault)
        at(
          d,
          d.line,
          `${d.fault ? 'fault' : 'object'} ${d.name} extends ${base.fault ? 'fault' : 'object'} ${base.name}: use '${base.fault ? 'fault' : 'object'}'`,
        );
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
  if (d.task !== d.name.endsWith('_Task'))
    at(
      d,
      d.line,
      d.task ? `method ${d.name}: flagged 'task' but not named *_Task` : `method ${d.name}: a *_Task method must be flagged 'task'`,
    );
  if (d.task && d.idempotent) at(d, d.line, `method ${d.name}: a task is never repeated blindly, so it cannot be 'idempotent'`);
}

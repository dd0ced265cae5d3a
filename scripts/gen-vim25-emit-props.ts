/**
 * gen-vim25's emitters of what the runtime reads beside the wire layer: props.ts (each managed type's property
 * paths, typed with the value the codec decodes for them) and flags.ts (the idempotent and task methods, and the
 * one typed way to start a task method by its name). Imports nothing from src/.
 */
import { header, lit, tsType, usedPolymorphic } from './gen-vim25-emit.js';
import { ModelIndex } from './gen-vim25-check.js';
import { propsConstName, type ManagedDecl, type Member, type MethodDecl, type Model } from './gen-vim25-model.js';

/** The TypeScript type of a member's decoded value: the codec gives lists as arrays, anyType as whatever came. */
function valueType(m: Member, poly: ReadonlyMap<string, string[]>): string {
  const ts = tsType(m.type, 'T.', poly);
  return m.list ? `${ts.includes('|') ? `(${ts})` : ts}[]` : ts;
}

/** props.ts: for each managed type with properties, a constant of PropPath<T> values, inherited ones first. */
export function emitProps(model: Model, inputRel: string): string {
  const index = new ModelIndex(model);
  const poly = usedPolymorphic(model);
  const out: string[] = [header(inputRel), `/** Typed property paths of the managed object types declared in ${inputRel}. */`];
  out.push("import type { PropPath } from '../prop-path.js';", "import type * as T from './types.js';");
  for (const d of model.decls) {
    if (d.kind !== 'managed') continue;
    const props = index.propsOf(d);
    const paths = index.pathsOf(d);
    if (props.length === 0 && paths.length === 0) continue;
    const inherited = d.base === undefined ? '' : ' (inherited ones included)';
    out.push('', `/** Property paths of ${d.name}${inherited}, each typed with its decoded value: read them with prop(). */`);
    out.push(`export const ${propsConstName(d.name)} = {`);
    for (const p of props) out.push(`  ${p.name}: ${lit(p.name)} as PropPath<${valueType(p, poly)}>,`);
    for (const p of paths) out.push(`  ${p.name}: ${lit(p.segments.join('.'))} as PropPath<${leafType(index, d, p.segments, poly)}>,`);
    out.push('} as const;');
  }
  return out.join('\n') + '\n';
}

function leafType(index: ModelIndex, d: ManagedDecl, segments: readonly string[], poly: ReadonlyMap<string, string[]>): string {
  const leaf = index.resolvePath(d, segments);
  // validate() has reported unresolvable paths before anything is emitted.
  if (typeof leaf === 'string') throw new Error(`unresolved path ${segments.join('.')}: ${leaf}`);
  return valueType(leaf, poly);
}

/** flags.ts: the idempotent and task method sets, each task method's signature, and startTask(). */
export function emitFlags(model: Model, inputRel: string): string {
  const poly = usedPolymorphic(model);
  const methods = model.decls.filter((d): d is MethodDecl => d.kind === 'method');
  const list = (names: string[]): string[] =>
    names.length === 0 ? ['new Set();'] : ['new Set([', ...names.map((n) => `  ${lit(n)},`), ']);'];
  const out: string[] = [header(inputRel), `/** Method flags declared in ${inputRel}: which calls may be repeated, which start tasks. */`];
  out.push("import type { SoapCaller } from '../../soap/schema-types.js';", "import type * as T from './types.js';", '');
  out.push('/** Methods declared `idempotent`: repeating one after a connection failure cannot change anything twice. */');
  const [firstI, ...restI] = list(methods.filter((m) => m.idempotent).map((m) => m.name));
  out.push(`export const IDEMPOTENT_METHODS: ReadonlySet<string> = ${firstI}`, ...restI, '');
  out.push('/** Methods declared `task`: each starts a vSphere task and returns its reference; never repeated blindly. */');
  const [firstT, ...restT] = list(methods.filter((m) => m.task).map((m) => m.name));
  out.push(`export const TASK_METHODS: ReadonlySet<string> = ${firstT}`, ...restT, '');
  out.push('/** Each task method: the object it runs on (`this`) and its arguments. */', 'export interface TaskMethods {');
  for (const m of methods) {
    if (!m.task) continue;
    const [self, ...params] = m.params;
    if (!self) continue;
    const args =
      params.length === 0
        ? 'Record<string, never>'
        : `{ ${params.map((p) => `${p.name}${p.required ? '' : '?'}: ${valueType(p, poly)}`).join('; ')} }`;
    out.push(`  ${m.name}: { this: ${tsType(self.type, 'T.', poly)}; args: ${args} };`);
  }
  out.push('}', '', '/** The name of a method declared `task`. */', 'export type TaskMethodName = keyof TaskMethods;', '');
  out.push('/** Calls task method `name` on `_this` and returns the task it started: task methods called by their declared name. */');
  out.push(
    "export async function startTask<K extends TaskMethodName>(soap: SoapCaller, name: K, _this: TaskMethods[K]['this'], args: TaskMethods[K]['args']): Promise<T.MoRef<'Task'>> {",
  );
  out.push(
    "  return (await soap.invoke(name, _this, args, { type: 'ManagedObjectReference', list: false, required: true })) as T.MoRef<'Task'>;",
    '}',
  );
  return out.join('\n') + '\n';
}

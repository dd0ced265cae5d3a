/**
 * Property retrieval: RetrievePropertiesEx with ContinueRetrievePropertiesEx paging (page size = the
 * connection's maxObjects), single objects, and container views. Listing N objects of a type costs
 * CreateContainerView + one call per page + DestroyView, never a call per object.
 */
import type { ManagedObjectReference } from '../soap/codec.js';
import { NotFoundError } from '../errors.js';
import type { VimContext } from './context.js';
import { isVimFault } from './faults.js';
import {
  CancelRetrievePropertiesEx,
  ContinueRetrievePropertiesEx,
  CreateContainerView,
  DestroyView,
  RetrievePropertiesEx,
} from './generated/methods.js';
import type {
  MissingProperty,
  MoRef,
  ObjectContent,
  ObjectSpec,
  PropertyFilterSpec,
  PropertySpec,
  TraversalSpec,
} from './generated/types.js';
import type { AnyPropPath, PropPath } from './prop-path.js';

/** One object's retrieved properties, keyed by property path. */
export interface ObjectRecord<T extends string = string> {
  ref: ManagedObjectReference<T>;
  props: Record<string, unknown>;
  /** Properties the server could not read (e.g. no permission). */
  missing: MissingProperty[];
}

/** Options of paged retrievals. */
export interface RetrieveOptions {
  /** Objects per page; default the connection's page size (0: let the server decide). */
  pageSize?: number;
}

/** Converts a property collector result object into an ObjectRecord. */
export function toRecord(oc: ObjectContent): ObjectRecord {
  const props: Record<string, unknown> = {};
  for (const p of oc.propSet ?? []) props[p.name] = p.val;
  return { ref: oc.obj, props, missing: oc.missingSet ?? [] };
}

/** A property's value, typed by its declared path (undefined when unset or not retrieved). */
export function prop<T>(rec: ObjectRecord, path: PropPath<T>): T | undefined {
  return rec.props[path] as T | undefined;
}

/** A PropertySpec for `type` asking for exactly `paths`. */
export function propertySpec(type: string, paths: readonly AnyPropPath[]): PropertySpec {
  return { type, all: false, pathSet: [...paths] };
}

/** An ObjectSpec selecting every object a ContainerView shows (the view itself skipped). */
export function viewObjectSpec(view: MoRef<'View'>): ObjectSpec {
  const traverse: TraversalSpec = { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false };
  return { obj: view, skip: true, selectSet: [traverse] };
}

/** Yields the result page by page; stopping early cancels the server-side remainder. */
export async function* retrievePages(
  ctx: VimContext,
  specSet: PropertyFilterSpec[],
  opts: RetrieveOptions = {},
): AsyncGenerator<ObjectContent[]> {
  const pc = ctx.serviceContent.propertyCollector;
  const pageSize = opts.pageSize ?? ctx.pageSize;
  const first = await RetrievePropertiesEx(ctx.soap, pc, { specSet, options: pageSize > 0 ? { maxObjects: pageSize } : {} });
  let token = tokenOf(first?.token);
  try {
    if (first !== undefined && first.objects.length > 0) yield first.objects;
    while (token !== undefined) {
      const current = token;
      // Once sent, a token is used up whatever happens to the call.
      token = undefined;
      const page = await ContinueRetrievePropertiesEx(ctx.soap, pc, { token: current });
      token = tokenOf(page.token);
      if (page.objects.length > 0) yield page.objects;
    }
  } finally {
    if (token !== undefined) await CancelRetrievePropertiesEx(ctx.soap, pc, { token }).catch(() => undefined);
  }
}

/** Retrieves every page and returns all objects as records. */
export async function retrieveAll(ctx: VimContext, specSet: PropertyFilterSpec[], opts: RetrieveOptions = {}): Promise<ObjectRecord[]> {
  const out: ObjectRecord[] = [];
  for await (const page of retrievePages(ctx, specSet, opts)) for (const oc of page) out.push(toRecord(oc));
  return out;
}

/** Reads `paths` of several objects (of any types) in one call. */
export async function retrieveMany(
  ctx: VimContext,
  refs: readonly ManagedObjectReference[],
  paths: readonly AnyPropPath[],
): Promise<ObjectRecord[]> {
  if (refs.length === 0) return [];
  const types = [...new Set(refs.map((r) => r.type))];
  const spec: PropertyFilterSpec = {
    propSet: types.map((t) => propertySpec(t, paths)),
    objectSet: refs.map((obj) => ({ obj, skip: false })),
  };
  return retrieveAll(ctx, [spec]);
}

/** Reads `paths` of one object; NotFoundError when it does not exist (any more). */
export async function retrieveOne<T extends string>(
  ctx: VimContext,
  ref: ManagedObjectReference<T>,
  paths: readonly AnyPropPath[],
): Promise<ObjectRecord<T>> {
  let recs: ObjectRecord[];
  try {
    recs = await retrieveMany(ctx, [ref], paths);
  } catch (e) {
    if (isVimFault(e, 'ManagedObjectNotFound')) throw new NotFoundError(`${ref.type} '${ref.value}' does not exist`, { cause: e });
    throw e;
  }
  const rec = recs.find((r) => r.ref.value === ref.value);
  if (rec === undefined) throw new NotFoundError(`${ref.type} '${ref.value}' does not exist`);
  return rec as ObjectRecord<T>;
}

/** What a container view shows. */
export interface ContainerViewOptions {
  /** Where to start (default the root folder). */
  container?: MoRef<'ManagedEntity'>;
  /** Managed object types to include, e.g. ['VirtualMachine']. */
  types: string[];
  /** Include the whole subtree (default true). */
  recursive?: boolean;
}

/**
 * Runs `fn` with a fresh ContainerView and destroys the view afterwards. Views belong to the session: if the
 * session was replaced while `fn` ran (re-login) and the view is gone, `fn` runs once more with a new view.
 */
export async function withContainerView<T>(
  ctx: VimContext,
  opts: ContainerViewOptions,
  fn: (view: MoRef<'ContainerView'>) => Promise<T>,
): Promise<T> {
  const viewManager = ctx.serviceContent.viewManager;
  if (viewManager === undefined) throw new NotFoundError('the server offers no ViewManager');
  for (let attempt = 0; ; attempt++) {
    const generation = ctx.sessionGeneration;
    const view = await CreateContainerView(ctx.soap, viewManager, {
      container: opts.container ?? ctx.serviceContent.rootFolder,
      type: opts.types,
      recursive: opts.recursive ?? true,
    });
    try {
      return await fn(view);
    } catch (e) {
      if (attempt === 0 && ctx.sessionGeneration !== generation && isVimFault(e, 'ManagedObjectNotFound')) continue;
      throw e;
    } finally {
      await DestroyView(ctx.soap, view).catch(() => undefined);
    }
  }
}

/** What listObjects lists. */
export interface ListOptions extends RetrieveOptions {
  /** Managed object type, e.g. 'VirtualMachine'. */
  type: string;
  /** Property paths to read of each object. */
  paths: readonly AnyPropPath[];
  /** Where to start (default the root folder). */
  container?: MoRef<'ManagedEntity'>;
  /** Include the whole subtree (default true). */
  recursive?: boolean;
}

/** Lists every object of a type under a container with the given properties, in a constant number of calls per page. */
export function listObjects(ctx: VimContext, opts: ListOptions): Promise<ObjectRecord[]> {
  const viewOpts: ContainerViewOptions = { types: [opts.type] };
  if (opts.container !== undefined) viewOpts.container = opts.container;
  if (opts.recursive !== undefined) viewOpts.recursive = opts.recursive;
  return withContainerView(ctx, viewOpts, (view) =>
    retrieveAll(ctx, [{ propSet: [propertySpec(opts.type, opts.paths)], objectSet: [viewObjectSpec(view)] }], opts),
  );
}

function tokenOf(token: string | undefined): string | undefined {
  return token === undefined || token === '' ? undefined : token;
}

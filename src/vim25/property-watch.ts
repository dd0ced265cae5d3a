/**
 * Watching properties with WaitForUpdatesEx. Each watcher makes a PropertyCollector of its own, so its update
 * versions never mix with another waiter's in the same session, and keeps the current values of what it watches.
 */
import type { ManagedObjectReference } from '../soap/codec.js';
import { OperationError } from '../errors.js';
import type { VimContext } from './context.js';
import { isVimFault } from './faults.js';
import { CreateFilter, CreatePropertyCollector, DestroyPropertyCollector, WaitForUpdatesEx } from './generated/methods.js';
import type { MoRef, ObjectUpdate, PropertyChange, PropertyFilterSpec } from './generated/types.js';
import type { ObjectRecord } from './property.js';

/** Options of one wait. */
export interface WaitOptions {
  /** Longest server-side wait of one WaitForUpdatesEx call (default 30 s; 0: only check for updates). */
  maxWaitSeconds?: number;
  signal?: AbortSignal;
}

/** The key under which a watcher keeps an object: `Type:value`. */
export function refKey(ref: ManagedObjectReference): string {
  return `${ref.type}:${ref.value}`;
}

/**
 * Applies one property change to a record. Changes to a watched path replace its value; changes below a watched
 * path (e.g. `info.state` when `info` is watched) are merged into a copy of the watched value.
 */
export function applyChange(props: Record<string, unknown>, change: PropertyChange): void {
  const remove = change.op === 'remove' || change.op === 'indirectRemove';
  if (Object.hasOwn(props, change.name) || !change.name.includes('.')) {
    if (remove) delete props[change.name];
    else props[change.name] = change.val;
    return;
  }
  const parent = Object.keys(props).find((p) => change.name.startsWith(p + '.'));
  if (parent === undefined) {
    if (remove) delete props[change.name];
    else props[change.name] = change.val;
    return;
  }
  const base = props[parent];
  const copy: Record<string, unknown> = typeof base === 'object' && base !== null ? { ...(base as Record<string, unknown>) } : {};
  let node = copy;
  const parts = change.name.slice(parent.length + 1).split('.');
  for (let i = 0; i < parts.length - 1; i++) {
    const key = parts[i] as string;
    const next = node[key];
    const child: Record<string, unknown> = typeof next === 'object' && next !== null ? { ...(next as Record<string, unknown>) } : {};
    node[key] = child;
    node = child;
  }
  const last = parts[parts.length - 1] as string;
  if (remove) delete node[last];
  else node[last] = change.val;
  props[parent] = copy;
}

/** Watches the objects and properties of one filter spec. */
export class PropertyWatcher {
  readonly #ctx: VimContext;
  readonly #spec: PropertyFilterSpec;
  #collector: MoRef<'PropertyCollector'>;
  #generation: number;
  #version = '';
  #closed = false;
  /** Current values of every watched object, by refKey. */
  readonly objects = new Map<string, ObjectRecord>();

  private constructor(ctx: VimContext, spec: PropertyFilterSpec, collector: MoRef<'PropertyCollector'>, generation: number) {
    this.#ctx = ctx;
    this.#spec = spec;
    this.#collector = collector;
    this.#generation = generation;
  }

  /** Creates a collector and a filter for `spec`; the first next() returns the current values. */
  static async create(ctx: VimContext, spec: PropertyFilterSpec): Promise<PropertyWatcher> {
    const generation = ctx.sessionGeneration;
    const collector = await makeCollector(ctx, spec);
    return new PropertyWatcher(ctx, spec, collector, generation);
  }

  /** The record of `ref`, if watched and present. */
  get(ref: ManagedObjectReference): ObjectRecord | undefined {
    return this.objects.get(refKey(ref));
  }

  /** Waits for the next updates (at most maxWaitSeconds) and applies them; [] when nothing changed in time. */
  async next(opts: WaitOptions = {}): Promise<ObjectUpdate[]> {
    if (this.#closed) throw new OperationError('property watcher is closed');
    const maxWaitSeconds = opts.maxWaitSeconds ?? 30;
    const callOpts: { signal?: AbortSignal; timeoutMs: number } = { timeoutMs: (maxWaitSeconds + 60) * 1000 };
    if (opts.signal !== undefined) callOpts.signal = opts.signal;
    let set;
    try {
      set = await WaitForUpdatesEx(this.#ctx.caller(callOpts), this.#collector, { version: this.#version, options: { maxWaitSeconds } });
    } catch (e) {
      // Collectors belong to the session: after a re-login the old one is gone, so start over with a new one.
      if (this.#ctx.sessionGeneration === this.#generation || !isVimFault(e, 'ManagedObjectNotFound')) throw e;
      this.#generation = this.#ctx.sessionGeneration;
      this.#collector = await makeCollector(this.#ctx, this.#spec);
      this.#version = '';
      this.objects.clear();
      return this.next(opts);
    }
    if (set === undefined) return [];
    this.#version = set.version;
    const updates: ObjectUpdate[] = [];
    for (const fs of set.filterSet ?? []) {
      for (const u of fs.objectSet ?? []) {
        updates.push(u);
        const key = refKey(u.obj);
        if (u.kind === 'leave') {
          this.objects.delete(key);
          continue;
        }
        let rec = this.objects.get(key);
        if (rec === undefined || u.kind === 'enter') {
          rec = { ref: u.obj, props: {}, missing: [] };
          this.objects.set(key, rec);
        }
        for (const c of u.changeSet ?? []) applyChange(rec.props, c);
        if (u.missingSet !== undefined) rec.missing = u.missingSet;
      }
    }
    return updates;
  }

  /** Waits until `predicate` holds for the watched values; OperationError after timeoutMs (default: no limit). */
  async waitUntil(predicate: (w: PropertyWatcher) => boolean, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
    for (;;) {
      // Before the first update set the watcher knows nothing, so the predicate cannot be judged yet.
      if (this.#version !== '' && predicate(this)) return;
      const left = deadline - Date.now();
      if (left <= 0) throw new OperationError(`condition not reached within ${opts.timeoutMs} ms`);
      const wait: WaitOptions = { maxWaitSeconds: Math.max(1, Math.min(30, Math.ceil(left / 1000))) };
      if (opts.signal !== undefined) wait.signal = opts.signal;
      await this.next(wait);
    }
  }

  /** Destroys the collector (and its filter); errors are ignored, the session may be gone. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await DestroyPropertyCollector(this.#ctx.caller({ retries: 1 }), this.#collector).catch(() => undefined);
  }
}

async function makeCollector(ctx: VimContext, spec: PropertyFilterSpec): Promise<MoRef<'PropertyCollector'>> {
  const collector = await CreatePropertyCollector(ctx.soap, ctx.serviceContent.propertyCollector);
  try {
    await CreateFilter(ctx.soap, collector, { spec, partialUpdates: false });
  } catch (e) {
    await DestroyPropertyCollector(ctx.soap, collector).catch(() => undefined);
    throw e;
  }
  return collector;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultError, NotFoundError } from '../errors.js';
import { fakeContext } from './fake-context.js';
import { VirtualMachineProps } from './generated/props.js';
import { listObjects, prop, retrieveOne, retrievePages, toRecord, withContainerView } from './property.js';
import type { MoRef, ObjectContent, RetrieveResult, VirtualMachinePowerState } from './generated/types.js';
import type { PropPath } from './prop-path.js';

const vm = (i: number): ObjectContent => ({
  obj: { type: 'VirtualMachine', value: `vm-${i}` },
  propSet: [{ name: 'name', val: `VM${i}` }],
});

/** A server holding `n` objects that pages them `limit` at a time with tokens t1, t2, … */
function pagingHandlers(n: number, limit: number) {
  const all = Array.from({ length: n }, (_, i) => vm(i));
  const pending = new Map<string, ObjectContent[]>();
  let next = 0;
  const page = (objs: ObjectContent[]): RetrieveResult => {
    if (objs.length <= limit) return { objects: objs };
    const token = `t${++next}`;
    pending.set(token, objs.slice(limit));
    return { objects: objs.slice(0, limit), token };
  };
  return {
    pending,
    handlers: {
      RetrievePropertiesEx: (p: Record<string, unknown>) => {
        assert.deepEqual(p.options, { maxObjects: limit });
        return page(all);
      },
      ContinueRetrievePropertiesEx: (p: Record<string, unknown>) => {
        const rest = pending.get(p.token as string);
        if (rest === undefined) throw new FaultError('InvalidArgument', 'bad token');
        pending.delete(p.token as string);
        return page(rest);
      },
      CancelRetrievePropertiesEx: (p: Record<string, unknown>) => {
        pending.delete(p.token as string);
      },
      CreateContainerView: () => ({ type: 'ContainerView', value: 'session[1]view' }),
      DestroyView: () => undefined,
    },
  };
}

test('retrievePages follows tokens until the last page', async () => {
  const { handlers } = pagingHandlers(25, 10);
  const ctx = fakeContext(handlers, { pageSize: 10 });
  const sizes: number[] = [];
  for await (const p of retrievePages(ctx, [])) sizes.push(p.length);
  assert.deepEqual(sizes, [10, 10, 5]);
  assert.deepEqual(ctx.methods(), ['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'ContinueRetrievePropertiesEx']);
});

test('stopping early cancels the rest on the server', async () => {
  const { handlers, pending } = pagingHandlers(25, 10);
  const ctx = fakeContext(handlers, { pageSize: 10 });
  for await (const p of retrievePages(ctx, [])) {
    assert.equal(p.length, 10);
    break;
  }
  assert.deepEqual(ctx.methods(), ['RetrievePropertiesEx', 'CancelRetrievePropertiesEx']);
  assert.equal(pending.size, 0);
});

test('listObjects: view, one call per page, view destroyed; records keyed by path', async () => {
  const { handlers } = pagingHandlers(1000, 1000);
  const ctx = fakeContext(handlers, { pageSize: 1000 });
  const recs = await listObjects(ctx, { type: 'VirtualMachine', paths: [VirtualMachineProps.name] });
  assert.equal(recs.length, 1000);
  assert.equal(recs[999]?.props.name, 'VM999');
  assert.deepEqual(ctx.methods(), ['CreateContainerView', 'RetrievePropertiesEx', 'DestroyView']);
  const spec = (ctx.calls[1]?.params.specSet as { objectSet: { selectSet: { path: string }[] }[]; propSet: unknown[] }[])[0];
  assert.equal(spec?.objectSet[0]?.selectSet[0]?.path, 'view');
  assert.deepEqual(spec?.propSet, [{ type: 'VirtualMachine', all: false, pathSet: ['name'] }]);
});

test('withContainerView retries once with a new view when a re-login dropped the old one', async () => {
  let views = 0;
  const ctx = fakeContext({
    CreateContainerView: () => ({ type: 'ContainerView', value: `v${++views}` }),
    DestroyView: () => undefined,
  });
  const seen: string[] = [];
  const out = await withContainerView(ctx, { types: ['VirtualMachine'] }, async (view) => {
    seen.push(view.value);
    if (seen.length === 1) {
      ctx.sessionGeneration++;
      throw new NotFoundError('gone', { cause: new FaultError('ManagedObjectNotFound', 'view gone') });
    }
    return 'ok';
  });
  assert.equal(out, 'ok');
  assert.deepEqual(seen, ['v1', 'v2']);
  // Without a session change the failure is not retried.
  await assert.rejects(
    withContainerView(ctx, { types: ['VirtualMachine'] }, () => Promise.reject(new FaultError('ManagedObjectNotFound', 'x'))),
    FaultError,
  );
});

test('retrieveOne: NotFoundError for a vanished object', async () => {
  const ctx = fakeContext({
    RetrievePropertiesEx: () => {
      throw new NotFoundError('x', { cause: new FaultError('ManagedObjectNotFound', 'no vm-9') });
    },
  });
  await assert.rejects(
    retrieveOne(ctx, { type: 'VirtualMachine', value: 'vm-9' }, [VirtualMachineProps.name]),
    /VirtualMachine 'vm-9' does not exist/,
  );
  const empty = fakeContext({ RetrievePropertiesEx: () => undefined });
  await assert.rejects(retrieveOne(empty, { type: 'VirtualMachine', value: 'vm-9' }, [VirtualMachineProps.name]), NotFoundError);
});

test('toRecord keeps properties by path and missing properties', () => {
  const r = toRecord({
    obj: { type: 'VirtualMachine', value: 'vm-1' },
    propSet: [{ name: 'runtime.powerState', val: 'poweredOn' }],
    missingSet: [{ path: 'guest', fault: { fault: { _type: 'NoPermission' } } as never }],
  });
  assert.equal(r.props['runtime.powerState'], 'poweredOn');
  assert.equal(r.missing[0]?.path, 'guest');
});

/** True only when A and B are the same type (assignability both ways is not enough for unions with any). */
type Same<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

test('prop() is typed by the declared path; an undeclared path does not compile', () => {
  const r = toRecord({
    obj: { type: 'VirtualMachine', value: 'vm-1' },
    propSet: [
      { name: 'runtime.powerState', val: 'poweredOn' },
      { name: 'datastore', val: [{ type: 'Datastore', value: 'ds-1' }] },
    ],
  });
  const state = prop(r, VirtualMachineProps.powerState);
  const datastores = prop(r, VirtualMachineProps.datastore);
  const typed: [Same<typeof state, VirtualMachinePowerState | undefined>, Same<typeof datastores, MoRef<'Datastore'>[] | undefined>] = [
    true,
    true,
  ];
  assert.deepEqual(typed, [true, true]);
  assert.equal(state, 'poweredOn');
  assert.deepEqual(datastores, [{ type: 'Datastore', value: 'ds-1' }]);
  assert.equal(String(VirtualMachineProps.numCpu), 'config.hardware.numCPU');
  // @ts-expect-error a path no managed block declares is not a PropPath
  assert.equal(prop(r, 'runtime.powerState'), 'poweredOn');
  // @ts-expect-error nor is a declared path given the wrong value type
  const wrong: PropPath<number> = VirtualMachineProps.powerState;
  assert.equal(wrong, 'runtime.powerState');
});

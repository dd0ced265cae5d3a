import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultError } from '../errors.js';
import { fakeContext } from './fake-context.js';
import { applyChange, PropertyWatcher } from './property-watch.js';

test('applyChange assigns, removes and merges changes below a watched path', () => {
  const props: Record<string, unknown> = { info: { state: 'running', progress: 10, key: 'task-1' } };
  applyChange(props, { name: 'info.progress', op: 'assign', val: 50 });
  assert.deepEqual(props.info, { state: 'running', progress: 50, key: 'task-1' });
  applyChange(props, { name: 'info.error.localizedMessage', op: 'assign', val: 'boom' });
  assert.deepEqual((props.info as Record<string, unknown>).error, { localizedMessage: 'boom' });
  applyChange(props, { name: 'info', op: 'assign', val: { state: 'success' } });
  assert.deepEqual(props.info, { state: 'success' });
  applyChange(props, { name: 'runtime.question', op: 'assign', val: { id: 'q1' } });
  assert.deepEqual(props['runtime.question'], { id: 'q1' });
  applyChange(props, { name: 'runtime.question', op: 'assign' });
  assert.equal(props['runtime.question'], undefined);
  applyChange(props, { name: 'info', op: 'remove' });
  assert.ok(!('info' in props));
});

test('watcher: own collector, version carried, enter/modify/leave applied, collector destroyed', async () => {
  const versions: unknown[] = [];
  const sets = [
    {
      version: '1',
      filterSet: [
        {
          filter: { type: 'PropertyFilter', value: 'f' },
          objectSet: [
            {
              kind: 'enter',
              obj: { type: 'VirtualMachine', value: 'vm-1' },
              changeSet: [{ name: 'runtime.powerState', op: 'assign', val: 'poweredOn' }],
            },
          ],
        },
      ],
    },
    undefined,
    {
      version: '2',
      filterSet: [
        {
          filter: { type: 'PropertyFilter', value: 'f' },
          objectSet: [
            {
              kind: 'modify',
              obj: { type: 'VirtualMachine', value: 'vm-1' },
              changeSet: [{ name: 'runtime.powerState', op: 'assign', val: 'poweredOff' }],
            },
          ],
        },
      ],
    },
    {
      version: '3',
      filterSet: [
        { filter: { type: 'PropertyFilter', value: 'f' }, objectSet: [{ kind: 'leave', obj: { type: 'VirtualMachine', value: 'vm-1' } }] },
      ],
    },
  ];
  const ctx = fakeContext({
    CreatePropertyCollector: () => ({ type: 'PropertyCollector', value: 'pc-2' }),
    CreateFilter: (p) => {
      assert.equal(p.partialUpdates, false);
      return { type: 'PropertyFilter', value: 'f' };
    },
    WaitForUpdatesEx: (p, thisRef) => {
      assert.equal(thisRef.value, 'pc-2');
      versions.push(p.version);
      return sets.shift();
    },
    DestroyPropertyCollector: () => undefined,
  });
  const w = await PropertyWatcher.create(ctx, { propSet: [], objectSet: [] });
  const vm = { type: 'VirtualMachine', value: 'vm-1' };
  await w.waitUntil((x) => x.get(vm)?.props['runtime.powerState'] === 'poweredOff');
  assert.deepEqual(versions, ['', '1', '1']);
  assert.equal((await w.next()).length, 1);
  assert.equal(w.get(vm), undefined);
  await w.close();
  assert.equal(ctx.methods().at(-1), 'DestroyPropertyCollector');
});

test('watcher starts over with a new collector when a re-login dropped the old one', async () => {
  let collectors = 0;
  let failed = false;
  const ctx = fakeContext({
    CreatePropertyCollector: () => ({ type: 'PropertyCollector', value: `pc-${++collectors}` }),
    CreateFilter: () => ({ type: 'PropertyFilter', value: 'f' }),
    WaitForUpdatesEx: (_p, thisRef) => {
      if (!failed) {
        failed = true;
        ctx.sessionGeneration++;
        throw new FaultError('ManagedObjectNotFound', `${thisRef.value} gone`);
      }
      return { version: '1' };
    },
  });
  const w = await PropertyWatcher.create(ctx, { propSet: [], objectSet: [] });
  assert.deepEqual(await w.next(), []);
  assert.equal(collectors, 2);
});

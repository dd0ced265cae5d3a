import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDomains, strcasecmp } from './list.js';
import { domainRefOfContent, type DomainRef, type DomainState } from './ref.js';

const dom = (name: string, state: DomainState, id = -1): DomainRef => ({
  ref: { type: 'VirtualMachine', value: name },
  name,
  uuid: '',
  id,
  state,
});

test("strcasecmp compares as C's strcasecmp on UTF-8: ASCII folded, the rest by code point", () => {
  assert.equal(strcasecmp('abc', 'ABC'), 0);
  assert.ok(strcasecmp('a', 'B') < 0);
  assert.ok(strcasecmp('ab', 'a') > 0);
  // '-' (0x2d) < '0' < '_' (0x5f) < 'a': byte order, not a locale's collation
  assert.deepEqual(['vm_b', 'vm-b', 'VMa', 'vm0'].sort(strcasecmp), ['vm-b', 'vm0', 'vm_b', 'VMa']);
  // non-ASCII letters are not folded, and sort after ASCII as their UTF-8 bytes do
  assert.ok(strcasecmp('é', 'z') > 0);
  assert.notEqual(strcasecmp('é', 'É'), 0);
  // code point order, also where UTF-16 code units disagree (U+FF5E vs U+1F600)
  assert.ok(strcasecmp('\uff5e', '\u{1f600}') < 0);
});

test("virsh's list order: active domains by id, then inactive ones by name", () => {
  const doms = [dom('b', 'shut off'), dom('x', 'running', 12), dom('A', 'shut off'), dom('y', 'paused', 3), dom('_c', 'shut off')];
  assert.deepEqual(
    doms.sort(compareDomains).map((d) => d.name),
    ['y', 'x', '_c', 'A', 'b'],
  );
});

test('domainRefOfContent reads name, state and UUID straight from an ObjectContent', () => {
  const d = domainRefOfContent({
    obj: { type: 'VirtualMachine', value: 'vm-42' },
    propSet: [
      { name: 'runtime.powerState', val: 'poweredOn' },
      { name: 'name', val: 'web%2fdb' },
      { name: 'config.uuid', val: '564D1234-5678-9ABC-DEF0-123456789ABC' },
    ],
  });
  assert.deepEqual(d, {
    ref: { type: 'VirtualMachine', value: 'vm-42' },
    name: 'web/db',
    uuid: '564d1234-5678-9abc-def0-123456789abc',
    id: 42,
    state: 'running',
  });
  const off = domainRefOfContent(
    { obj: { type: 'VirtualMachine', value: '7' }, propSet: [{ name: 'runtime.powerState', val: 'poweredOff' }] },
    false,
  );
  assert.deepEqual(off, { ref: { type: 'VirtualMachine', value: '7' }, name: '7', uuid: '', id: -1, state: 'shut off' });
});

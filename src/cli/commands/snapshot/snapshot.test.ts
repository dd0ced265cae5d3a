import assert from 'node:assert/strict';
import test from 'node:test';
import type { DomainSnapshot } from '../../../driver/snapshot/snapshot.js';
import { formatSnapshotTime, formatSnapshotTree } from './snapshot.js';

function snap(name: string, parent?: string, children: string[] = []): DomainSnapshot {
  return {
    ref: { type: 'VirtualMachineSnapshot', value: name },
    name,
    description: '',
    createTime: new Date(0),
    state: 'shutoff',
    quiesced: false,
    parent,
    children,
    current: false,
  };
}

test("--tree draws virsh's tree (vshTreePrint), blank lines with their indent included", () => {
  // base ─┬─ a ── a1
  //       └─ b
  // lone
  const list = [snap('base', undefined, ['a', 'b']), snap('a', 'base', ['a1']), snap('a1', 'a'), snap('b', 'base'), snap('lone')];
  assert.equal(
    formatSnapshotTree(list),
    ['base', '  |', '  +- a', '  |   |', '  |   +- a1', '  |     ', '  +- b', '    ', 'lone', '', ''].join('\n'),
  );
  assert.equal(formatSnapshotTree([snap('only')]), 'only\n\n');
  assert.equal(formatSnapshotTree([]), '');
});

test("creation times in virsh's format, in the local time zone", () => {
  const d = new Date(Date.UTC(2024, 4, 1, 12, 0, 0));
  const s = formatSnapshotTime(d);
  assert.match(s, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$/);
  if (d.getTimezoneOffset() === 0) assert.equal(s, '2024-05-01 12:00:00 +0000');
});

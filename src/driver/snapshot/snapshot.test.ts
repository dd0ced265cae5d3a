import assert from 'node:assert/strict';
import test from 'node:test';
import type { VirtualMachineSnapshotInfo, VirtualMachineSnapshotTree } from '../../vim25/index.js';
import { formatSnapshotXml } from '../../conf/index.js';
import { flattenSnapshotTree, snapshotDefOf, snapshotStateOf } from './snapshot.js';

const vm = { type: 'VirtualMachine', value: 'vm-7' } as const;
function tree(
  n: number,
  name: string,
  state: VirtualMachineSnapshotTree['state'],
  children: VirtualMachineSnapshotTree[] = [],
  description = '',
): VirtualMachineSnapshotTree {
  return {
    _type: 'VirtualMachineSnapshotTree',
    snapshot: { type: 'VirtualMachineSnapshot', value: `snapshot-${n}` },
    vm,
    name,
    description,
    id: n,
    createTime: new Date(Date.UTC(2024, 4, 1, 12, 0, n)),
    state,
    quiesced: false,
    childSnapshotList: children,
  };
}

const INFO: VirtualMachineSnapshotInfo = {
  _type: 'VirtualMachineSnapshotInfo',
  currentSnapshot: { type: 'VirtualMachineSnapshot', value: 'snapshot-3' },
  rootSnapshotList: [
    tree(
      1,
      'base',
      'poweredOff',
      [tree(2, 'child-a', 'poweredOn', [tree(3, 'grandchild', 'suspended')]), tree(4, 'child-b', 'poweredOff')],
      'clean <install> & "tools"',
    ),
    tree(5, 'other-root', 'poweredOn'),
  ],
};

test('the tree is flattened depth-first with parents, children and the current mark', () => {
  const list = flattenSnapshotTree(INFO);
  assert.deepEqual(
    list.map((s) => [s.name, s.parent, s.children, s.state, s.current]),
    [
      ['base', undefined, ['child-a', 'child-b'], 'shutoff', false],
      ['child-a', 'base', ['grandchild'], 'running', false],
      ['grandchild', 'child-a', [], 'paused', true],
      ['child-b', 'base', [], 'shutoff', false],
      ['other-root', undefined, [], 'running', false],
    ],
  );
  assert.deepEqual(flattenSnapshotTree(undefined), []);
});

test('power states map to libvirt snapshot states', () => {
  assert.equal(snapshotStateOf('poweredOn'), 'running');
  assert.equal(snapshotStateOf('poweredOff'), 'shutoff');
  assert.equal(snapshotStateOf('suspended'), 'paused');
  assert.equal(snapshotStateOf(undefined), 'nostate');
});

test('domainsnapshot XML as libvirt formats it, escaped', () => {
  const [base, child] = flattenSnapshotTree(INFO);
  assert.equal(
    formatSnapshotXml(snapshotDefOf(base!, '421c5e16-9bdc-49d7-f171-53c4d7f91710')),
    `<domainsnapshot>
  <name>base</name>
  <description>clean &lt;install&gt; &amp; &quot;tools&quot;</description>
  <state>shutoff</state>
  <creationTime>1714564801</creationTime>
  <domain>
    <uuid>421c5e16-9bdc-49d7-f171-53c4d7f91710</uuid>
  </domain>
</domainsnapshot>
`,
  );
  assert.match(
    formatSnapshotXml(snapshotDefOf(child!, 'u')),
    /<state>running<\/state>\n {2}<parent>\n {4}<name>base<\/name>\n {2}<\/parent>\n {2}<creationTime>1714564802<\/creationTime>/,
  );
});

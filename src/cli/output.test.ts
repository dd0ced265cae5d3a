import assert from 'node:assert/strict';
import test from 'node:test';
import { formatKeyValues, formatTable } from './output.js';

test('tables look like virsh list', () => {
  const out = formatTable(
    ['Id', 'Name', 'State'],
    [
      ['1', 'rhel8', 'running'],
      ['-', 'test', 'shut off'],
    ],
  );
  assert.equal(out, ' Id   Name    State\n------------------------\n 1    rhel8   running\n -    test    shut off\n\n');
});

test('key/value blocks look like virsh dominfo', () => {
  assert.equal(
    formatKeyValues([
      ['Id', 1],
      ['Name', 'x'],
      ['Persistent', 'yes'],
    ]),
    'Id:             1\nName:           x\nPersistent:     yes\n',
  );
});

test('the layout of libvirt vshtable tests: widths from the widest cell, 3 dashes per column gap', () => {
  assert.equal(
    formatTable(
      ['Id', 'Name', 'State'],
      [
        ['1', 'fedora28', 'running'],
        ['2', 'rhel7.5', 'running'],
      ],
    ),
    ' Id   Name       State\n--------------------------\n 1    fedora28   running\n 2    rhel7.5    running\n\n',
  );
});

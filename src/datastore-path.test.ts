import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from './errors.js';
import {
  datastoreBaseName,
  datastoreChildPath,
  datastoreDirName,
  formatDatastorePath,
  parseDatastorePath,
  parseVmfsPath,
  tryParseDatastorePath,
  vmfsPathOf,
} from './datastore-path.js';

test('parses and formats datastore paths', () => {
  assert.deepEqual(parseDatastorePath('[local-storage] Fedora11/Fedora11.vmdk'), {
    datastore: 'local-storage',
    path: 'Fedora11/Fedora11.vmdk',
  });
  assert.deepEqual(parseDatastorePath('[ds 1]'), { datastore: 'ds 1', path: '' });
  assert.deepEqual(parseDatastorePath('[ds] /abs/x'), { datastore: 'ds', path: '/abs/x' });
  assert.equal(formatDatastorePath({ datastore: 'ds', path: 'a/b.vmx' }), '[ds] a/b.vmx');
  assert.equal(formatDatastorePath({ datastore: 'ds', path: '' }), '[ds]');
  assert.equal(datastoreBaseName({ datastore: 'ds', path: 'a/b.vmx' }), 'b.vmx');
  assert.deepEqual(datastoreDirName({ datastore: 'ds', path: 'a/b.vmx' }), { datastore: 'ds', path: 'a' });
  for (const bad of ['ds/x', '[] x', '[ds x', '', ' [ds] x', '[ ] x']) {
    assert.throws(() => parseDatastorePath(bad), InvalidArgumentError, bad);
    assert.equal(tryParseDatastorePath(bad), undefined, bad);
  }
});

test('skips every space after the bracket and keeps the rest as written, as libvirt 9.0 does', () => {
  assert.deepEqual(parseDatastorePath('[ds]  dir/x.vmdk'), { datastore: 'ds', path: 'dir/x.vmdk' });
  assert.deepEqual(parseDatastorePath('[ds]dir/x.vmdk'), { datastore: 'ds', path: 'dir/x.vmdk' });
  assert.deepEqual(parseDatastorePath('[d]s] a.vmdk'), { datastore: 'd', path: 's] a.vmdk' });
});

test('maps /vmfs/volumes paths both ways', () => {
  assert.equal(vmfsPathOf({ datastore: 'ds', path: 'a/b.vmdk' }), '/vmfs/volumes/ds/a/b.vmdk');
  assert.deepEqual(parseVmfsPath('/vmfs/volumes/ds/a/b.vmdk'), { datastore: 'ds', path: 'a/b.vmdk' });
  assert.deepEqual(
    parseVmfsPath('/vmfs/volumes/4b0b-1d7f/x.vmdk', (id) => (id === '4b0b-1d7f' ? 'local' : undefined)),
    { datastore: 'local', path: 'x.vmdk' },
  );
  assert.equal(
    parseVmfsPath('/vmfs/volumes/unknown/x.vmdk', () => undefined),
    undefined,
  );
  assert.equal(parseVmfsPath('/vmfs/volumes/ds'), undefined);
  assert.equal(parseVmfsPath('/tmp/x'), undefined);
});

test('a child path never leaves its directory', () => {
  assert.deepEqual(datastoreChildPath({ datastore: 'ds', path: 'vm' }, 'disk 1.vmdk'), { datastore: 'ds', path: 'vm/disk 1.vmdk' });
  assert.deepEqual(datastoreChildPath({ datastore: 'ds', path: '' }, 'a/b'), { datastore: 'ds', path: 'a/b' });
  for (const bad of ['', '..', '../x', 'a/../b', '/etc/passwd', 'a//b', './x', 'x\0y']) {
    assert.throws(() => datastoreChildPath({ datastore: 'ds', path: 'vm' }, bad), InvalidArgumentError, JSON.stringify(bad));
  }
});

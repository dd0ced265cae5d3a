import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../errors.js';
import { datastoreFileUrl } from './datastore-files.js';

test('builds /folder URLs with every segment and query value percent-encoded', () => {
  assert.equal(
    datastoreFileUrl({ datastore: 'Local DS&1', path: 'my vm/a#b?.vmx' }, 'folder1/dc 1'),
    '/folder/my%20vm/a%23b%3F.vmx?dcPath=folder1%2Fdc%201&dsName=Local%20DS%261',
  );
  assert.equal(datastoreFileUrl({ datastore: 'ds', path: '' }, 'ha-datacenter'), '/folder?dcPath=ha-datacenter&dsName=ds');
  assert.throws(() => datastoreFileUrl({ datastore: 'ds', path: 'a/../b' }, 'dc'), InvalidArgumentError);
});

test('URL building round-trips any names through standard URL decoding', () => {
  const name = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('/') && s !== '.' && s !== '..');
  fc.assert(
    fc.property(fc.array(name, { minLength: 1, maxLength: 4 }), name, name, (segments, ds, dc) => {
      const url = new URL(datastoreFileUrl({ datastore: ds, path: segments.join('/') }, dc), 'https://h');
      assert.deepEqual(url.pathname.split('/').slice(2).map(decodeURIComponent), segments);
      assert.equal(url.searchParams.get('dsName'), ds);
      assert.equal(url.searchParams.get('dcPath'), dc);
    }),
  );
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from '../errors.js';
import { splitUrl, VimClient } from './client.js';

test('splitUrl: origin and SDK path', () => {
  assert.deepEqual(splitUrl('https://esx.example.com'), { origin: 'https://esx.example.com', sdkPath: '/sdk' });
  assert.deepEqual(splitUrl('http://10.0.0.1:8222/sdk/'), { origin: 'http://10.0.0.1:8222', sdkPath: '/sdk' });
  assert.deepEqual(splitUrl('https://[::1]:443/custom'), { origin: 'https://[::1]', sdkPath: '/custom' });
});

test('bad URLs and options are refused before any connection, passwords never echoed', async () => {
  assert.throws(() => splitUrl('not a url'), InvalidArgumentError);
  assert.throws(
    () => splitUrl('https://root:s3cret@esx'),
    (e: unknown) => e instanceof InvalidArgumentError && !e.message.includes('s3cret'),
  );
  assert.throws(() => splitUrl('https://esx/sdk?x=1'), InvalidArgumentError);
  const base = { url: 'https://127.0.0.1:1', username: 'root', password: 'pw' };
  await assert.rejects(VimClient.connect({ ...base, retries: -1 }), /retries must be a non-negative integer/);
  await assert.rejects(VimClient.connect({ ...base, pageSize: 1.5 }), InvalidArgumentError);
  await assert.rejects(VimClient.connect({ ...base, username: '' }), /user name is required/);
  await assert.rejects(VimClient.connect({ ...base, url: 'ftp://x' }), InvalidArgumentError);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, NotFoundError } from '../errors.js';
import { readInput } from './io.js';

test('readInput refuses a document larger than the limit before reading it, and names the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-io-'));
  const small = join(dir, 'small.xml');
  const big = join(dir, 'big.xml');
  writeFileSync(small, '<domain/>');
  writeFileSync(big, 'x'.repeat(2048));
  assert.equal((await readInput(small, 1024)).toString(), '<domain/>');
  await assert.rejects(
    readInput(big, 1024),
    (e: unknown) => e instanceof ConfigError && e.message === `'${big}' is 2048 bytes, more than the limit of 1 KiB (1024 bytes)`,
  );
  await assert.rejects(readInput(join(dir, 'none.xml')), NotFoundError);
});

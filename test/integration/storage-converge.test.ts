/**
 * Storage operations converge when a call ran but its answer was lost (esxvirt's simulator executes the call, then
 * closes the connection): the step's effect is found on the server, so nothing is done twice and nothing is left
 * half-made. One case per state-changing step. Run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostDisk, loseAnswers } from '../harness/storage-control.js';
import { partialFiles, startStorageTarget, type StorageTarget } from './storage-support.js';

const MiB = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-converge-'));

describe('a lost answer to each storage step', () => {
  let t: StorageTarget;
  let dir: string;
  const lose = async (method: string): Promise<void> => {
    await loseAnswers(t.sim, method);
  };
  const used = async (): Promise<number> => ((await t.sim.stats()) as { dropped: number }).dropped;
  before(async () => {
    t = await startStorageTarget({ model: 'esx', datastores: 2 });
    dir = await t.poolDir('LocalDS_0');
  });
  after(async () => t?.stop());

  it('MakeDirectory and CreateVirtualDisk_Task: the disk exists once, as asked', async () => {
    const before = await used();
    await lose('MakeDirectory');
    await lose('CreateVirtualDisk_Task');
    assert.equal(await t.ok('vol-create-as', 'LocalDS_0', 'c/a.vmdk', '4M', '--allocation', '0'), 'Vol c/a.vmdk created\n\n');
    assert.equal((await used()) - before, 2, 'both answers were lost');
    const d = await hostDisk(t.sim, '[LocalDS_0] c/a.vmdk');
    assert.deepEqual([d.kind, d.capacity], ['thin', 4 * MiB]);
  });

  it('CopyVirtualDisk_Task: one copy', async () => {
    await lose('CopyVirtualDisk_Task');
    await t.ok('vol-clone', '--pool', 'LocalDS_0', 'c/a.vmdk', 'c/b.vmdk');
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] c/b.vmdk')).kind, 'thin');
  });

  it('ExtendVirtualDisk_Task: grown once', async () => {
    await lose('ExtendVirtualDisk_Task');
    await t.ok('vol-resize', '--pool', 'LocalDS_0', 'c/b.vmdk', '8M');
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] c/b.vmdk')).capacity, 8 * MiB);
  });

  it('MoveDatastoreFile_Task (an upload put into place): the file is there, no partial file', async () => {
    const src = join(tmp, 'up.iso');
    writeFileSync(src, 'uploaded once');
    await lose('MoveDatastoreFile_Task');
    await t.ok('vol-upload', '--pool', 'LocalDS_0', 'c/up.iso', src);
    assert.equal(readFileSync(join(dir, 'c/up.iso'), 'utf8'), 'uploaded once');
    assert.deepEqual(partialFiles(dir), []);
  });

  it('DeleteVirtualDisk_Task and DeleteDatastoreFile_Task: gone, without an error for the second look', async () => {
    await lose('DeleteVirtualDisk_Task');
    assert.equal(await t.ok('vol-delete', '--pool', 'LocalDS_0', 'c/b.vmdk'), 'Vol c/b.vmdk deleted\n\n');
    assert.equal((await hostDisk(t.sim, '[LocalDS_0] c/b.vmdk')).exists, false);
    await lose('DeleteDatastoreFile_Task');
    await t.ok('vol-delete', '--pool', 'LocalDS_0', 'c/up.iso');
    await t.fails('vol-info', '--pool', 'LocalDS_0', 'c/up.iso');
  });

  it('SearchDatastoreSubFolders_Task: a listing is asked again', async () => {
    await lose('SearchDatastoreSubFolders_Task');
    assert.match(await t.ok('vol-list', 'LocalDS_0'), / c\/a\.vmdk +\[LocalDS_0\] c\/a\.vmdk\n/);
  });
});

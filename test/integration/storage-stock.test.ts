/**
 * Every pool and volume command on the STOCK simulator (../shared/vcsim: govmomi 0.24.2 unextended, behind its
 * normalising proxy), as esxvirt must work there: listings with explicit patterns, sizes read from descriptors, and
 * one clear line where the server lacks something (CreateVirtualDisk ignores the size, no ExtendVirtualDisk_Task or
 * ZeroFillVirtualDisk_Task, an empty answer to RefreshDatastore). Then the multi-step operations under the proxy's
 * faults (dropped connections, 503s, expired sessions every few calls): each ends complete, nothing duplicated or
 * left behind. Run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePoolXml, parseVolumeXml } from '../../src/conf/index.js';
import { startStockSimulator, type StockOptions, type StockSimulator } from '../harness/stock-vcsim.js';
import { runCli, type CliResult } from './cli-support.js';
import { partialFiles, sha256File, writeRandomFile } from './storage-support.js';

const MiB = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-stock-storage-'));
const data = join(tmp, 'data.bin');
const dataSum = writeRandomFile(data, 8 * MiB);

/** A flat VMDK made here (descriptor + extent), for imports where qemu-img may be missing. */
function flatImage(): string {
  const extent = join(tmp, 'img-flat.vmdk');
  const buf = Buffer.alloc(4 * MiB);
  buf.write('esxvirt stock import', 1000);
  writeFileSync(extent, buf);
  const desc = join(tmp, 'img.vmdk');
  writeFileSync(
    desc,
    `# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\n\nRW 8192 FLAT "img-flat.vmdk" 0\n\nddb.adapterType = "lsilogic"\n`,
  );
  return desc;
}

interface Stock {
  sim: StockSimulator;
  cli(...args: string[]): Promise<CliResult>;
  ok(...args: string[]): Promise<string>;
  fails(...args: string[]): Promise<string>;
}

async function startStock(opts: StockOptions): Promise<Stock> {
  const sim = await startStockSimulator(opts);
  const cli = (...args: string[]): Promise<CliResult> => runCli(['-c', sim.uri, ...args], { authFile: sim.authFile });
  return {
    sim,
    cli,
    async ok(...args) {
      const r = await cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    async fails(...args) {
      const r = await cli(...args);
      assert.equal(r.status, 1, `${args.join(' ')} should fail: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      return r.stderr.trim();
    },
  };
}

describe('storage on the stock simulator (ESX)', () => {
  let s: Stock;
  let dir: string;
  before(async () => {
    s = await startStock({ model: 'esx' });
    dir = parsePoolXml(await s.ok('pool-dumpxml', 'LocalDS_0')).target?.path as string;
  });
  after(async () => s?.sim.stop());

  it('pool commands: the mount path comes from the datastore URL; refresh says what the server lacks', async () => {
    assert.match(await s.ok('pool-list', '--all', '--details'), / LocalDS_0 {3}running {3}yes {9}yes {10}/);
    const uuid = (await s.ok('pool-uuid', 'LocalDS_0')).trim();
    assert.equal(await s.ok('pool-name', uuid), 'LocalDS_0\n\n');
    assert.match(await s.ok('pool-info', uuid), /^Name: {11}LocalDS_0\nUUID: {11}[0-9a-f-]{36}\nState: {10}running\n/);
    assert.equal(await s.ok('pool-autostart', 'LocalDS_0'), 'Pool LocalDS_0 marked as autostarted\n\n');
    assert.equal(
      await s.fails('pool-refresh', 'LocalDS_0'),
      "error: cannot refresh pool 'LocalDS_0': the server's answer to RefreshDatastore is not a SOAP response",
    );
  });

  it('volumes: listed with explicit patterns, sized from descriptors; missing methods in one line', async () => {
    assert.match(await s.ok('vol-list', 'LocalDS_0'), / ha-host_VM0\/disk1\.vmdk {3}\[LocalDS_0\] ha-host_VM0\/disk1\.vmdk\n/);
    const created = await s.cli('vol-create-as', 'LocalDS_0', 'st/a.vmdk', '8M', '--allocation', '0');
    assert.equal(created.status, 0, created.stderr);
    assert.equal(created.stdout, 'Vol st/a.vmdk created\n\n');
    assert.equal(
      created.stderr,
      "warning: the server created '[LocalDS_0] st/a.vmdk' with a capacity of 0 bytes, not 8388608: it ignored the requested size\n",
    );
    const key = (await s.ok('vol-key', '--pool', 'LocalDS_0', 'st/a.vmdk')).trim();
    assert.equal(await s.ok('vol-key', '[LocalDS_0] st/a.vmdk'), `${key}\n\n`, 'a stable key');
    assert.equal(await s.ok('vol-path', key), '[LocalDS_0] st/a.vmdk\n\n');
    assert.equal(await s.ok('vol-name', '[LocalDS_0] st/a.vmdk'), 'st/a.vmdk\n\n');
    assert.equal(await s.ok('vol-pool', key), 'LocalDS_0\n\n');
    const xml = join(tmp, 'b.xml');
    writeFileSync(xml, '<volume><name>st/b.vmdk</name><capacity>1048576</capacity></volume>');
    assert.equal(await s.ok('vol-create', 'LocalDS_0', xml), `Vol st/b.vmdk created from ${xml}\n\n`);
    assert.equal(await s.ok('vol-clone', '--pool', 'LocalDS_0', 'st/b.vmdk', 'st/c.vmdk'), 'Vol st/c.vmdk cloned from st/b.vmdk\n\n');
    writeFileSync(xml, '<volume><name>st/d.vmdk</name><capacity>1048576</capacity></volume>');
    await s.ok('vol-create-from', 'LocalDS_0', xml, 'st/c.vmdk', '--inputpool', 'LocalDS_0');
    assert.equal(
      await s.fails('vol-resize', '--pool', 'LocalDS_0', 'st/a.vmdk', '16M'),
      "error: unsupported configuration: cannot resize volume 'st/a.vmdk': the server does not implement ExtendVirtualDisk_Task",
    );
    assert.equal(
      await s.fails('vol-wipe', '--pool', 'LocalDS_0', 'st/a.vmdk'),
      "error: unsupported configuration: cannot wipe volume 'st/a.vmdk': the server does not implement ZeroFillVirtualDisk_Task",
    );
    for (const v of ['st/b.vmdk', 'st/c.vmdk', 'st/d.vmdk'])
      assert.equal(await s.ok('vol-delete', '--pool', 'LocalDS_0', v), `Vol ${v} deleted\n\n`);
    assert.doesNotMatch(await s.ok('vol-list', 'LocalDS_0'), /st\/[bcd]\.vmdk/);
  });

  it('transfers and images: upload, download, import (capacity read from the descriptor), export', async () => {
    assert.equal(await s.ok('vol-upload', '--pool', 'LocalDS_0', 'st/data.iso', data), '\n');
    const out = join(tmp, 'data.out');
    await s.ok('vol-download', '--pool', 'LocalDS_0', 'st/data.iso', out);
    assert.equal(await sha256File(out), dataSum);
    assert.match(
      await s.ok('vol-list', 'LocalDS_0', '--details'),
      / st\/data\.iso +\[LocalDS_0\] st\/data\.iso +file +8\.00 MiB +8\.00 MiB\n/,
    );
    assert.equal(
      await s.ok('vol-import', 'LocalDS_0', flatImage(), 'st/img.vmdk'),
      `Vol st/img.vmdk imported from ${join(tmp, 'img.vmdk')}\n\n`,
    );
    const def = parseVolumeXml(await s.ok('vol-dumpxml', '--pool', 'LocalDS_0', 'st/img.vmdk'));
    assert.equal(def.capacity, 4 * MiB, 'read from the descriptor: the stock server reports no capacity');
    assert.equal(def.target.format, 'vmdk');
    const exported = join(tmp, 'img.out.vmdk');
    await s.ok('vol-export', '--pool', 'LocalDS_0', 'st/img.vmdk', exported);
    assert.equal(readFileSync(exported).subarray(0, 4).toString('latin1'), 'KDMV');
    assert.deepEqual(partialFiles(dir), []);
  });
});

describe('storage on the stock simulator (vCenter)', () => {
  let s: Stock;
  before(async () => {
    s = await startStock({ model: 'vpx' });
  });
  after(async () => s?.sim.stop());

  it('lists, creates, copies (as they are), transfers and deletes; a conversion is refused in one line', async () => {
    assert.match(await s.ok('pool-list'), / LocalDS_0 {3}active {3}yes\n/);
    assert.match(await s.ok('vol-list', 'LocalDS_0'), /DC0_H0_VM0\/disk1\.vmdk/);
    await s.ok('vol-create-as', 'LocalDS_0', 'vc/a.vmdk', '1M');
    await s.ok('vol-clone', '--pool', 'LocalDS_0', 'vc/a.vmdk', 'vc/b.vmdk');
    assert.match(
      await s.fails('vol-clone', '--pool', 'LocalDS_0', 'vc/a.vmdk', 'vc/c.vmdk', '--type', 'thin'),
      /vCenter copies disks as they are \(no destSpec\)/,
    );
    await s.ok('vol-upload', '[LocalDS_0] vc/data.iso', data);
    const out = join(tmp, 'vc.out');
    await s.ok('vol-download', '[LocalDS_0] vc/data.iso', out);
    assert.equal(await sha256File(out), dataSum);
    for (const v of ['vc/a.vmdk', 'vc/b.vmdk', 'vc/data.iso']) await s.ok('vol-delete', '--pool', 'LocalDS_0', v);
    assert.doesNotMatch(await s.ok('vol-list', 'LocalDS_0'), /vc\//);
  });
});

for (const [what, faults] of [
  ['a dropped connection every 5th call', { faultDrop: 5 }],
  ['an HTTP 503 every 4th call', { fault503: 4 }],
  ['an expired session every 3rd call', { faultExpire: 3 }],
] as const) {
  describe(`storage on the stock simulator with ${what}: every operation ends complete, once`, () => {
    let s: Stock;
    let dir: string;
    before(async () => {
      s = await startStock({ model: 'esx', ...faults });
      dir = parsePoolXml(await s.ok('pool-dumpxml', 'LocalDS_0')).target?.path as string;
    });
    after(async () => s?.sim.stop());

    it('create, clone, upload, import, delete: the pool ends as asked, no partial file behind', async () => {
      await s.ok('vol-create-as', 'LocalDS_0', 'f/a.vmdk', '1M');
      await s.ok('vol-clone', '--pool', 'LocalDS_0', 'f/a.vmdk', 'f/b.vmdk');
      await s.ok('vol-upload', '--pool', 'LocalDS_0', 'f/data.iso', data);
      await s.ok('vol-import', 'LocalDS_0', flatImage(), 'f/img.vmdk');
      await s.ok('vol-delete', '--pool', 'LocalDS_0', 'f/a.vmdk');
      const names = (JSON.parse(await s.ok('--json', 'vol-list', 'LocalDS_0')) as { name: string }[])
        .map((v) => v.name)
        .filter((n) => n.startsWith('f/'))
        .sort();
      assert.deepEqual(names, ['f/b.vmdk', 'f/data.iso', 'f/img.vmdk']);
      assert.equal(await sha256File(join(dir, 'f/data.iso')), dataSum);
      assert.deepEqual(partialFiles(dir), []);
    });
  });
}

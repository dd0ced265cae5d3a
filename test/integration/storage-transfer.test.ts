/**
 * vol-upload and vol-download through bin/esxvirt and the library against esxvirt's simulator: 64 MiB with
 * checksums, --force, --offset/--length, a session that expires and a connection that breaks in the middle of a
 * transfer (downloads resume with Range, uploads start over), failures and Ctrl-C leaving no partial file, and the
 * free-space check before a long upload. Run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { downloadVolume, openVolume, uploadVolume } from '../../src/driver/storage/index.js';
import { readBody } from '../../src/soap/transport.js';
import { external, runnable } from '../support/external.js';
import { cutTransfers, throttleTransfers, transferCounts } from '../harness/storage-control.js';
import { partialFiles, sha256File, startStorageTarget, writeRandomFile, type StorageTarget } from './storage-support.js';

const MiB = 1024 * 1024;
const scriptTool = external('script (util-linux)', () => runnable('script', ['--version']), 'apt-get install util-linux');
const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-xfer-'));
const big = join(tmp, 'big.bin');
const bigSum = writeRandomFile(big, 64 * MiB);

describe('transfers on an ESX host', () => {
  let t: StorageTarget;
  let dir: string;
  before(async () => {
    t = await startStorageTarget({ model: 'esx' });
    dir = await t.poolDir('LocalDS_0');
  });
  after(async () => t?.stop());

  it('uploads 64 MiB into a new file and downloads it back byte for byte; virsh prints nothing', async () => {
    assert.equal(await t.ok('vol-upload', '--pool', 'LocalDS_0', 'data/big.bin', big), '\n');
    assert.equal(await sha256File(join(dir, 'data/big.bin')), bigSum);
    assert.match(await t.ok('vol-info', '[LocalDS_0] data/big.bin'), /Capacity: {7}64\.00 MiB\n/);
    const out = join(tmp, 'big.out');
    assert.equal(await t.ok('vol-download', '--pool', 'LocalDS_0', 'data/big.bin', out), '\n');
    assert.equal(await sha256File(out), bigSum);
    assert.deepEqual(partialFiles(dir), []);
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.endsWith('.part')),
      [],
    );
  });

  it('refuses to overwrite without --force, on the datastore and locally', async () => {
    const small = join(tmp, 'small.iso');
    writeFileSync(small, 'new contents');
    const up = await t.fails('vol-upload', '--pool', 'LocalDS_0', 'data/big.bin', small);
    assert.equal(
      up.message,
      "Requested operation is not valid: storage volume 'data/big.bin' already exists in pool 'LocalDS_0': use --force to overwrite it",
    );
    assert.equal(await sha256File(join(dir, 'data/big.bin')), bigSum);
    await t.ok('vol-upload', '--pool', 'LocalDS_0', 'data/big.bin', small, '--force');
    assert.equal(readFileSync(join(dir, 'data/big.bin'), 'utf8'), 'new contents');
    const local = join(tmp, 'exists.txt');
    writeFileSync(local, 'keep me');
    const down = await t.fails('vol-download', '[LocalDS_0] data/big.bin', local);
    assert.equal(down.message, `Requested operation is not valid: ${local} already exists: use --force to overwrite it`);
    assert.equal(readFileSync(local, 'utf8'), 'keep me');
    await t.ok('vol-download', '[LocalDS_0] data/big.bin', local, '--force');
    assert.equal(readFileSync(local, 'utf8'), 'new contents');
  });

  it('--offset and --length write into and read from the middle of a volume', async () => {
    writeFileSync(join(dir, 'data/patch.img'), Buffer.alloc(8192, 0x61));
    const src = join(tmp, 'patch.src');
    writeFileSync(src, Buffer.alloc(1000, 0x62));
    await t.ok('vol-upload', '--pool', 'LocalDS_0', 'data/patch.img', src, '--offset', '4096', '--length', '100');
    const want = Buffer.alloc(8192, 0x61);
    want.fill(0x62, 4096, 4196);
    assert.deepEqual(readFileSync(join(dir, 'data/patch.img')), want);
    const part = join(tmp, 'part.out');
    await t.ok('vol-download', '--pool', 'LocalDS_0', 'data/patch.img', part, '--offset', '4090', '--length', '10');
    assert.deepEqual(readFileSync(part), want.subarray(4090, 4100));
  });

  it('a session that expires mid-download: logs in again and resumes with Range', async () => {
    await t.ok('vol-upload', '--pool', 'LocalDS_0', 'data/big2.bin', big);
    const before = await transferCounts(t.sim);
    await cutTransfers(t.sim, 20 * MiB, { expire: true });
    const out = join(tmp, 'resumed.out');
    const r = await t.cli('--debug', 'vol-download', '--pool', 'LocalDS_0', 'data/big2.bin', out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /debug: resume at byte \d+/);
    assert.match(r.stderr, /debug: session renewed during GET/);
    assert.equal(await sha256File(out), bigSum);
    const after = await transferCounts(t.sim);
    assert.equal(after.cuts - before.cuts, 1);
    assert.ok(after.ranges > before.ranges, 'the second request asked for the rest only');
    assert.ok(after.denied > before.denied, 'the expired session was refused once');
  });

  it('a session that expires mid-upload: logs in again and starts the upload over; no partial file stays', async () => {
    await cutTransfers(t.sim, 20 * MiB, { expire: true });
    const r = await t.cli('--debug', 'vol-upload', '--pool', 'LocalDS_0', 'data/restarted.bin', big);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /debug: restart at byte \d+/);
    assert.equal(await sha256File(join(dir, 'data/restarted.bin')), bigSum);
    assert.deepEqual(partialFiles(dir), []);
  });

  it('a connection dropped mid-transfer (the session alive): the download resumes, the upload restarts', async () => {
    const before = await transferCounts(t.sim);
    const conn = await t.open();
    try {
      const events: string[] = [];
      const out = join(tmp, 'dropped.out');
      await cutTransfers(t.sim, 7 * MiB);
      await downloadVolume(conn, { pool: 'LocalDS_0', vol: 'data/big2.bin' }, out, { onEvent: (e) => events.push(e.type) });
      assert.equal(await sha256File(out), bigSum);
      await cutTransfers(t.sim, 7 * MiB);
      await uploadVolume(conn, { pool: 'LocalDS_0', vol: 'data/dropped.bin' }, big, { onEvent: (e) => events.push(e.type) });
      assert.equal(await sha256File(join(dir, 'data/dropped.bin')), bigSum);
      assert.deepEqual(events, ['resume', 'restart']);
    } finally {
      await conn.close();
    }
    assert.equal((await transferCounts(t.sim)).cuts - before.cuts, 2);
    assert.deepEqual(partialFiles(dir), []);
  });

  it('an upload that fails every time leaves neither the target nor a partial file', async () => {
    await cutTransfers(t.sim, MiB, { n: 10 });
    const r = await t.fails('vol-upload', '--pool', 'LocalDS_0', 'data/never.bin', big);
    assert.match(r.message, /PUT|connection|socket|closed/i);
    await t.sim.control('reset');
    assert.equal(existsSync(join(dir, 'data/never.bin')), false);
    assert.deepEqual(partialFiles(dir), []);
  });

  it('Ctrl-C (SIGINT) stops an upload and a download and removes what they wrote', async () => {
    await throttleTransfers(t.sim, 4 * MiB);
    try {
      for (const args of [
        ['vol-upload', '--pool', 'LocalDS_0', 'data/interrupted.bin', big],
        ['vol-download', '--pool', 'LocalDS_0', 'data/big2.bin', join(tmp, 'interrupted.out')],
      ]) {
        const child = spawn(join(process.cwd(), 'bin/esxvirt'), ['-c', t.uri, ...args], {
          env: { ...process.env, LIBVIRT_AUTH_FILE: t.authFile, ESXVIRT_NODE: process.execPath },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
        await new Promise((r) => setTimeout(r, 2500));
        child.kill('SIGINT');
        const code = await new Promise<number | null>((r) => child.on('close', r));
        assert.equal(code, 1, stderr);
        assert.match(stderr, /^error: (upload to|download of) .* interrupted: nothing was (changed|written)\n$/);
      }
    } finally {
      await throttleTransfers(t.sim, 0);
    }
    assert.equal(existsSync(join(dir, 'data/interrupted.bin')), false);
    assert.deepEqual(partialFiles(dir), []);
    assert.equal(existsSync(join(tmp, 'interrupted.out')), false);
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.endsWith('.part')),
      [],
    );
  });

  it('an upload larger than the free space is refused before anything is sent', async () => {
    const huge = join(tmp, 'huge.img');
    // A sparse file of 4 TiB: nothing is read before the check.
    closeSync(openSync(huge, 'w'));
    truncateSync(huge, 2 ** 42);
    const puts = (await transferCounts(t.sim)).puts;
    const r = await t.fails('vol-upload', '--pool', 'LocalDS_0', 'data/huge.img', huge);
    assert.match(r.message, /^not enough free space on pool 'LocalDS_0': the upload needs 4398046511104 bytes, \d+ are available$/);
    assert.equal((await transferCounts(t.sim)).puts, puts);
  });

  it('progress on a terminal: one line rewritten in place, none when standard error is not a terminal', scriptTool.options, async () => {
    const cmd = [join(process.cwd(), 'bin/esxvirt'), '-c', t.uri, 'vol-upload', '--pool', 'LocalDS_0', 'data/progress.bin', big]
      .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const out = await new Promise<string>((resolve, reject) => {
      // script(1) runs the command on a pseudo-terminal and copies what it shows.
      const child = spawn(scriptTool.value(), ['-qec', cmd, '/dev/null'], {
        env: { ...process.env, LIBVIRT_AUTH_FILE: t.authFile, ESXVIRT_NODE: process.execPath },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      child.stdout.setEncoding('utf8').on('data', (x: string) => (text += x));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${text}`))));
    });
    assert.match(out, new RegExp(`\\ruploading ${big.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 64\\.00 MiB of 64\\.00 MiB \\(100%\\)`));
    const plain = await t.cli('vol-upload', '--pool', 'LocalDS_0', 'data/progress.bin', big, '--force');
    assert.equal(plain.stderr, '');
  });

  it('library: uploads a stream and reads a volume as a stream', async () => {
    const conn = await t.open();
    try {
      const data = Buffer.from('streamed through the library\n');
      const vol = await uploadVolume(conn, { vol: '[LocalDS_0] data/stream.txt' }, Readable.from([data]));
      assert.equal(vol.capacity, data.length);
      const { stream } = await openVolume(conn, { vol: vol.path }, { offset: 9 });
      assert.equal((await readBody(stream)).toString(), data.subarray(9).toString());
      const h = createHash('sha256');
      const sink = new (await import('node:stream')).Writable({
        write(c: Buffer, _e, cb) {
          h.update(c);
          cb();
        },
      });
      const { bytes } = await downloadVolume(conn, { pool: 'LocalDS_0', vol: 'data/big2.bin' }, sink);
      assert.equal(bytes, 64 * MiB);
      assert.equal(h.digest('hex'), bigSum);
    } finally {
      await conn.close();
    }
  });
});

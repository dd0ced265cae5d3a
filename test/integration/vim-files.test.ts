import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { FaultError, NotFoundError } from '../../src/errors.js';
import type { VimClient } from '../../src/vim25/client.js';
import {
  deleteDatastoreFile,
  downloadDatastoreFile,
  makeDirectory,
  openDatastoreFile,
  readDatastoreFile,
  uploadDatastoreFile,
  type DatastoreFile,
} from '../../src/vim25/datastore-files.js';
import { parseDatastorePath } from '../../src/datastore-path.js';
import type { MoRef } from '../../src/vim25/generated/types.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import { prop, retrieveOne } from '../../src/vim25/property.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

const CHUNK = 64 * 1024;

/** `chunks` pseudo-random chunks, produced on demand (never held whole), and their SHA-256. */
function source(chunks: number, seed: number): { stream: () => Readable; size: number; sha256: string } {
  const chunk = (i: number): Buffer => {
    const b = Buffer.alloc(CHUNK);
    let x = (seed * 2654435761 + i * 40503) >>> 0;
    for (let j = 0; j < CHUNK; j += 4) {
      x = (x * 1664525 + 1013904223) >>> 0;
      b.writeUInt32LE(x, j);
    }
    return b;
  };
  const h = createHash('sha256');
  for (let i = 0; i < chunks; i++) h.update(chunk(i));
  return {
    stream: () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < chunks; i++) yield chunk(i);
        })(),
        { objectMode: false },
      ),
    size: chunks * CHUNK,
    sha256: h.digest('hex'),
  };
}

/** A Writable that only hashes what it receives. */
function hashSink(): { sink: Writable; digest: () => string } {
  const h = createHash('sha256');
  return { sink: new Writable({ write: (c: Buffer, _e, cb) => (h.update(c), cb()) }), digest: () => h.digest('hex') };
}

describe('vim25 datastore files (ESX simulator)', () => {
  let sim: Simulator;
  let c: VimClient;
  const file = (path: string): DatastoreFile => ({ datastore: 'LocalDS_0', path, dcPath: 'ha-datacenter' });

  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
    c = await connectTo(sim);
  });
  after(async () => {
    await c?.close();
    await sim?.stop();
  });

  it('streams an upload and a download of 8 MiB with progress events', async () => {
    const src = source(128, 1);
    await makeDirectory(c, '[LocalDS_0] stream');
    const up: number[] = [];
    await uploadDatastoreFile(c, file('stream/data.bin'), src.stream(), src.size, { onProgress: (p) => up.push(p.done) });
    assert.ok(up.length >= 16, `upload progress events: ${up.length}`);
    assert.equal(up.at(-1), src.size);

    const down: { done: number; total: number | undefined }[] = [];
    const { sink, digest } = hashSink();
    const bytes = await downloadDatastoreFile(c, file('stream/data.bin'), sink, { onProgress: (p) => down.push(p) });
    assert.equal(bytes, src.size);
    assert.equal(digest(), src.sha256);
    assert.ok(down.length >= 16, `download progress events: ${down.length}`);
    assert.deepEqual(down.at(-1), { done: src.size, total: src.size });
  });

  it('uploads chunked when the size is unknown, and reads small files whole', async () => {
    const src = source(3, 2);
    await uploadDatastoreFile(c, file('stream/chunked.bin'), src.stream());
    const { stream, size } = await openDatastoreFile(c, file('stream/chunked.bin'));
    assert.equal(size, src.size);
    const { sink, digest } = hashSink();
    await new Promise<void>((resolve, reject) => stream.pipe(sink).on('finish', resolve).on('error', reject));
    assert.equal(digest(), src.sha256);
    await uploadDatastoreFile(c, file('stream/small.txt'), Buffer.from('hello\n'));
    assert.equal((await readDatastoreFile(c, file('stream/small.txt'))).toString(), 'hello\n');
    await assert.rejects(readDatastoreFile(c, file('stream/chunked.bin'), { maxBytes: 1000 }), /exceeds the limit/);
  });

  it("keeps names with spaces, '&', '#', '%' and non-ASCII characters intact", async () => {
    const dir = 'dir with space & #hash';
    const name = 'fïlé 100% ✓.txt';
    await makeDirectory(c, `[LocalDS_0] ${dir}`);
    await uploadDatastoreFile(c, file(`${dir}/${name}`), Buffer.from('x'));
    assert.equal((await readDatastoreFile(c, file(`${dir}/${name}`))).toString(), 'x');
  });

  it('makes nested directories, deletes them recursively, and reports missing files as NotFoundError', async () => {
    await makeDirectory(c, '[LocalDS_0] a/b/c');
    await uploadDatastoreFile(c, file('a/b/c/f.txt'), Buffer.from('data'));
    await assert.rejects(
      makeDirectory(c, '[LocalDS_0] a/b/c', { createParents: false }),
      (e: unknown) => e instanceof FaultError && e.faultType === 'FileAlreadyExists',
    );
    await deleteDatastoreFile(c, '[LocalDS_0] a');
    await assert.rejects(
      readDatastoreFile(c, file('a/b/c/f.txt')),
      (e: unknown) => e instanceof NotFoundError && /\[LocalDS_0\] a\/b\/c\/f\.txt/.test(e.message),
    );
    await assert.rejects(deleteDatastoreFile(c, '[LocalDS_0] a'), NotFoundError);
  });

  it("reads a VM's .vmx through its datastore path", async () => {
    const vm = (await c.inventory.findVmByName('ha-host_VM0')) as MoRef<'VirtualMachine'>;
    const vmx = prop(await retrieveOne(c, vm, [VirtualMachineProps.vmPathName]), VirtualMachineProps.vmPathName) as string;
    const hc = await c.inventory.hostContext();
    const data = await readDatastoreFile(c, { ...parseDatastorePath(vmx), dcPath: hc.datacenter.path });
    // vcsim writes empty .vmx files.
    assert.equal(data.length, 0);
  });
});

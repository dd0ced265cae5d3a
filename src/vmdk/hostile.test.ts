/**
 * Hostile and damaged images: every one must end in exactly one clear EsxError (one line, the right
 * code) — at open or from the raw stream — never a crash, a hang or an allocation the input dictates.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { EsxError, type ErrorCode } from '../errors.js';
import { memorySink, memorySource, rawOf } from '../../test/support/vmdk-memory.js';
import { createStreamOptimizedWriter, openVmdkReader, writeMonolithicSparse, type ByteSource, type OpenVmdkOptions } from './index.js';
import { encodeSparseHeader, MARKER_FOOTER, MARKER_GD, MARKER_GT, type SparseHeader } from './sparse-header.js';

const GRAIN = 65536;

function rawWithGrains(grains: number, filled: number[]): Buffer {
  const b = Buffer.alloc(grains * GRAIN);
  for (const g of filled) for (let i = 0; i < GRAIN; i++) b[g * GRAIN + i] = (i * 7 + g) & 0xff;
  return b;
}

async function sparseImage(raw: Buffer): Promise<Buffer> {
  const sink = memorySink();
  await writeMonolithicSparse(Readable.from([raw]), sink, { capacity: raw.length });
  return sink.data();
}

function marker(value: number, size: number, type: number): Buffer {
  const m = Buffer.alloc(512);
  m.writeBigUInt64LE(BigInt(value), 0);
  m.writeUInt32LE(size, 8);
  m.writeUInt32LE(type, 12);
  return m;
}

/** A streamOptimized image with the given compressed grain payloads (one grain table; GD via the footer). */
function soImage(capacitySectors: number, grains: [number, Buffer][], opts: { tableLba?: (lba: number) => number } = {}): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  const push = (b: Buffer): void => {
    parts.push(b);
    pos += b.length;
  };
  const h: SparseHeader = {
    version: 3,
    flags: 0x30001,
    capacity: capacitySectors,
    grainSize: 128,
    descriptorOffset: 0,
    descriptorSize: 0,
    numGTEsPerGT: 512,
    rgdOffset: 0,
    gdOffset: -1,
    overHead: 1,
    uncleanShutdown: false,
    newlineChars: '\n \r\n',
    compressAlgorithm: 1,
  };
  push(encodeSparseHeader(h));
  const gt = Buffer.alloc(2048);
  for (const [lba, payload] of grains) {
    gt.writeUInt32LE(pos / 512, ((opts.tableLba?.(lba) ?? lba) / 128) * 4);
    const m = Buffer.alloc(Math.ceil((12 + payload.length) / 512) * 512);
    m.writeBigUInt64LE(BigInt(lba), 0);
    m.writeUInt32LE(payload.length, 8);
    payload.copy(m, 12);
    push(m);
  }
  push(marker(4, 0, MARKER_GT));
  const gtSector = pos / 512;
  push(gt);
  push(marker(1, 0, MARKER_GD));
  const gd = Buffer.alloc(512);
  gd.writeUInt32LE(gtSector, 0);
  const gdSector = pos / 512;
  push(gd);
  push(marker(1, 0, MARKER_FOOTER));
  push(encodeSparseHeader({ ...h, gdOffset: gdSector }));
  push(Buffer.alloc(512));
  return Buffer.concat(parts);
}

/** Opens and reads `src` fully; returns the one error it ends in. */
async function failure(src: ByteSource | (() => ByteSource), opts?: OpenVmdkOptions): Promise<EsxError> {
  try {
    const r = await openVmdkReader(typeof src === 'function' ? src() : src, opts);
    await rawOf(r);
  } catch (e) {
    assert.ok(e instanceof EsxError, `not an EsxError: ${String(e)}`);
    assert.ok(!e.message.includes('\n'), 'message is one line');
    return e;
  }
  assert.fail('reading succeeded');
}

async function fails(src: ByteSource | (() => ByteSource), code: ErrorCode, re: RegExp, opts?: OpenVmdkOptions): Promise<void> {
  const e = await failure(src, opts);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, re);
}

/** Both ways of reading a streamOptimized image: random access and as a stream in small chunks. */
async function failsBothWays(img: Buffer, re: RegExp): Promise<void> {
  await fails(memorySource(img), 'InvalidConfig', re);
  const chunks = Array.from({ length: Math.ceil(img.length / 1000) }, (_, i) => img.subarray(i * 1000, (i + 1) * 1000));
  await fails(() => Readable.from(chunks), 'InvalidConfig', re);
}

describe('hostile monolithicSparse images', () => {
  test('not a VMDK at all, or a bad magic number', async () => {
    await fails(memorySource(Buffer.from('MZ\x90\x00 this is an exe')), 'InvalidConfig', /not a VMDK image/);
    await fails(() => Readable.from([Buffer.alloc(10000, 0xee)]), 'InvalidConfig', /not a VMDK image/);
    await fails(memorySource(Buffer.alloc(0)), 'InvalidConfig', /not a VMDK image/);
  });

  test('truncated files', async () => {
    const img = await sparseImage(rawWithGrains(4, [0, 3]));
    await fails(
      memorySource(img.subarray(0, img.length - 1000)),
      'InvalidConfig',
      /grain table 0 points grain at sector 384 beyond the end of the file/,
    );
    await fails(memorySource(img.subarray(0, 300)), 'InvalidConfig', /not a VMDK image|truncated/);
    await fails(memorySource(img.subarray(0, 10 * 512)), 'InvalidConfig', /embedded descriptor .* beyond the end of the file/);
  });

  test('grain directory, grain tables and grains pointing outside the file or into the header', async () => {
    const img = await sparseImage(rawWithGrains(4, [1]));
    const gdOffset = Number(img.readBigUInt64LE(56));
    const gtSector = img.readUInt32LE(gdOffset * 512);
    const patch = (at: number, write: (b: Buffer) => void): Buffer => {
      const b = Buffer.from(img);
      write(b.subarray(at));
      return b;
    };
    await fails(
      memorySource(patch(56, (b) => b.writeBigUInt64LE(10n ** 9n))),
      'InvalidConfig',
      /grain directory \(sectors 1000000000\.\.\d+\) lies beyond the end of the file/,
    );
    await fails(
      memorySource(patch(gdOffset * 512, (b) => b.writeUInt32LE(0xfffffff0))),
      'InvalidConfig',
      /grain table 0 .*lies beyond the end of the file/,
    );
    await fails(
      memorySource(patch(gtSector * 512 + 4, (b) => b.writeUInt32LE(0x7fffffff))),
      'InvalidConfig',
      /points grain at sector 128 beyond the end of the file/,
    );
    await fails(
      memorySource(patch(gtSector * 512 + 4, (b) => b.writeUInt32LE(3))),
      'InvalidConfig',
      /points grain at sector 128 into the header or descriptor/,
    );
  });

  test('capacity and table sizes that would make us allocate or produce absurd amounts', async () => {
    const img = await sparseImage(rawWithGrains(2, [0]));
    const withU64 = (at: number, v: bigint): Buffer => {
      const b = Buffer.from(img);
      b.writeBigUInt64LE(v, at);
      return b;
    };
    await fails(memorySource(withU64(12, 2n ** 40n)), 'InvalidConfig', /capacity 562949953421312 bytes exceeds the limit/);
    await fails(memorySource(withU64(12, 2n ** 62n)), 'InvalidConfig', /capacity .* is out of range/);
    // Within the limit, but the grain directory it needs does not fit in the file.
    await fails(memorySource(withU64(12, 2n ** 36n)), 'InvalidConfig', /grain directory .* beyond the end of the file/);
    await fails(memorySource(img), 'InvalidConfig', /exceeds the limit of 65536 bytes/, { maxCapacity: 65536 });
    await fails(memorySource(withU64(20, 3n)), 'InvalidConfig', /grain size 3 sectors is not a power of two/);
    await fails(memorySource(withU64(20, 2n ** 20n)), 'InvalidConfig', /grain size 1048576 sectors/);
    const gtes = Buffer.from(img);
    gtes.writeUInt32LE(1 << 20, 44);
    await fails(memorySource(gtes), 'InvalidConfig', /grain tables of 1048576 entries are not supported/);
    const nl = Buffer.from(img);
    nl.write('\n \n\n', 73, 'latin1');
    await fails(memorySource(nl), 'InvalidConfig', /fails the newline test/);
  });

  test('delta disks and sparse images given as a stream are refused clearly', async () => {
    const img = await sparseImage(rawWithGrains(1, []));
    const delta = Buffer.from(img);
    delta.write('parentCID=12345678', delta.indexOf('parentCID=ffffffff'), 'latin1');
    await fails(memorySource(delta), 'Unsupported', /delta disk/);
    await fails(() => Readable.from([img]), 'Unsupported', /needs random access/);
  });
});

describe('hostile streamOptimized images', () => {
  const good = deflateSync(Buffer.alloc(GRAIN, 0x41));

  test('the builder makes a valid image (so the failures below are the damage, not the builder)', async () => {
    const img = soImage(512, [
      [0, good],
      [256, good],
    ]);
    for (const src of [memorySource(img), Readable.from([img])]) {
      const raw = await rawOf(await openVmdkReader(src));
      assert.equal(raw.length, 512 * 512);
      assert.ok(raw.subarray(0, GRAIN).equals(Buffer.alloc(GRAIN, 0x41)) && raw.subarray(GRAIN, 2 * GRAIN).equals(Buffer.alloc(GRAIN)));
    }
  });

  test('deflate bombs are cut off at the grain size', async () => {
    const bomb = deflateSync(Buffer.alloc(64 * 2 ** 20));
    assert.ok(bomb.length < GRAIN);
    await failsBothWays(soImage(256, [[0, bomb]]), /grain at sector 0 inflates to more than the grain size \(65536 bytes\)/);
  });

  test('compressed sizes past the limit, broken deflate data, short grains', async () => {
    const huge = soImage(256, [[0, good]]);
    huge.writeUInt32LE(0xffffffff, 512 + 8);
    await failsBothWays(huge, /compressed grain for sector 0 has an invalid size of 4294967295 bytes/);
    await failsBothWays(soImage(256, [[0, Buffer.from('definitely not deflate')]]), /grain at sector 0 is not valid deflate data/);
    await failsBothWays(soImage(256, [[0, deflateSync(Buffer.alloc(1000))]]), /grain for sector 0 inflates to 1000 bytes, expected 65536/);
  });

  test('truncated before the footer and the end-of-stream marker', async () => {
    const img = soImage(256, [[0, good]]);
    await fails(memorySource(img.subarray(0, img.length - 512)), 'InvalidConfig', /footer|end-of-stream/);
    await fails(() => Readable.from([img.subarray(0, img.length - 1536)]), 'InvalidConfig', /without an end-of-stream marker/);
    await fails(
      () => Readable.from([img.subarray(0, 700)]),
      'InvalidConfig',
      /stream is truncated: marker at offset 512 needs 512 bytes, only 188 left/,
    );
  });

  test('grains out of order, LBAs off the grain or past the capacity, unknown markers', async () => {
    await fails(
      () =>
        Readable.from([
          soImage(512, [
            [256, good],
            [0, good],
          ]),
        ]),
      'InvalidConfig',
      /grain for sector 0 .* out of order/,
    );
    await fails(() => Readable.from([soImage(512, [[100, good]], { tableLba: () => 0 })]), 'InvalidConfig', /invalid sector 100/);
    await fails(() => Readable.from([soImage(256, [[256, good]], { tableLba: () => 0 })]), 'InvalidConfig', /invalid sector 256/);
    await fails(
      memorySource(soImage(512, [[256, good]], { tableLba: () => 0 })),
      'InvalidConfig',
      /is for sector 256, but the grain table expects sector 0/,
    );
    const odd = soImage(256, []);
    odd.writeUInt32LE(9, 512 + 12);
    await fails(() => Readable.from([odd]), 'InvalidConfig', /unknown type 9/);
    const bigGt = soImage(256, []);
    bigGt.writeBigUInt64LE(2n ** 40n, 512);
    await fails(() => Readable.from([bigGt]), 'InvalidConfig', /grain table marker .* claims 1099511627776 sectors/);
  });
});

describe('hostile descriptors', () => {
  const desc = (extents: string): Buffer =>
    Buffer.from(`# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfs"\n${extents}\n`);

  test('extent names that leave the folder are refused before anything is opened', async () => {
    let opened = 0;
    const openExtent = async (): Promise<ByteSource> => {
      opened++;
      return memorySource(Buffer.alloc(512));
    };
    for (const name of ['../../etc/shadow', '/etc/shadow', 'sub/x-flat.vmdk']) {
      await fails(memorySource(desc(`RW 1 VMFS "${name}"`)), 'InvalidConfig', /is not a plain file name/, { openExtent });
    }
    assert.equal(opened, 0);
  });

  test('extents shorter than described, unsupported extent types, no way to open extents, oversized text', async () => {
    const openExtent = async (): Promise<ByteSource> => memorySource(Buffer.alloc(1024));
    await fails(memorySource(desc('RW 4 VMFS "x-flat.vmdk"')), 'InvalidConfig', /holds 1024 bytes, the descriptor needs 2048/, {
      openExtent,
    });
    await fails(memorySource(desc('RW 4 VMFS "x-flat.vmdk"')), 'InvalidConfig', /stream is truncated|truncated/, {
      openExtent: async () => Readable.from([Buffer.alloc(1024)]),
    });
    await fails(memorySource(desc('RW 4 VMFSRDM "x-rdm.vmdk"')), 'Unsupported', /VMFSRDM extents are not supported/, { openExtent });
    await fails(memorySource(desc('RW 4 VMFS "x-flat.vmdk"')), 'Unsupported', /needs a way to open its extents/);
    await fails(memorySource(desc('RW 4 SPARSE "x-s001.vmdk"')), 'Unsupported', /needs random access/, {
      openExtent: async () => Readable.from([Buffer.alloc(1024)]),
    });
    await fails(memorySource(desc('RW 4 SPARSE "x-s001.vmdk"')), 'InvalidConfig', /no KDMV magic/, { openExtent });
    await fails(() => Readable.from([desc(`RW 4 ZERO\n${'#'.repeat(9000)}`)]), 'InvalidConfig', /larger than 8000 bytes/, {
      descriptorLimits: { maxBytes: 8000 },
    });
    await fails(memorySource(desc('RW 99999999999 ZERO')), 'InvalidConfig', /exceeds the limit/, { maxCapacity: 2 ** 40 });
  });
});

describe('writers refuse input that does not match the capacity', () => {
  test('streamOptimized and monolithicSparse, too short and too long', async () => {
    const raw = Buffer.alloc(3 * 512, 1);
    const so = (capacity: number): Promise<void> =>
      pipeline(Readable.from([raw]), createStreamOptimizedWriter({ capacity }), async function* (src: AsyncIterable<Buffer>) {
        for await (const _ of src) yield* [];
      });
    await assert.rejects(so(4 * 512), /raw input ended after 1536 bytes; the capacity is 2048 bytes/);
    await assert.rejects(so(2 * 512), /raw input is longer than the capacity of 1024 bytes/);
    await assert.rejects(
      writeMonolithicSparse(Readable.from([raw]), memorySink(), { capacity: 4 * 512 }),
      /raw input ended after 1536 bytes/,
    );
    await assert.rejects(
      writeMonolithicSparse(Readable.from([raw]), memorySink(), { capacity: 2 * 512 }),
      /raw input is longer than the capacity of 1024 bytes/,
    );
    assert.throws(() => createStreamOptimizedWriter({ capacity: 0 }), /disk capacity 0 is not a positive number/);
    assert.throws(() => createStreamOptimizedWriter({ capacity: 2 ** 42 }), /exceeds the format's limit/);
  });
});

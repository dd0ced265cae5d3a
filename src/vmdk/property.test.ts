/**
 * Property tests of the VMDK library: any raw disk survives every writer → reader round trip, and
 * damaged images (random byte changes, truncation) and random descriptor text end either in exactly
 * the capacity's bytes or in an EsxError — nothing else, and never a hang.
 * ESXVIRT_PROPERTY_RUNS sets the runs per property (default 200; the image properties run a quarter); ESXVIRT_PROPERTY_SEED replays.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EsxError } from '../errors.js';
import { memorySink, memorySource, rawOf } from '../../test/support/vmdk-memory.js';
import {
  createStreamOptimizedWriter,
  formatVmdkDescriptor,
  openVmdkReader,
  parseVmdkDescriptor,
  writeMonolithicSparse,
  type ByteSource,
  type VmdkDescriptor,
} from './index.js';

const RUNS = Number(process.env.ESXVIRT_PROPERTY_RUNS) || 200;
const SEED = process.env.ESXVIRT_PROPERTY_SEED;
const params = (runs: number): fc.Parameters<unknown> => ({ numRuns: runs, ...(SEED ? { seed: Number(SEED) } : {}) });
const GRAIN = 65536;

/** A raw disk: 1 sector to ~20 grains of zero runs, random bytes, repeated bytes, each piece of random length. */
const diskArb = fc
  .array(
    fc.tuple(
      fc.constantFrom('zero', 'random', 'fill'),
      fc.integer({ min: 1, max: 3 * GRAIN }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer(),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((pieces) => {
    const bufs = pieces.map(([kind, len, byte, seed]) => {
      if (kind === 'zero') return Buffer.alloc(len);
      if (kind === 'fill') return Buffer.alloc(len, byte);
      const b = Buffer.alloc(len);
      let x = seed | 1;
      for (let i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        b[i] = x & 0xff;
      }
      return b;
    });
    return Buffer.concat(bufs);
  });

/** Splits `b` into chunks of random sizes, as a network stream would deliver it. */
function chunked(b: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < b.length; i++) {
    const n = sizes.length > 0 ? (sizes[i % sizes.length] as number) : b.length;
    out.push(b.subarray(at, at + n));
    at += n;
  }
  return out;
}

async function streamOptimized(raw: Buffer, sizes: number[]): Promise<Buffer> {
  return Buffer.concat(
    await Readable.from(chunked(raw, sizes))
      .pipe(createStreamOptimizedWriter({ capacity: raw.length, concurrency: 3 }))
      .toArray(),
  );
}

async function sparse(raw: Buffer, sizes: number[]): Promise<Buffer> {
  const sink = memorySink();
  await writeMonolithicSparse(Readable.from(chunked(raw, sizes)), sink, { capacity: raw.length });
  return sink.data();
}

function padded(raw: Buffer): Buffer {
  const n = Math.ceil(raw.length / 512) * 512;
  return Buffer.concat([raw, Buffer.alloc(n - raw.length)]);
}

/** Reads fully; returns the bytes, or the EsxError. Anything else fails the property. */
async function readOrError(src: ByteSource): Promise<Buffer | EsxError> {
  try {
    const r = await openVmdkReader(src);
    const raw = await rawOf(r);
    assert.equal(raw.length, r.capacity, 'a successful read yields exactly the capacity');
    return raw;
  } catch (e) {
    if (e instanceof EsxError) return e;
    throw e;
  }
}

describe('round trips', () => {
  test('raw → streamOptimized → raw, random access and streamed in random chunks', async () => {
    await fc.assert(
      fc.asyncProperty(diskArb, fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 5 }), async (raw, sizes) => {
        const img = await streamOptimized(raw, sizes);
        assert.ok((await rawOf(await openVmdkReader(memorySource(img)))).equals(padded(raw)));
        assert.ok((await rawOf(await openVmdkReader(Readable.from(chunked(img, sizes))))).equals(padded(raw)));
      }),
      params(Math.ceil(RUNS / 4)),
    );
  });

  test('raw → monolithicSparse → raw', async () => {
    await fc.assert(
      fc.asyncProperty(diskArb, fc.array(fc.integer({ min: 1, max: 100_000 }), { maxLength: 5 }), async (raw, sizes) => {
        const img = await sparse(raw, sizes);
        assert.ok((await rawOf(await openVmdkReader(memorySource(img)))).equals(padded(raw)));
      }),
      params(Math.ceil(RUNS / 4)),
    );
  });
});

describe('damaged images', () => {
  const mutation = fc.record({
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
    // Damage concentrated where the metadata is: header, first sectors, and the tail (footer, tables).
    zone: fc.constantFrom('head', 'tail', 'anywhere'),
    cut: fc.option(fc.nat(), { nil: undefined }),
  });

  function damage(img: Buffer, m: { flips: [number, number][]; zone: string; cut: number | undefined }): Buffer {
    const b = Buffer.from(img);
    for (const [pos, value] of m.flips) {
      const at =
        m.zone === 'head'
          ? pos % Math.min(b.length, 1024)
          : m.zone === 'tail'
            ? b.length - 1 - (pos % Math.min(b.length, 4096))
            : pos % b.length;
      b[at] = value;
    }
    return m.cut === undefined ? b : b.subarray(0, m.cut % b.length);
  }

  test('mutated streamOptimized and monolithicSparse images: the capacity in bytes, or an EsxError', async () => {
    const raw = Buffer.concat([Buffer.alloc(GRAIN, 7), Buffer.alloc(2 * GRAIN), Buffer.from('x'.repeat(GRAIN + 1000))]);
    const images = [await streamOptimized(raw, []), await sparse(raw, [])];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), mutation, fc.boolean(), async (which, m, asStream) => {
        const img = damage(images[which] as Buffer, m);
        const r = await readOrError(asStream ? Readable.from(chunked(img, [4096])) : memorySource(img));
        if (r instanceof EsxError) assert.ok(!r.message.includes('\n'));
      }),
      { ...params(RUNS), interruptAfterTimeLimit: 60_000 },
    );
  });
});

describe('descriptors', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9 _.-]{1,20}$/).filter((s) => s !== '.' && s !== '..');
  const descriptorArb: fc.Arbitrary<VmdkDescriptor> = fc.record({
    version: fc.integer({ min: 1, max: 3 }),
    cid: fc.integer({ min: 0, max: 0xffffffff }),
    parentCid: fc.integer({ min: 0, max: 0xffffffff }),
    createType: fc.constantFrom('vmfs', 'monolithicFlat', 'monolithicSparse', 'streamOptimized', 'twoGbMaxExtentSparse'),
    extents: fc.array(
      fc.oneof(
        fc.record({ access: fc.constantFrom('RW' as const, 'RDONLY' as const), sectors: fc.nat(), type: fc.constant('ZERO' as const) }),
        fc.record({
          access: fc.constant('RW' as const),
          sectors: fc.nat(),
          type: fc.constantFrom('VMFS' as const, 'SPARSE' as const),
          fileName: name,
        }),
        fc.record({
          access: fc.constant('RW' as const),
          sectors: fc.nat(),
          type: fc.constant('FLAT' as const),
          fileName: name,
          offset: fc.nat(),
        }),
      ),
      { minLength: 1, maxLength: 5 },
    ),
    ddb: fc.dictionary(fc.stringMatching(/^x[A-Za-z.]{0,15}$/), fc.stringMatching(/^[ -!#-~]{0,20}$/), { maxKeys: 5 }),
    other: fc.constant({}),
  });

  test('format then parse gives the same descriptor', () => {
    fc.assert(
      fc.property(descriptorArb, (d) => {
        // Keys differing only in case are one key to the parser; ours start with x, so none is renamed to VMware's case.
        const lower = Object.keys(d.ddb).map((k) => k.toLowerCase());
        fc.pre(new Set(lower).size === lower.length);
        assert.deepEqual(parseVmdkDescriptor(formatVmdkDescriptor(d)), JSON.parse(JSON.stringify(d)));
      }),
      params(RUNS),
    );
  });

  test('random and mutated descriptor text parses or gives a ConfigError', () => {
    const base = formatVmdkDescriptor(
      parseVmdkDescriptor('version=1\ncreateType="vmfs"\nRW 8 VMFS "x-flat.vmdk"\nddb.adapterType = "lsilogic"\n'),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc
            .tuple(fc.nat(), fc.string({ maxLength: 10 }))
            .map(([at, s]) => base.slice(0, at % base.length) + s + base.slice(at % base.length)),
        ),
        (text) => {
          try {
            parseVmdkDescriptor(text);
          } catch (e) {
            assert.ok(e instanceof EsxError && e.code === 'InvalidConfig', String(e));
          }
        },
      ),
      params(RUNS),
    );
  });
});

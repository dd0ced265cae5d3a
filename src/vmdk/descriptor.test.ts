import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import test from 'node:test';
import { ConfigError, EsxError, InvalidArgumentError } from '../errors.js';
import {
  checkExtentFileName,
  defaultGeometry,
  descriptorCapacity,
  descriptorOfVmdkHead,
  detectVmdkKind,
  diskInfo,
  flatExtentName,
  flatVmdkDescriptor,
  formatVmdkDescriptor,
  newDiskDescriptor,
  openVmdkReader,
  parseVmdkDescriptor,
  scsiModelOfDescriptor,
} from './index.js';
import { encodeSparseHeader, FLAG_COMPRESSED, FLAG_MARKERS, type SparseHeader } from './sparse-header.js';

// As ESXi writes a thin disk's descriptor (values changed).
const ESX_THIN = `# Disk DescriptorFile
version=1
encoding="UTF-8"
CID=7f3b0c1a
parentCID=ffffffff
isNativeSnapshot="no"
createType="vmfs"

# Extent description
RW 41943040 VMFS "web-flat.vmdk"

# The Disk Data Base
#DDB

ddb.adapterType = "lsilogic"
ddb.deletable = "true"
ddb.geometry.cylinders = "2610"
ddb.geometry.heads = "255"
ddb.geometry.sectors = "63"
ddb.longContentID = "0d8c1a3e5b7f2d9a7f3b0c1a00000000"
ddb.thinProvisioned = "1"
ddb.uuid = "60 00 C2 9b 1e 2d 3c 4b-5a 69 78 87 96 a5 b4 c3"
ddb.virtualHWVersion = "13"
`;

function configError(re: RegExp): (e: unknown) => boolean {
  return (e: unknown) => e instanceof ConfigError && re.test(e.message) && !e.message.includes('\n');
}

test('an ESXi thin disk descriptor: header keys, the VMFS extent, the disk database', () => {
  const d = parseVmdkDescriptor(ESX_THIN);
  assert.equal(d.version, 1);
  assert.equal(d.encoding, 'UTF-8');
  assert.equal(d.cid, 0x7f3b0c1a);
  assert.equal(d.parentCid, 0xffffffff);
  assert.equal(d.createType, 'vmfs');
  assert.deepEqual(d.other, { isNativeSnapshot: 'no' });
  assert.deepEqual(d.extents, [{ access: 'RW', sectors: 41943040, type: 'VMFS', fileName: 'web-flat.vmdk' }]);
  assert.equal(descriptorCapacity(d), 20 * 2 ** 30);
  assert.deepEqual(diskInfo(d), {
    adapterType: 'lsilogic',
    geometry: { cylinders: 2610, heads: 255, sectors: 63 },
    virtualHWVersion: 13,
    thinProvisioned: true,
    uuid: '60 00 C2 9b 1e 2d 3c 4b-5a 69 78 87 96 a5 b4 c3',
    longContentID: '0d8c1a3e5b7f2d9a7f3b0c1a00000000',
  });
  assert.equal(scsiModelOfDescriptor(d), 'lsilogic');
  assert.equal(formatVmdkDescriptor(d), ESX_THIN);
});

test('CRLF lines, unquoted values, odd key case, FLAT offsets and ZERO extents', () => {
  const d = parseVmdkDescriptor(
    '# Disk DescriptorFile\r\nVersion=1\r\nCID=fffffffe\r\ncreatetype = monolithicFlat\r\nRW 100 FLAT "a b.vmdk" 7\r\nRDONLY 28 ZERO\r\nNOACCESS 4 FLAT "c.vmdk"\r\nDDB.AdapterType = "pvscsi"\r\n',
  );
  assert.equal(d.createType, 'monolithicFlat');
  assert.deepEqual(d.extents, [
    { access: 'RW', sectors: 100, type: 'FLAT', fileName: 'a b.vmdk', offset: 7 },
    { access: 'RDONLY', sectors: 28, type: 'ZERO' },
    { access: 'NOACCESS', sectors: 4, type: 'FLAT', fileName: 'c.vmdk' },
  ]);
  assert.equal(d.ddb.adapterType, 'pvscsi');
  assert.equal(scsiModelOfDescriptor(d), 'vmpvscsi');
  assert.deepEqual(parseVmdkDescriptor(formatVmdkDescriptor(d)), d);
});

test('bytes: NUL padding ends an embedded descriptor; non-UTF-8 text is read as Latin-1', () => {
  const b = Buffer.concat([Buffer.from('version=1\ncreateType="vmfs"\nRW 8 VMFS "d\xe9j\xe0-flat.vmdk"\n', 'latin1'), Buffer.alloc(600)]);
  assert.equal(parseVmdkDescriptor(b).extents[0]?.fileName, 'déjà-flat.vmdk');
  const u = Buffer.from('version=1\ncreateType="vmfs"\nRW 8 VMFS "ディスク-flat.vmdk"\n', 'utf8');
  assert.equal(parseVmdkDescriptor(u).extents[0]?.fileName, 'ディスク-flat.vmdk');
});

test('malformed descriptors: one ConfigError naming the line or the missing key', () => {
  const ok = 'version=1\ncreateType="vmfs"\nRW 8 VMFS "x-flat.vmdk"\n';
  const cases: [string, RegExp][] = [
    ['createType="vmfs"\nRW 8 VMFS "x"\n', /has no version/],
    ['version=4\ncreateType="vmfs"\nRW 8 VMFS "x"\n', /version '4' is not 1, 2 or 3/],
    ['version=1\nRW 8 VMFS "x"\n', /has no createType/],
    ['version=1\ncreateType="vmfs"\n', /names no extent/],
    [`${ok}this is not a line\n`, /line 4: expected 'key = "value"' or an extent/],
    [`${ok}RW 8 DISK "y"\n`, /line 4: unknown extent type 'DISK'/],
    [`${ok}RW -8 FLAT "y"\n`, /line 4: malformed extent|line 4: extent size/],
    [`${ok}RW 99999999999999999 FLAT "y"\n`, /line 4: extent size '99999999999999999' is not a sector count/],
    [`${ok}RW 8 ZERO "y"\n`, /line 4: a ZERO extent has no file/],
    [`${ok}RW 8 SPARSE "y" 5\n`, /line 4: only FLAT and VMFS extents have an offset/],
    [`${ok}RW 8 FLAT\n`, /line 4: FLAT extent without a file name/],
    [`${ok}CID=xyz\n`, /line 4: CID 'xyz' is not a 32-bit hexadecimal number/],
    [`${ok}ddb.adapterType = "a"\nDDB.ADAPTERTYPE = "b"\n`, /line 5: duplicate key 'DDB.ADAPTERTYPE'/],
    [`${ok}ddb.x = "unterminated\n`, /line 4: expected/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseVmdkDescriptor(text), configError(re), text);
});

test('limits: size, line count and line length bound what a hostile descriptor can make us hold', () => {
  const ok = 'version=1\ncreateType="vmfs"\nRW 8 VMFS "x-flat.vmdk"\n';
  assert.throws(() => parseVmdkDescriptor(ok + '#'.repeat(5 * 2 ** 20)), configError(/larger than 4194304 bytes/));
  assert.throws(() => parseVmdkDescriptor(Buffer.from(ok + ' '.repeat(2000)), { maxBytes: 1000 }), configError(/larger than 1000 bytes/));
  assert.throws(() => parseVmdkDescriptor(ok + '\n'.repeat(200), { maxLines: 100 }), configError(/more than 100 lines/));
  assert.throws(() => parseVmdkDescriptor(`${ok}# ${'x'.repeat(9000)}\n`), configError(/line 4 is longer than 8192 characters/));
  // A 64 TiB twoGbMaxExtentSparse disk (32,768 extents) is within the defaults.
  const big = `version=1\ncreateType="twoGbMaxExtentSparse"\n${Array.from({ length: 32768 }, (_, i) => `RW 4192256 SPARSE "disk-s${String(i + 1).padStart(5, '0')}.vmdk"`).join('\n')}\n`;
  assert.equal(parseVmdkDescriptor(big).extents.length, 32768);
});

test('formatting refuses what the syntax cannot carry', () => {
  const d = parseVmdkDescriptor('version=1\ncreateType="vmfs"\nRW 8 VMFS "x-flat.vmdk"\n');
  const bad: [() => unknown, RegExp][] = [
    [
      () => formatVmdkDescriptor({ ...d, extents: [{ access: 'RW', sectors: 8, type: 'VMFS', fileName: 'a"b' }] }),
      /contains a double quote/,
    ],
    [() => formatVmdkDescriptor({ ...d, ddb: { adapterType: 'x\ny' } }), /control character/],
    [() => formatVmdkDescriptor({ ...d, ddb: { 'bad key': '1' } }), /is not a valid key/],
    [() => formatVmdkDescriptor({ ...d, cid: -1 }), /CID -1 is not a 32-bit/],
    [() => formatVmdkDescriptor({ ...d, createType: 'a b' }), /createType 'a b' is not a name/],
    [() => formatVmdkDescriptor({ ...d, extents: [] }), /at least one extent/],
  ];
  for (const [f, re] of bad) assert.throws(f, (e: unknown) => e instanceof InvalidArgumentError && re.test(e.message));
});

test('descriptors for new flat disks: vmfs and monolithicFlat, geometry from the capacity', () => {
  assert.equal(flatExtentName('web.vmdk'), 'web-flat.vmdk');
  assert.equal(
    flatVmdkDescriptor({
      capacity: 10 * 2 ** 30,
      extentFileName: 'web-flat.vmdk',
      thinProvisioned: true,
      adapterType: 'pvscsi',
      virtualHWVersion: 13,
      cid: 0x1234,
    }),
    `# Disk DescriptorFile
version=1
encoding="UTF-8"
CID=00001234
parentCID=ffffffff
createType="vmfs"

# Extent description
RW 20971520 VMFS "web-flat.vmdk"

# The Disk Data Base
#DDB

ddb.adapterType = "pvscsi"
ddb.geometry.cylinders = "1305"
ddb.geometry.heads = "255"
ddb.geometry.sectors = "63"
ddb.thinProvisioned = "1"
ddb.virtualHWVersion = "13"
`,
  );
  const mono = parseVmdkDescriptor(
    flatVmdkDescriptor({ capacity: 1000, extentFileName: 'a-flat.vmdk', createType: 'monolithicFlat', adapterType: 'ide' }),
  );
  assert.deepEqual(mono.extents, [{ access: 'RW', sectors: 2, type: 'FLAT', fileName: 'a-flat.vmdk', offset: 0 }]);
  assert.deepEqual(defaultGeometry(2 * 2 ** 20, 'ide'), { cylinders: 2080, heads: 16, sectors: 63 });
  assert.deepEqual(defaultGeometry(2 ** 40 / 512, 'ide').cylinders, 16383);
  assert.deepEqual(defaultGeometry(2 ** 20, 'lsilogic'), { cylinders: 512, heads: 64, sectors: 32 });
  assert.deepEqual(defaultGeometry(3 * 2 ** 20, 'buslogic'), { cylinders: 768, heads: 128, sectors: 32 });
  assert.throws(() => flatVmdkDescriptor({ capacity: 0, extentFileName: 'a' }), InvalidArgumentError);
  assert.throws(() => flatVmdkDescriptor({ capacity: 512, extentFileName: '../a' }), ConfigError);
  assert.throws(() => newDiskDescriptor('vmfs', [], 512, { adapterType: 'scsi' as never }), /unknown VMDK adapter type 'scsi'/);
});

test('extent file names must stay in the descriptor folder', () => {
  for (const bad of ['../x-flat.vmdk', '/etc/shadow', 'a/b.vmdk', 'a\\b.vmdk', '..', '.', '', 'a\nb']) {
    assert.throws(() => checkExtentFileName(bad), configError(/is not a plain file name/), bad);
  }
  assert.equal(checkExtentFileName('my disk-flat.vmdk'), 'my disk-flat.vmdk');
});

function header(over: Partial<SparseHeader> = {}): Buffer {
  return encodeSparseHeader({
    version: 1,
    flags: 3,
    capacity: 2048,
    grainSize: 128,
    descriptorOffset: 1,
    descriptorSize: 20,
    numGTEsPerGT: 512,
    rgdOffset: 21,
    gdOffset: 26,
    overHead: 128,
    uncleanShutdown: false,
    newlineChars: '\n \r\n',
    compressAlgorithm: 0,
    ...over,
  });
}

test('detectVmdkKind tells images apart from their first bytes', () => {
  const embedded = Buffer.alloc(65536);
  header().copy(embedded);
  embedded.write(
    '# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicSparse"\nRW 2048 SPARSE "x.vmdk"\nddb.adapterType = "buslogic"\n',
    512,
  );
  assert.equal(detectVmdkKind(embedded), 'monolithicSparse');
  assert.equal(detectVmdkKind(embedded.subarray(0, 512)), 'monolithicSparse');
  assert.equal(scsiModelOfDescriptor(descriptorOfVmdkHead(embedded)), 'buslogic');
  const extent = Buffer.alloc(4096);
  header().copy(extent);
  assert.equal(detectVmdkKind(extent), 'sparseExtent');
  assert.equal(descriptorOfVmdkHead(extent), undefined);
  assert.equal(detectVmdkKind(header({ descriptorOffset: 0, descriptorSize: 0 })), 'sparseExtent');
  assert.equal(
    detectVmdkKind(header({ version: 3, flags: 1 | FLAG_COMPRESSED | FLAG_MARKERS, gdOffset: -1, compressAlgorithm: 1 })),
    'streamOptimized',
  );
  assert.equal(detectVmdkKind(Buffer.from(ESX_THIN)), 'descriptor');
  assert.equal(detectVmdkKind(Buffer.from('\ufeff# Disk DescriptorFile\nversion=1\n')), 'descriptor');
  assert.equal(detectVmdkKind(Buffer.from('version=1\ncreateType="vmfs"\n')), 'descriptor');
  assert.equal(detectVmdkKind(Buffer.from('COWD\x01\x00\x00\x00', 'latin1')), 'vmfsSparse');
  const se = Buffer.alloc(512);
  se.writeBigUInt64LE(0xcafebaben);
  assert.equal(detectVmdkKind(se), 'seSparse');
  assert.equal(detectVmdkKind(Buffer.alloc(4096)), 'unknown');
  assert.equal(detectVmdkKind(Buffer.from('hello world\n')), 'unknown');
  assert.equal(detectVmdkKind(Buffer.from([0x4b, 0x44, 0x4d, 0x56])), 'unknown');
  assert.equal(detectVmdkKind(new Uint8Array(0)), 'unknown');
  // A malformed embedded descriptor is an error, not silently "no descriptor".
  embedded.write('garbage line\n', 512 + 20);
  assert.throws(
    () => descriptorOfVmdkHead(embedded),
    (e: unknown) => e instanceof EsxError && e.code === 'InvalidConfig',
  );
});

test('a short descriptor given as a stream, with ZERO extents only, reads as zeros', async () => {
  const r = await openVmdkReader(Readable.from([Buffer.from('version=1\ncreateType="monolithicFlat"\nRW 3 ZERO\n')]));
  assert.equal(r.kind, 'descriptor');
  assert.equal(r.capacity, 1536);
  assert.ok(Buffer.concat(await r.stream().toArray()).equals(Buffer.alloc(1536)));
});

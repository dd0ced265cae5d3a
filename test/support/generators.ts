/**
 * fast-check arbitraries for the converter's property tests: valid domains VMware can hold
 * (in the canonical shape libvirt's parser leaves them: implicit controllers present, disks in
 * bus order), random VMX built from the key vocabulary, and random text. The deterministic
 * generator of realistic VMX files lives in realistic-vmx.ts and is re-exported here.
 */
import fc from 'fast-check';
import type {
  ChrDef,
  ControllerDef,
  DiskBus,
  DiskDef,
  DomainDef,
  FilesystemDef,
  GraphicsDef,
  InterfaceDef,
  VideoDef,
} from '../../src/conf/domain/domain-def.js';
import { diskName } from '../../src/conf/domain/disk-names.js';
import { ALL_VALUES, CHARSETS } from './vmx-vocabulary.js';

export { realisticVmx, realisticVmxSet, type RealisticVmx } from './realistic-vmx.js';

const SPECIAL_UNITS = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '|',
  '%',
  '/',
  '\\',
  '#',
  '=',
  '[',
  ']',
  ' ',
  'ä',
  'ß',
  'é',
  'Ω',
  '日',
  '😀',
  '\u00a0',
  '%25',
  '|22',
  '&amp;',
];
const textUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_UNITS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);
const multilineUnit = fc.oneof({ weight: 8, arbitrary: textUnit }, { weight: 1, arbitrary: fc.constantFrom('\n', '\t', '\r\n') });

/** Text with the characters both formats must escape (XML < & " ', VMX | ", percent %) and non-ASCII. */
export function specialText(minLength = 0, maxLength = 24): fc.Arbitrary<string> {
  return fc.string({ unit: textUnit, minLength, maxLength });
}

/** Text that is not blank (names, bridges, paths of devices). */
export const nonBlankText = (maxLength = 24): fc.Arbitrary<string> => specialText(1, maxLength).filter((s) => s.trim() !== '');

// VMX values other than displayName and annotation are written and read raw (as libvirt does): no '"'.
const vmxValueText = (maxLength = 24): fc.Arbitrary<string> => nonBlankText(maxLength).filter((s) => !s.includes('"'));

const fileUnit = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_.'.split('')) },
  { weight: 1, arbitrary: fc.constantFrom(' ', '<', '&', "'", '|', '%', '#', '=', '(', ')', 'ä', '日', '😀', '\\') },
);
const fileSegment = fc.string({ unit: fileUnit, minLength: 1, maxLength: 10 });
const datastore = fc.constantFrom('ds', 'datastore1', 'SAN LUN 01', 'nfs_store-2', 'Ünïcode ds');

/** A datastore path `[ds] dir/name<ext>` (never a path starting with a space: the grammar skips those, as libvirt). */
export function datastorePath(ext: string): fc.Arbitrary<string> {
  return fc
    .tuple(datastore, fc.array(fileSegment, { maxLength: 2 }), fileSegment)
    .map(([ds, dirs, f]) => [ds, [...dirs, `${f}${ext}`].join('/')] as const)
    .filter(([, path]) => !path.startsWith(' '))
    .map(([ds, path]) => `[${ds}] ${path}`);
}

interface Slot {
  bus: DiskBus;
  controller: number;
  busNo: number;
  unit: number;
  index: number;
}

const slotArb: fc.Arbitrary<Slot> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({ c: fc.integer({ min: 0, max: 3 }), u: fc.integer({ min: 0, max: 14 }) })
      .map(({ c, u }): Slot => ({ bus: 'scsi', controller: c, busNo: 0, unit: u >= 7 ? u + 1 : u, index: c * 15 + u })),
  },
  {
    weight: 2,
    arbitrary: fc.integer({ min: 0, max: 3 }).map((i): Slot => ({ bus: 'ide', controller: 0, busNo: i >> 1, unit: i & 1, index: i })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }).map((u): Slot => ({ bus: 'fdc', controller: 0, busNo: 0, unit: u, index: u })) },
);

function targetDev(s: Slot): string {
  return diskName(s.bus === 'ide' ? 'hd' : s.bus === 'fdc' ? 'fd' : 'sd', s.index);
}

function diskArb(s: Slot): fc.Arbitrary<DiskDef> {
  const base = { targetDev: targetDev(s), bus: s.bus, readonly: false, transient: false };
  const address = { controller: s.controller, bus: s.busNo, target: 0, unit: s.unit };
  const withAddress = (d: DiskDef, explicit: boolean): DiskDef => (explicit ? { ...d, address } : d);
  if (s.bus === 'fdc') {
    const floppy = fc.oneof(
      fc
        .option(datastorePath('.flp'), { nil: undefined })
        .map((src): DiskDef => ({ ...base, type: 'file', device: 'floppy', ...(src ? { src } : {}) })),
      fc
        .option(fc.constantFrom('/dev/fd0', '/dev/fd1'), { nil: undefined })
        .map((src): DiskDef => ({ ...base, type: 'block', device: 'floppy', ...(src ? { src } : {}) })),
    );
    return fc.tuple(floppy, fc.boolean()).map(([d, e]) => withAddress(d, e));
  }
  const hardDisk = fc
    .record({
      src: fc.constantFrom('.vmdk', '.VMDK').chain(datastorePath),
      cache: fc.option(fc.constantFrom('writethrough', 'default'), { nil: undefined }),
      transient: fc.boolean(),
    })
    .map(({ src, cache, transient }): DiskDef => ({ ...base, type: 'file', device: 'disk', src, transient, ...(cache ? { cache } : {}) }));
  const cdrom = fc.oneof(
    fc
      .option(datastorePath('.iso'), { nil: undefined })
      .map((src): DiskDef => ({ ...base, type: 'file', device: 'cdrom', readonly: true, ...(src ? { src } : {}) })),
    fc
      .constantFrom('/dev/cdrom', '/dev/scd0', '/dev/sr0')
      .map((src): DiskDef => ({ ...base, type: 'block', device: 'cdrom', readonly: true, src })),
    // a block drive without medium is auto-detecting (libvirt takes one without <source> for an empty image drive)
    fc.constant<DiskDef>({ ...base, type: 'block', device: 'cdrom', readonly: true, startupPolicy: 'optional' }),
  );
  const choices = [
    { weight: 3, arbitrary: hardDisk },
    { weight: 2, arbitrary: cdrom },
  ];
  if (s.bus === 'scsi') {
    // A LUN is SCSI passthrough: only meaningful on a SCSI bus.
    const lun = fc
      .constantFrom('/dev/sg0', '/vmfs/devices/cdrom/mpx.vmhba1:C0:T0:L0')
      .map((src): DiskDef => ({ ...base, type: 'block', device: 'lun', readonly: true, src }));
    choices.push({ weight: 1, arbitrary: lun });
  }
  return fc.tuple(fc.oneof(...choices), fc.boolean()).map(([d, e]) => withAddress(d, e));
}

const BUS_ORDER: Record<DiskBus, number> = { scsi: 0, ide: 1, sata: 2, fdc: 3 };
const SCSI_MODELS = ['buslogic', 'lsilogic', 'lsisas1068', 'vmpvscsi', 'auto'] as const;

/** Disks on distinct slots and target names, in VMX scan order, with the controllers libvirt would add. */
export const disksAndControllers: fc.Arbitrary<{ disks: DiskDef[]; controllers: ControllerDef[] }> = fc
  .uniqueArray(slotArb, { selector: targetDev, maxLength: 10 })
  .map((slots) => [...slots].sort((a, b) => BUS_ORDER[a.bus] - BUS_ORDER[b.bus] || a.index - b.index))
  .chain((slots) =>
    fc.tuple(
      fc.tuple(...slots.map(diskArb)),
      fc.array(fc.option(fc.constantFrom(...SCSI_MODELS), { nil: undefined }), { minLength: 4, maxLength: 4 }),
      fc.boolean(),
    ),
  )
  .map(([disks, models, driverNames]) => {
    const controllers: ControllerDef[] = [];
    const max = (bus: DiskBus): number =>
      Math.max(-1, ...disks.filter((d) => d.bus === bus).map((d) => d.address?.controller ?? controllerOf(d)));
    for (let i = 0; i <= max('scsi'); i++)
      controllers.push(models[i] ? { type: 'scsi', index: i, model: models[i] } : { type: 'scsi', index: i });
    if (max('fdc') >= 0) controllers.push({ type: 'fdc', index: 0 });
    if (max('ide') >= 0) controllers.push({ type: 'ide', index: 0 });
    for (let i = 0; i <= max('sata'); i++) controllers.push({ type: 'sata', index: i });
    if (driverNames) {
      // Old-style <driver name='lsilogic'/> on SCSI hard disks, consistent with their controller.
      for (const d of disks) {
        const m = d.bus === 'scsi' && d.device === 'disk' ? models[controllerOf(d)] : undefined;
        if (m && m !== 'auto') d.driverName = m;
      }
    }
    return { disks, controllers };
  });

function controllerOf(d: DiskDef): number {
  const m = /^[a-z]d([a-z]+)$/.exec(d.targetDev);
  let idx = 0;
  for (const ch of m?.[1] ?? 'a') idx = idx * 26 + (ch.charCodeAt(0) - 96);
  idx -= 1;
  return d.bus === 'scsi' ? Math.floor(idx / 15) : d.bus === 'sata' ? Math.floor(idx / 30) : 0;
}

const byte = (min = 0, max = 255): fc.Arbitrary<string> => fc.integer({ min, max }).map((b) => b.toString(16).padStart(2, '0'));
const bytes = (n: number): fc.Arbitrary<string[]> => fc.array(byte(), { minLength: n, maxLength: n });

/** MACs in each VMware range (ESX-generated, static, vCenter) and outside them (other vendors, unicast). */
export const macArb: fc.Arbitrary<string> = fc.oneof(
  bytes(3).map((b) => ['00', '0c', '29', ...b].join(':')),
  fc.tuple(byte(0x00, 0x3f), bytes(2)).map(([b3, b]) => ['00', '50', '56', b3, ...b].join(':')),
  fc.tuple(byte(0x80, 0xbf), bytes(2)).map(([b3, b]) => ['00', '50', '56', b3, ...b].join(':')),
  fc.tuple(fc.oneof(byte(0x40, 0x7f), byte(0xc0, 0xff)), bytes(2)).map(([b3, b]) => ['00', '50', '56', b3, ...b].join(':')),
  fc.tuple(fc.integer({ min: 0, max: 127 }), bytes(5)).map(([b0, b]) => [(b0 * 2).toString(16).padStart(2, '0'), ...b].join(':')),
);

const NIC_MODELS = ['vlance', 'vmxnet', 'vmxnet2', 'vmxnet3', 'e1000', 'e1000e'] as const;

/** A NIC of each type, with or without MAC address, MAC type, MAC check and model. */
export const interfaceArb: fc.Arbitrary<InterfaceDef> = fc
  .record({
    kind: fc.oneof(
      vmxValueText(16).map((bridge): Partial<InterfaceDef> => ({ type: 'bridge', bridge })),
      fc
        .tuple(vmxValueText(16), fc.constantFrom('/dev/vmnet1', '/dev/vmnet8', 'vmnet3'))
        .map(([bridge, targetDev]): Partial<InterfaceDef> => ({ type: 'bridge', bridge, targetDev })),
      fc.constant<Partial<InterfaceDef>>({ type: 'user' }),
      fc.constant<Partial<InterfaceDef>>({ type: 'null' }),
      // libvirt requires all four attributes of a distributed switch port
      fc
        .record({
          switchId: fc.uuid(),
          portId: fc.nat({ max: 100000 }),
          // (libvirt XML-escapes this one value when it writes VMX: ids as vCenter makes them)
          portgroupId: fc.nat({ max: 99999 }).map((n) => `dvportgroup-${n}`),
          connectionId: fc.nat({ max: 2 ** 31 - 1 }),
        })
        .map((vds): Partial<InterfaceDef> => ({ type: 'vds', vds })),
    ),
    mac: fc.option(macArb, { nil: undefined }),
    macType: fc.option(fc.constantFrom('generated' as const, 'static' as const), { nil: undefined }),
    macCheck: fc.option(fc.boolean(), { nil: undefined }),
    model: fc.option(fc.constantFrom(...NIC_MODELS), { nil: undefined }),
  })
  .map(({ kind, mac, macType, macCheck, model }) => {
    return dropUndefined({ ...kind, mac, macType, macCheck, model } as InterfaceDef);
  });

/** True for a MAC in VMware's static range 00:50:56:00:00:00 – 00:50:56:3f:ff:ff. */
export function isStaticRange(mac: string | undefined): boolean {
  return mac !== undefined && mac.startsWith('00:50:56:') && parseInt(mac.slice(9, 11), 16) <= 0x3f;
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

const chrPath = fc.oneof(fc.constantFrom('/dev/ttyS0', '/dev/ttyS1', '/dev/lp0'), vmxValueText(20));
const fileChrPath = fc.oneof(datastorePath('.log'), fc.constantFrom('/tmp/serial.txt', '/var/log/vm console.log'));
const tcpChr = (ipv6: boolean) =>
  fc.record({
    mode: fc.constantFrom('bind' as const, 'connect' as const),
    host: ipv6 ? fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain()) : fc.oneof(fc.ipV4(), fc.domain()),
    service: fc.integer({ min: 1, max: 65535 }).map(String),
    protocol: fc.constantFrom('raw' as const, 'telnet' as const, 'telnets' as const, 'tls' as const),
  });

function chrArb(port: number, serial: boolean, ipv6: boolean): fc.Arbitrary<ChrDef> {
  const choices: fc.Arbitrary<ChrDef>[] = [
    chrPath.map((path): ChrDef => ({ type: 'dev', path, port })),
    fileChrPath.map((path): ChrDef => ({ type: 'file', path, port })),
  ];
  if (serial) {
    choices.push(fc.oneof(fc.constant('\\\\.\\pipe\\com_1'), chrPath).map((path): ChrDef => ({ type: 'pipe', path, port })));
    choices.push(tcpChr(ipv6).map((t): ChrDef => ({ type: 'tcp', ...t, port })));
  }
  return fc.oneof(...choices);
}

const graphicsArb: fc.Arbitrary<GraphicsDef> = fc
  .record({
    autoport: fc.boolean(),
    port: fc.oneof(fc.integer({ min: 5900, max: 5999 }), fc.integer({ min: 0, max: 65535 })),
    listen: fc.option(fc.ipV4(), { nil: undefined }),
    keymap: fc.option(fc.constantFrom('en-us', 'de', 'fr'), { nil: undefined }),
    passwd: fc.option(vmxValueText(12), { nil: undefined }),
  })
  .map(({ autoport, port, ...rest }) => dropUndefined({ type: 'vnc' as const, autoport, port: autoport ? -1 : port, ...rest }));

const videoArb: fc.Arbitrary<VideoDef> = fc
  .record({
    vramKiB: fc.option(fc.integer({ min: 0, max: 512 * 1024 }), { nil: undefined }),
    heads: fc.option(fc.constant(1), { nil: undefined }),
    primary: fc.option(fc.constant(true), { nil: undefined }),
  })
  .map((v) => dropUndefined({ model: 'vmvga', ...v }));

const filesystemArb: fc.Arbitrary<FilesystemDef> = fc.record({
  sourceDir: vmxValueText(20),
  targetDir: vmxValueText(12),
  readonly: fc.boolean(),
});

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

const cpuArb = fc.integer({ min: 1, max: 64 }).chain((vcpus) =>
  fc.record({
    vcpus: fc.constant(vcpus),
    // libvirt keeps a topology of more than one core per socket only
    cores: vcpus > 1 ? fc.option(fc.constantFrom(...divisors(vcpus).filter((d) => d > 1)), { nil: undefined }) : fc.constant(undefined),
    cpuset: fc.option(
      fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { minLength: vcpus, maxLength: vcpus + 8 }).map((a) => a.sort((x, y) => x - y)),
      { nil: undefined },
    ),
    // libvirt's range for shares
    shares: fc.option(fc.oneof(fc.constantFrom(vcpus * 500, vcpus * 1000, vcpus * 2000), fc.integer({ min: 2, max: 262_144 })), {
      nil: undefined,
    }),
  }),
);

const memoryArb = fc.integer({ min: 1, max: 256 * 1024 }).chain((units) => {
  const mib = units * 4;
  return fc.record({
    memoryKiB: fc.constant(mib * 1024),
    currentMiB: fc.option(fc.integer({ min: 1, max: mib }), { nil: undefined }),
    minMiB: fc.option(fc.integer({ min: 1, max: mib }), { nil: undefined }),
  });
});

/** What domainArbOf() may generate beyond what libvirt 9.0 writes to VMX as esxvirt does. */
export interface DomainArbOptions {
  /** Line ends in the description (esxvirt pipe-escapes them in the annotation; libvirt writes them raw). */
  lineEnds?: boolean;
  /** IPv6 hosts of TCP serial ports (esxvirt writes tcp://[::1]:99; libvirt drops the brackets). */
  ipv6Hosts?: boolean;
}

/** Valid domains VMware can hold, with every device kind the converter maps; see DomainArbOptions (all on by default). */
export function domainArbOf(opts: DomainArbOptions = {}): fc.Arbitrary<DomainDef> {
  const ipv6 = opts.ipv6Hosts ?? true;
  return fc
    .record({
      name: nonBlankText(24),
      uuid: fc.option(fc.uuid(), { nil: undefined }),
      title: fc.option(specialText(0, 12), { nil: undefined }),
      description: fc.option(fc.string({ unit: (opts.lineEnds ?? true) ? multilineUnit : textUnit, maxLength: 60 }), { nil: undefined }),
      memory: memoryArb,
      cpu: cpuArb,
      arch: fc.option(fc.constantFrom('i686' as const, 'x86_64' as const), { nil: undefined }),
      firmware: fc.option(fc.constantFrom('efi' as const, 'bios' as const), { nil: undefined }),
      smbios: fc.boolean(),
      storage: disksAndControllers,
      interfaces: fc.array(interfaceArb, { maxLength: 10, size: 'small' }),
      serials: fc.subarray([0, 1, 2, 3]).chain((ports) => fc.tuple(...ports.map((p) => chrArb(p, true, ipv6)))),
      parallels: fc.subarray([0, 1, 2]).chain((ports) => fc.tuple(...ports.map((p) => chrArb(p, false, ipv6)))),
      graphics: fc.option(graphicsArb, { nil: undefined }),
      // VMware VMs always have an SVGA adapter: VMX → domain always adds it, so valid domains have it too.
      video: videoArb,
      filesystems: fc.array(filesystemArb, { maxLength: 3 }),
    })
    .map((r): DomainDef =>
      dropUndefined({
        type: 'vmware',
        name: r.name,
        uuid: r.uuid,
        title: r.title,
        description: r.description,
        memoryKiB: r.memory.memoryKiB,
        currentMemoryKiB: r.memory.currentMiB !== undefined ? r.memory.currentMiB * 1024 : undefined,
        minGuaranteeKiB: r.memory.minMiB !== undefined ? r.memory.minMiB * 1024 : undefined,
        vcpus: r.cpu.vcpus,
        cpuset: r.cpu.cpuset,
        cpuShares: r.cpu.shares,
        topology: r.cpu.cores !== undefined ? { sockets: r.cpu.vcpus / r.cpu.cores, dies: 1, cores: r.cpu.cores, threads: 1 } : undefined,
        os: dropUndefined({
          type: 'hvm' as const,
          arch: r.arch,
          firmware: r.firmware,
          smbiosMode: r.smbios ? ('host' as const) : undefined,
        }),
        disks: r.storage.disks,
        controllers: r.storage.controllers,
        filesystems: r.filesystems,
        interfaces: r.interfaces,
        serials: r.serials,
        parallels: r.parallels,
        consoles: [],
        graphics: r.graphics ? [r.graphics] : [],
        videos: [r.video],
      }),
    );
}

/** A valid domain VMware can hold, with every device kind the converter maps. */
export const domainArb: fc.Arbitrary<DomainDef> = domainArbOf();

/**
 * A valid domain that libvirt 9.0 writes to VMX as esxvirt does: none of the deliberate differences of
 * test/support/known-differences.ts (those have their own golden pairs).
 */
export const libvirtDomainArb: fc.Arbitrary<DomainDef> = domainArbOf({ lineEnds: false, ipv6Hosts: false });

/** VMX text from the given key vocabulary with values from the edge-value vocabulary (or random text). */
export function vocabularyVmxArb(keys: readonly string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ALL_VALUES) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  );
  const line = fc
    .tuple(fc.constantFrom(...keys), value, fc.constantFrom('q', 'bare', 'comment'))
    .map(([k, v, style]) => (style === 'q' ? `${k} = "${v}"` : style === 'bare' ? `${k}=${v}` : `${k} = "${v}" # c`));
  const header = fc
    .tuple(
      fc.boolean(),
      fc.constantFrom('4', '7', '13', '99', '-1', 'x'),
      fc.constantFrom('vm', '%zz', 'a|22b', ''),
      fc.option(fc.constantFrom(...CHARSETS), { nil: undefined }),
    )
    .map(([ok, hw, name, charset]) => [
      ...(charset !== undefined ? [`.encoding = "${charset}"`] : []),
      ...(ok ? ['config.version = "8"'] : []),
      `virtualHW.version = "${hw}"`,
      `displayName = "${name}"`,
    ]);
  return fc.tuple(header, fc.array(line, { maxLength: 40 })).map(([h, body]) => [...h, ...body].join('\n'));
}

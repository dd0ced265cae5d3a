/**
 * Property tests of the VMX ⇄ domain XML converter: round trips of generated valid domains
 * reach a fixed point after one round, and no input (random, vocabulary-built, or a mutated
 * conformance file) makes any entry point throw anything but an EsxError.
 * ESXVIRT_PROPERTY_RUNS sets the runs per property (default 200); ESXVIRT_PROPERTY_SEED replays.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EsxError } from '../errors.js';
import type { DomainDef } from '../conf/domain/domain-def.js';
import { formatDomain } from '../conf/domain/format-domain.js';
import { parseDomainXml } from '../conf/domain/parse-domain.js';
import { requireDiskIndex } from '../conf/domain/disk-names.js';
import { offlineContext } from './context.js';
import { domainToVmx } from './domain-to-vmx.js';
import { vmxToDomain } from './vmx-to-domain.js';
import { requireCorpus } from '../../test/support/corpus.js';
import { perturbDomain } from '../../test/support/fuzz-cases.js';
import { domainArb, isStaticRange, vocabularyVmxArb } from '../../test/support/generators.js';
import { bytesToXmlText, mutateBytes } from '../../test/support/mutations.js';
import { realisticVmx } from '../../test/support/realistic-vmx.js';
import { Rng } from '../../test/support/rng.js';
import { checkDomain, checkVmx, checkXml, describeFailure, type CheckResult } from '../../test/support/robustness.js';
import { converterKeys } from '../../test/support/vmx-vocabulary.js';

const RUNS = Number(process.env.ESXVIRT_PROPERTY_RUNS) || 200;
const SEED = process.env.ESXVIRT_PROPERTY_SEED;
const params: fc.Parameters<unknown> = { numRuns: RUNS, ...(SEED ? { seed: Number(SEED) } : {}) };
const ctx = offlineContext({ vmxPath: '[ds] dir/x.vmx' });
const hwArb = fc.integer({ min: 7, max: 21 });
const corpus = requireCorpus();
// Half single mutations (which often still convert, so the checks reach deep), half up to 8.
const mutationCount = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 8 }));

interface Trip {
  def1: DomainDef;
  vmx1: string;
  def2: DomainDef;
  xml2: string;
  vmx2: string;
  xml4: string;
}

/**
 * Why libvirt 9.0 (and so esxvirt) cannot write back the domain it read from a VMX of virtualHW `hw`, if it cannot:
 * its VMX writer refuses SATA drives, which its reader reads; and from virtualHW 13 on its reader gives SCSI disks
 * from sdp on (index 15+) drive addresses of 63 units a controller, which the writer (15 units a controller) refuses.
 */
function writeBackRefusal(def: DomainDef, hw: number): RegExp | undefined {
  // (the XML parser checks addresses before the writer sees buses)
  if (hw >= 13 && def.disks.some((d) => d.bus === 'scsi' && requireDiskIndex(d.targetDev).index >= 15)) {
    return /disk address \d+:\d+:\d+ doesn't match target device/;
  }
  if (def.disks.some((d) => d.bus === 'sata')) return /unsupported bus type 'sata'/;
  return undefined;
}

// The second write of a domain read from VMX: the VMX, or the refusal writeBackRefusal() predicts (then undefined).
function writeBack(def: DomainDef, xml: string, hw: number, c = ctx): string | undefined {
  const refusal = writeBackRefusal(def, hw);
  const write = (): string => domainToVmx(parseDomainXml(xml), c, { virtualHwVersion: hw });
  if (refusal === undefined) return write();
  assert.throws(write, refusal);
  return undefined;
}

// XML → domain → VMX → domain → XML → domain → VMX → domain → XML, keeping every stage; undefined when libvirt's
// rules refuse the second write (checked there).
function roundTrip(def0: DomainDef, hw: number): Trip | undefined {
  const def1 = parseDomainXml(formatDomain(def0));
  const vmx1 = domainToVmx(def1, ctx, { virtualHwVersion: hw });
  const def2 = vmxToDomain(vmx1, ctx);
  const xml2 = formatDomain(def2);
  const vmx2 = writeBack(def2, xml2, hw);
  if (vmx2 === undefined) return undefined;
  const xml4 = formatDomain(vmxToDomain(vmx2, ctx));
  return { def1, vmx1, def2, xml2, vmx2, xml4 };
}

function assertContract(r: CheckResult): void {
  if (r.failure) assert.fail(describeFailure(r.failure));
}

const VMWARE_GENERATED = (mac: string): boolean =>
  mac.startsWith('00:0c:29:') || (mac.startsWith('00:50:56:') && /^[89ab]/.test(mac.slice(9, 11)));

// The controller a disk sits on once read back from a VMX of virtualHW `hw` (63 SCSI units a controller from 13 on).
function controllerOf(k: DomainDef['disks'][number], hw: number): number | undefined {
  if (hw >= 13 && k.bus === 'scsi') return Math.floor(requireDiskIndex(k.targetDev).index / 63);
  return k.address?.controller;
}

// What a valid domain must keep through VMX: every field VMware stores, in the domain's own terms. From virtualHW 13
// on the drive addresses of SCSI disks are renumbered on reading (see writeBackRefusal): the target name keeps the slot.
function vmwareView(d: DomainDef, hw: number): unknown {
  return {
    name: d.name,
    // the all-zero UUID is libvirt's "none": VMX gets uuid.action = "create" for it
    uuid: d.uuid === '00000000-0000-0000-0000-000000000000' ? undefined : d.uuid,
    description: d.description || undefined,
    memoryKiB: d.memoryKiB,
    currentMemoryKiB: Math.min(d.currentMemoryKiB ?? d.memoryKiB, d.memoryKiB),
    minGuaranteeKiB: d.minGuaranteeKiB ? Math.min(d.minGuaranteeKiB, d.memoryKiB) : undefined,
    vcpus: d.vcpus,
    cpuset: d.cpuset?.join(','),
    cpuShares: d.cpuShares,
    topology: d.topology,
    arch: d.os.arch ?? 'i686',
    efi: d.os.firmware === 'efi',
    smbios: d.os.smbiosMode,
    disks: d.disks.map((k) => ({
      type: k.type,
      device: k.device,
      src: k.src,
      targetDev: k.targetDev,
      bus: k.bus,
      address: hw >= 13 && k.bus === 'scsi' ? undefined : k.address,
      // libvirt writes writeThrough for SCSI disks only
      writethrough: k.cache === 'writethrough' && k.bus === 'scsi',
      transient: k.transient,
      readonly: k.readonly || k.device === 'cdrom' || k.device === 'lun',
      autodetect: k.type === 'block' && k.src === undefined && k.startupPolicy === 'optional',
    })),
    // as libvirt, only controllers with disks are written
    controllers: d.controllers
      .filter((c) => (c.type === 'scsi' || c.type === 'sata') && d.disks.some((k) => k.bus === c.type && controllerOf(k, hw) === c.index))
      .map((c) => {
        // renumbered SCSI addresses (virtualHW 13+) put every disk on controller 0, whose model is scsi0's
        if (c.type === 'scsi' && hw >= 13) return { type: c.type, index: c.index };
        // an old-style <driver name> on a disk names its controller's model
        const m =
          c.model ?? d.disks.find((k) => k.bus === c.type && k.address?.controller === c.index && k.driverName !== undefined)?.driverName;
        return { type: c.type, index: c.index, model: m === 'auto' ? undefined : m };
      }),
    interfaces: d.interfaces.map((n) => {
      // Without an explicit type, VMware's ranges decide it; a static MAC outside the static range needs the check off.
      const macType = n.macType ?? (n.mac && VMWARE_GENERATED(n.mac) ? 'generated' : 'static');
      const vmwareRange = n.mac !== undefined && (isStaticRange(n.mac) || VMWARE_GENERATED(n.mac));
      const macCheck = n.macCheck ?? (macType === 'static' && !vmwareRange ? false : undefined);
      return {
        type: n.type,
        mac: n.mac,
        bridge: n.type === 'bridge' || n.type === 'network' ? n.bridge : undefined,
        targetDev: n.targetDev,
        model: n.model,
        vds: n.vds,
        macType,
        macCheck,
      };
    }),
    serials: d.serials.map((s) => ({ ...s })),
    parallels: d.parallels.map((s) => ({ ...s })),
    graphics: d.graphics.map((g) => ({ port: g.autoport ? -1 : g.port, listen: g.listen, keymap: g.keymap, passwd: g.passwd })),
    // svga.vramSize holds whole 64 KiB blocks
    videos: d.videos.map((v) => ({
      model: v.model,
      vramKiB: Math.ceil((v.vramKiB ?? 4096) / 64) * 64,
      heads: v.heads && v.heads > 1 ? v.heads : undefined,
    })),
    filesystems: d.filesystems,
  };
}

describe('round trips of valid domains (XML → VMX → XML)', () => {
  test('domain → VMX → domain → VMX gives the same VMX text', () => {
    fc.assert(
      fc.property(domainArb, hwArb, (def0, hw) => {
        const t = roundTrip(def0, hw);
        if (t) assert.equal(t.vmx2, t.vmx1);
      }),
      params,
    );
  });

  test('XML → VMX → XML → VMX → XML: the second XML equals the first round’s', () => {
    fc.assert(
      fc.property(domainArb, hwArb, (def0, hw) => {
        const t = roundTrip(def0, hw);
        if (t) assert.equal(t.xml4, t.xml2);
      }),
      params,
    );
  });

  test('domain → VMX → domain keeps every field VMware stores', () => {
    fc.assert(
      fc.property(domainArb, hwArb, (def0, hw) => {
        // (the first leg, XML → VMX → domain, holds whatever the second write does)
        const def1 = parseDomainXml(formatDomain(def0));
        const def2 = vmxToDomain(domainToVmx(def1, ctx, { virtualHwVersion: hw }), ctx);
        assert.deepEqual(JSON.parse(JSON.stringify(vmwareView(def2, hw))), JSON.parse(JSON.stringify(vmwareView(def1, hw))));
      }),
      params,
    );
  });

  test('the order of disks, controllers and ports in the domain does not change the VMX entries', () => {
    fc.assert(
      fc.property(domainArb, hwArb, fc.integer(), (def0, hw, seed) => {
        const def1 = parseDomainXml(formatDomain(def0));
        const rng = new Rng(seed);
        const shuffled: DomainDef = {
          ...def1,
          disks: rng.shuffle(def1.disks),
          controllers: rng.shuffle(def1.controllers),
          serials: rng.shuffle(def1.serials),
          parallels: rng.shuffle(def1.parallels),
        };
        const lines = (d: DomainDef): string[] => domainToVmx(d, ctx, { virtualHwVersion: hw }).split('\n').sort();
        assert.deepEqual(lines(shuffled), lines(def1));
      }),
      params,
    );
  });

  test('VMX given as UTF-8 bytes converts as the same VMX given as text', () => {
    fc.assert(
      fc.property(domainArb, hwArb, (def0, hw) => {
        const vmx = domainToVmx(parseDomainXml(formatDomain(def0)), ctx, { virtualHwVersion: hw });
        assert.equal(formatDomain(vmxToDomain(Buffer.from(vmx, 'utf8'), ctx)), formatDomain(vmxToDomain(vmx, ctx)));
      }),
      params,
    );
  });

  test('realistic VMX files convert to XML and back to the same domain', () => {
    for (let i = 0; i < Math.max(20, RUNS / 4); i++) {
      const r = realisticVmx(i, 7);
      const c = offlineContext({ vmxPath: r.vmxPath });
      // libvirt has no mapping for VMware's host-only networks: it refuses such a VMX
      if (/^ethernet\d+\.connectionType = "hostonly"$/im.test(r.text)) {
        assert.throws(() => vmxToDomain(r.text, c), /value 'hostonly' of VMX entry 'ethernet\d+\.connectionType' is not supported/);
        continue;
      }
      const def = vmxToDomain(r.text, c);
      const xml = formatDomain(def);
      const vmx = writeBack(def, xml, r.hw, c);
      if (vmx !== undefined) assert.equal(formatDomain(vmxToDomain(vmx, c)), xml, r.name);
    }
  });
});

describe('robustness: every entry point succeeds or throws an EsxError', () => {
  test('random text as VMX and as domain XML', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        assertContract(checkVmx(s));
        assertContract(checkXml(s));
      }),
      params,
    );
  });

  test('random bytes as VMX', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (b) => assertContract(checkVmx(b))),
      params,
    );
  });

  test('VMX built from the real key vocabulary, as text and as bytes', () => {
    const keys = [...new Set([...corpus.keys, ...converterKeys()])];
    let converted = 0;
    fc.assert(
      fc.property(vocabularyVmxArb(keys), (text) => {
        const r = checkVmx(text);
        assertContract(r);
        assertContract(checkVmx(Buffer.from(text, 'utf8')));
        if (r.outcome === 'ok') converted++;
      }),
      params,
    );
    // Inputs that all die on line 1 would test nothing.
    assert.ok(converted > 0 || RUNS < 50, 'no vocabulary VMX converted: the generator is too hostile');
  });

  test('byte-level mutations of the conformance VMX files', () => {
    const files = [...corpus.vmx, ...corpus.vmxOutputs];
    let converted = 0;
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.integer(), mutationCount, (f, seed, n) => {
        const { bytes } = mutateBytes((files[f] as (typeof files)[number]).bytes, new Rng(seed), n);
        const r = checkVmx(bytes);
        assertContract(r);
        if (r.outcome === 'ok') converted++;
      }),
      params,
    );
    assert.ok(converted > 0 || RUNS < 50, 'no mutated VMX converted: mutations never reach the converter');
  });

  test('byte-level mutations of the conformance XML files', () => {
    const files = corpus.xml;
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.integer(), mutationCount, (f, seed, n) => {
        const rng = new Rng(seed);
        const { bytes } = mutateBytes(Buffer.from((files[f] as (typeof files)[number]).text, 'utf8'), rng, n);
        assertContract(checkXml(bytesToXmlText(bytes, rng)));
      }),
      params,
    );
  });

  test('generated domains with damaged fields', () => {
    fc.assert(
      fc.property(domainArb, fc.integer(), fc.integer({ min: 1, max: 6 }), hwArb, (def, seed, n, hw) => {
        assertContract(checkDomain(perturbDomain(structuredClone(def), new Rng(seed), n), hw));
      }),
      params,
    );
  });

  test('every conformance file passes the whole pipeline', () => {
    for (const c of corpus.vmx) assertContract(checkVmx(c.bytes));
    for (const c of corpus.xml) assertContract(checkXml(c.text, c.hw));
  });

  test("a serial or parallel port backed by a file but without fileName is a ConfigError naming '<port>.fileName'", () => {
    // libvirt 9.0 crashes on serial0.fileType = "file" without serial0.fileName.
    const head = 'config.version = "8"\nvirtualHW.version = "4"\ndisplayName = "x"\n';
    // (a serial device or pipe without one is accepted, as libvirt does)
    for (const port of ['serial0', 'serial3', 'parallel0', 'parallel2']) {
      for (const type of port.startsWith('serial') ? ['file', 'network'] : ['file', 'device']) {
        {
          const vmx = `${head}${port}.present = "true"\n${port}.fileType = "${type}"\n`;
          assert.throws(
            () => vmxToDomain(vmx, ctx),
            (e: unknown) => {
              assert.ok(e instanceof EsxError, `${port} ${type}: not an EsxError: ${String(e)}`);
              assert.equal(e.code, 'InvalidConfig');
              assert.match(e.message, new RegExp(`'${port}\\.fileName'`));
              return true;
            },
          );
        }
      }
    }
  });
});

// Converter bugs the property tests found, each kept as its minimal reproducer.
describe('converter findings (regressions)', () => {
  const xmlDomain = (devices: string): string =>
    `<domain type='vmware'><name>a</name><uuid>564d9bef-acd9-b4e0-c8f0-aeadd3a7af7e</uuid>` +
    `<memory>4096</memory><os><type>hvm</type></os><devices>${devices}</devices></domain>`;
  const vmxHead = 'config.version = "8"\nvirtualHW.version = "7"\ndisplayName = "a"\n';

  test('a disk on SCSI controller 1 only: the first VMX lacks scsi0.present, the second has it', () => {
    for (const dev of ["<target dev='sdp' bus='scsi'/>"]) {
      // with the video device VMX → XML always adds, so that only the controllers can differ
      const xml = xmlDomain(
        `<disk type='file' device='disk'><source file='[ds] dir/x.vmdk'/>${dev}</disk><video><model type='vmvga' vram='4096'/></video>`,
      );
      const vmx1 = domainToVmx(parseDomainXml(xml), ctx, { virtualHwVersion: 7 });
      const vmx2 = domainToVmx(parseDomainXml(formatDomain(vmxToDomain(vmx1, ctx))), ctx, { virtualHwVersion: 7 });
      assert.equal(vmx2, vmx1);
    }
  });

  test('a PVSCSI disk on unit 16 (virtualHW 13+) gets the address libvirt gives it, which the XML side refuses as libvirt does', () => {
    const vmx = `${vmxHead.replace('"7"', '"13"')}scsi0.present = "true"\nscsi0.virtualDev = "pvscsi"\nscsi0:16.present = "true"\nscsi0:16.deviceType = "scsi-hardDisk"\nscsi0:16.fileName = "x.vmdk"\n`;
    const xml = formatDomain(vmxToDomain(vmx, ctx));
    assert.match(xml, /<target dev='sdp' bus='scsi'\/>\n\s*<address type='drive' controller='0' bus='0' target='0' unit='16'\/>/);
    assert.throws(() => domainToVmx(parseDomainXml(xml), ctx, { virtualHwVersion: 13 }), /doesn't match target device 'sdp'/);
  });

  test("a network serial port listening on all interfaces ('telnet://:2001') is refused, as libvirt refuses it", () => {
    const vmx = `${vmxHead}serial0.present = "true"\nserial0.fileType = "network"\nserial0.fileName = "telnet://:2001"\nserial0.network.endPoint = "server"\n`;
    assert.throws(
      () => vmxToDomain(vmx, ctx),
      (e: unknown) => e instanceof EsxError && /serial0\.fileName/.test(e.message),
    );
  });

  test('domainToVmx writes VMX that vmxToDomain refuses', () => {
    const cases = [
      "<serial type='dev'><source path=''/><target port='0'/></serial>",
      "<graphics type='vnc' port='70000' autoport='no'/>",
      "<serial type='tcp'><source mode='bind' host='h' service='telnet'/><target port='0'/></serial>",
      "<video><model type='vmvga' heads='17'/></video>",
      "<disk type='block' device='lun'><source dev='/vmfs/devices/genscsi/naa.1'/><target dev='hda' bus='ide'/></disk>",
    ];
    const accepted: string[] = [];
    for (const devices of cases) {
      let vmx: string;
      try {
        vmx = domainToVmx(parseDomainXml(xmlDomain(devices)), ctx, { virtualHwVersion: 7 });
      } catch (e) {
        assert.ok(e instanceof EsxError);
        continue; // refusing the domain is a fine fix too
      }
      try {
        vmxToDomain(vmx, ctx);
      } catch (e) {
        assert.ok(e instanceof EsxError);
        accepted.push(`${devices}: ${e.message}`);
      }
    }
    assert.deepEqual(accepted, []);
  });
});

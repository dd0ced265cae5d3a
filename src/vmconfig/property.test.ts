/**
 * Property tests of the domain → vSphere direction: slot assignment never puts two devices in one slot nor a disk on
 * a SCSI controller's own unit 7, whatever is asked; and round trips through the server's view (applySpec) give the
 * domain back: a created VM reads back as the domain it was made from, an edited VM as the domain it was edited to,
 * and editing it again to the same domain changes nothing.
 * ESXVIRT_PROPERTY_RUNS sets the runs per property (default 200); ESXVIRT_PROPERTY_SEED replays.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EsxError } from '../errors.js';
import type { DiskBus, DiskDef, DomainDef } from '../conf/domain/domain-def.js';
import { formatDomain } from '../conf/domain/format-domain.js';
import { parseDomainXml } from '../conf/domain/parse-domain.js';
import type { AnyVirtualDevice } from '../vim25/generated/types.js';
import { applySpec } from './apply-spec.js';
import { configToDomain, type VmConfigView } from './config-to-domain.js';
import { DevicePlan } from './device-plan.js';
import { busOfController, sioKindOf } from './device-slots.js';
import { editVmSpec, isEmptySpec } from './domain-diff.js';
import { createVmSpec } from './domain-to-config.js';
import { isA } from './wire-types.js';
import { domainArb, isStaticRange } from '../../test/support/generators.js';
import { assertEncodes, configWith, deviceSets } from '../../test/support/vmconfig-fixtures.js';

const RUNS = Number(process.env.ESXVIRT_PROPERTY_RUNS) || 200;
const SEED = process.env.ESXVIRT_PROPERTY_SEED;
const params: fc.Parameters<unknown> = { numRuns: RUNS, ...(SEED ? { seed: Number(SEED) } : {}) };
const sets = deviceSets();
const DEFAULTS = sets['esx-default'] as AnyVirtualDevice[];

// ---------------------------------------------------------------------------------------------------------------
// Slots

type Ask =
  | { kind: 'drive'; bus: DiskBus; device: DiskDef['device']; address?: { controller: number; bus: number; unit: number } }
  | { kind: 'port'; serial: boolean; port: number };

const askArb: fc.Arbitrary<Ask> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        bus: fc.constantFrom<DiskBus>('scsi', 'scsi', 'ide', 'sata', 'fdc'),
        explicit: fc.boolean(),
        controller: fc.integer({ min: 0, max: 4 }),
        busNo: fc.integer({ min: 0, max: 2 }),
        unit: fc.oneof(fc.constant(7), fc.integer({ min: 0, max: 31 })),
        cd: fc.boolean(),
      })
      .map(({ bus, explicit, controller, busNo, unit, cd }): Ask => ({
        kind: 'drive',
        bus,
        device: bus === 'fdc' ? 'floppy' : cd ? 'cdrom' : 'disk',
        ...(explicit
          ? { address: { controller: bus === 'ide' || bus === 'fdc' ? 0 : controller, bus: bus === 'ide' ? busNo : 0, unit } }
          : {}),
      })),
  },
  {
    weight: 1,
    arbitrary: fc.record({ serial: fc.boolean(), port: fc.integer({ min: -1, max: 4 }) }).map((p): Ask => ({ kind: 'port', ...p })),
  },
);

function driveOf(a: Extract<Ask, { kind: 'drive' }>, i: number): DiskDef {
  const src = a.device === 'disk' ? `[ds] vm/d${i}.vmdk` : a.device === 'cdrom' ? `[ds] iso/${i}.iso` : `[ds] vm/${i}.flp`;
  return {
    type: 'file',
    device: a.device,
    src,
    targetDev: '',
    bus: a.bus,
    readonly: a.device === 'cdrom',
    transient: false,
    ...(a.address ? { address: { ...a.address, target: 0 } } : {}),
  };
}

/** Devices sharing a slot, and disks on a SCSI controller's own unit. */
function slotViolations(devices: readonly AnyVirtualDevice[]): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  const byKey = new Map(devices.map((d) => [d.key, d]));
  for (const d of devices) {
    if (d.unitNumber === undefined) continue;
    const slot = `${d.controllerKey ?? 'sio'}/${sioKindOf(d) ?? ''}/${d.unitNumber}`;
    if (seen.has(slot)) out.push(`${d.key} and ${seen.get(slot)} share ${slot}`);
    seen.set(slot, d.key);
    const ctl = d.controllerKey === undefined ? undefined : byKey.get(d.controllerKey);
    if (busOfController(ctl) === 'scsi' && d.unitNumber === 7) out.push(`${d.key} sits on SCSI unit 7`);
    if (d.controllerKey !== undefined && !ctl) out.push(`${d.key} refers to no controller (${d.controllerKey})`);
  }
  return out;
}

describe('slot assignment', () => {
  test('never two devices in one slot, never SCSI unit 7; explicit slots are kept or refused for a reason', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('esx-default', 'web', 'scsi-0-6', 'scsi-full', 'ide-full', 'empty'),
        fc.array(askArb, { maxLength: 24 }),
        (set, asks) => {
          const current = sets[set] as AnyVirtualDevice[];
          const plan = new DevicePlan(current);
          asks.forEach((a, i) => {
            try {
              if (a.kind === 'port') {
                const placed = plan.add({ kind: a.serial ? 'serial' : 'parallel', def: { type: 'dev', path: `/dev/p${i}`, port: a.port } });
                if (a.port >= 0) assert.equal((placed.def as { port: number }).port, a.port);
                accepted++;
                return;
              }
              const disk = driveOf(a, i);
              const placed = plan.add({ kind: 'disk', def: disk });
              const addr = (placed.def as DiskDef).address;
              if (a.address) assert.deepEqual(addr, { ...a.address, target: 0 }, 'an explicit address is kept');
              accepted++;
            } catch (e) {
              refused++;
              assert.ok(e instanceof EsxError, `not an EsxError: ${String(e)}`);
              // only a slot asked for, a full bus, or a bad address is refused
              assert.match(e.message, /taken|out of range|no free|every/, e.message);
              if (a.kind === 'drive' && !a.address) assert.match(e.message, /no free/);
            }
          });
          assert.deepEqual(slotViolations(plan.result), []);
          const spec = { _type: 'VirtualMachineConfigSpec', deviceChange: plan.specs };
          assertEncodes(spec);
          // the server's view accepts every change and ends with the same slots
          assert.deepEqual(slotViolations(applySpec(configWith(current), spec).hardware?.device ?? []), []);
        },
      ),
      params,
    );
    // both outcomes must occur, or the property tests nothing
    assert.ok(accepted > RUNS && refused > 0, `accepted ${accepted}, refused ${refused}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Round trips

const GENERATED = (mac: string): boolean =>
  mac.startsWith('00:0c:29:') || (mac.startsWith('00:50:56:') && /^[89ab]/.test(mac.slice(9, 11)));
const paths = (d: DomainDef): string[] => [
  ...d.disks.map((k) => k.src ?? ''),
  ...d.serials.map((s) => s.path ?? ''),
  ...d.parallels.map((s) => s.path ?? ''),
];

/** Domains vSphere can hold (no NAT NICs, no '..' in paths, distinct MACs), in parsed (canonical) form. */
const vsphereDomainArb: fc.Arbitrary<DomainDef> = domainArb
  .map((d) => parseDomainXml(formatDomain(d)))
  .filter((d) => d.interfaces.every((n) => n.type !== 'user'))
  .filter((d) =>
    paths(d).every(
      (p) =>
        !p
          .replace(/^\[[^\]]*\] */, '')
          .split('/')
          .includes('..'),
    ),
  )
  .filter((d) => new Set(d.interfaces.map((n) => n.mac)).size === d.interfaces.length);

/** What vSphere keeps of a domain, in the domain's terms (NICs by MAC when `byMac`). */
function vsphereView(d: DomainDef, byMac = false): unknown {
  const scsiModel = (i: number): string => {
    const c = d.controllers.find((x) => x.type === 'scsi' && x.index === i);
    const driver = d.disks.find((k) => k.bus === 'scsi' && k.address?.controller === i && k.driverName)?.driverName;
    return c?.model && c.model !== 'auto' ? c.model : (driver ?? 'lsilogic');
  };
  const maxOf = (bus: DiskBus): number => Math.max(-1, ...d.disks.filter((k) => k.bus === bus).map((k) => k.address?.controller ?? 0));
  const nics = d.interfaces.map((n) => ({
    type: n.type === 'network' ? 'bridge' : n.type,
    mac: n.mac,
    macType: n.macType ?? (n.mac && GENERATED(n.mac) ? 'generated' : 'static'),
    bridge: n.type === 'bridge' || n.type === 'network' ? n.bridge : undefined,
    vds: n.vds,
    model: n.model ?? 'e1000',
  }));
  return JSON.parse(
    JSON.stringify({
      name: d.name,
      uuid: d.uuid,
      description: d.description || undefined,
      memoryKiB: d.memoryKiB,
      currentMemoryKiB: Math.min(d.currentMemoryKiB ?? d.memoryKiB, d.memoryKiB),
      minGuaranteeKiB: d.minGuaranteeKiB ? Math.min(d.minGuaranteeKiB, d.memoryKiB) : undefined,
      vcpus: d.vcpus,
      cpuShares: d.cpuShares ?? 1000 * d.vcpus,
      cores: d.topology && d.topology.cores > 1 ? d.topology.cores : undefined,
      arch: d.os.arch ?? 'i686',
      efi: d.os.firmware === 'efi',
      disks: d.disks.map((k) => ({
        type: k.type,
        device: k.device,
        src: k.src,
        targetDev: k.targetDev,
        bus: k.bus,
        address: k.address,
        writethrough: k.cache === 'writethrough',
        transient: k.transient,
        autodetect: k.src === undefined && k.startupPolicy === 'optional',
      })),
      scsi: Array.from({ length: maxOf('scsi') + 1 }, (_, i) => scsiModel(i)),
      sata: maxOf('sata') + 1,
      nics: byMac ? nics.sort((a, b) => String(a.mac).localeCompare(String(b.mac))) : nics,
      serials: d.serials,
      parallels: d.parallels,
      video: d.videos[0]
        ? { vram: d.videos[0].vramKiB ?? 4096, heads: (d.videos[0].heads ?? 1) > 1 ? d.videos[0].heads : undefined }
        : undefined,
    }),
  );
}

/** Creates a VM of `def` as the server would (CreateVM_Task, then the video card's edit); returns its configuration. */
function create(def: DomainDef): VmConfigView {
  const spec = createVmSpec(def, {}, { defaultDevices: DEFAULTS, datastore: 'ds' });
  assertEncodes(spec);
  const created = applySpec(configWith(DEFAULTS), spec);
  return applySpec(created, editVmSpec(configToDomain(created), def, created.hardware?.device ?? []));
}

/** `b` with SCSI controller models of `a` where both name one (vSphere cannot change a model in place). */
function sameScsiModels(a: DomainDef, b: DomainDef): DomainDef {
  const controllers = b.controllers.map((c) => {
    const old = a.controllers.find((x) => x.type === 'scsi' && c.type === 'scsi' && x.index === c.index);
    return old?.model !== undefined ? { ...c, model: old.model } : c;
  });
  // an old-style <driver name> would name the model again
  return parseDomainXml(formatDomain({ ...b, controllers, disks: b.disks.map(({ driverName: _, ...k }) => k) }));
}

describe('round trips through the server view', () => {
  test('a created VM reads back as its domain, and re-creating that gives the same XML', () => {
    fc.assert(
      fc.property(vsphereDomainArb, (def) => {
        const back = configToDomain(create(def));
        assert.deepEqual(vsphereView(back), vsphereView(def));
        assert.equal(formatDomain(configToDomain(create(back))), formatDomain(back));
      }),
      params,
    );
  });

  test('an edited VM reads back as the domain it was edited to; editing it again changes nothing', () => {
    fc.assert(
      fc.property(vsphereDomainArb, vsphereDomainArb, (a, b0) => {
        const config = create(a);
        const cur = configToDomain(config);
        const b = sameScsiModels(cur, b0);
        const spec = editVmSpec(cur, b, config.hardware?.device ?? []);
        assertEncodes(spec);
        const edited = applySpec(config, spec);
        const back = configToDomain(edited);
        assert.deepEqual(vsphereView(back, true), vsphereView(b, true));
        assert.ok(isEmptySpec(editVmSpec(back, b, edited.hardware?.device ?? [])), 'a second edit to the same domain changes nothing');
        assert.ok((edited.hardware?.device ?? []).filter((d) => isA(d, 'VirtualMachineVideoCard')).length === 1, 'one video card');
      }),
      params,
    );
  });

  test('MAC types survive: static MACs go out manual, generated ones generated', () => {
    fc.assert(
      fc.property(vsphereDomainArb, (def) => {
        const nics = (create(def).hardware?.device ?? []).filter((d) => isA(d, 'VirtualEthernetCard')) as {
          macAddress?: string;
          addressType?: string;
        }[];
        for (const n of def.interfaces) {
          const dev = nics.find((x) => x.macAddress === n.mac);
          assert.ok(dev, `no NIC with ${n.mac}`);
          const type = n.macType ?? (n.mac && GENERATED(n.mac) ? 'generated' : 'static');
          assert.equal(dev.addressType, type === 'static' ? 'manual' : 'generated', `${n.mac} (static range: ${isStaticRange(n.mac)})`);
        }
      }),
      params,
    );
  });
});

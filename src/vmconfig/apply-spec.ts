/**
 * What a server makes of a VirtualMachineConfigSpec, approximately and purely: settings copied, device changes applied
 * in order, new devices given real keys (by ESX's ranges: SCSI controllers 1000, disks 2000, CD-ROMs 3000, NICs 4000,
 * floppies 8000, serial ports 9000, parallel ports 10000, SATA controllers 15000) with references to temporary keys
 * rewritten, NICs placed on the PCI controller, MACs generated where none was given, and what the server refuses
 * (a taken slot, the SCSI controller's own unit, an unknown key) refused with a ConfigError. For previews and for
 * the round-trip tests of this folder (configToDomain(applySpec(config, spec)) gives the domain back).
 */
import { ConfigError } from '../errors.js';
import type { AnyVirtualDevice, ResourceAllocationInfo, VirtualMachineConfigSpec } from '../vim25/generated/types.js';
import type { VmConfigView } from './config-to-domain.js';
import { describeDevice } from './device-match.js';
import { sioKindOf } from './device-slots.js';
import { isA } from './wire-types.js';

const KEY_BASES: [string, number][] = [
  ['VirtualSCSIController', 1000],
  ['VirtualSATAController', 15000],
  ['VirtualIDEController', 200],
  ['VirtualDisk', 2000],
  ['VirtualCdrom', 3000],
  ['VirtualEthernetCard', 4000],
  ['VirtualFloppy', 8000],
  ['VirtualSerialPort', 9000],
  ['VirtualParallelPort', 10000],
  ['VirtualMachineVideoCard', 500],
];

function keyFor(d: AnyVirtualDevice, used: Set<number>): number {
  const base = KEY_BASES.find(([t]) => isA(d, t))?.[1] ?? 20000;
  let key = base;
  for (const k of used) if (k >= base && k < base + 1000 && k >= key) key = k + 1;
  return key;
}

function merge(a: ResourceAllocationInfo | undefined, b: ResourceAllocationInfo | undefined): ResourceAllocationInfo | undefined {
  if (b === undefined) return a;
  const out: ResourceAllocationInfo = { _type: 'ResourceAllocationInfo', ...a };
  for (const [k, v] of Object.entries(b)) if (v !== undefined && k !== '_type') (out as Record<string, unknown>)[k] = v;
  return out;
}

function slotOf(d: AnyVirtualDevice): string | undefined {
  if (d.controllerKey === undefined || d.unitNumber === undefined) return undefined;
  return `${d.controllerKey}/${sioKindOf(d) ?? ''}/${d.unitNumber}`;
}

/** The configuration `cfg` becomes through `spec` (ReconfigVM_Task; CreateVM_Task from the default devices). */
export function applySpec(cfg: VmConfigView, spec: VirtualMachineConfigSpec): VmConfigView {
  const out: VmConfigView = structuredClone(cfg);
  if (spec.name !== undefined) out.name = spec.name;
  if (spec.uuid !== undefined) out.uuid = spec.uuid;
  if (spec.annotation !== undefined) out.annotation = spec.annotation;
  if (spec.guestId !== undefined) out.guestId = spec.guestId;
  if (spec.firmware !== undefined) out.firmware = spec.firmware;
  const hw = (out.hardware ??= { _type: 'VirtualHardware', numCPU: 1, memoryMB: 32 });
  if (spec.numCPUs !== undefined) hw.numCPU = spec.numCPUs;
  if (spec.numCoresPerSocket !== undefined) hw.numCoresPerSocket = spec.numCoresPerSocket;
  if (spec.memoryMB !== undefined) hw.memoryMB = spec.memoryMB;
  out.cpuAllocation = merge(out.cpuAllocation, spec.cpuAllocation);
  out.memoryAllocation = merge(out.memoryAllocation, spec.memoryAllocation);

  const devices: AnyVirtualDevice[] = hw.device ?? [];
  const keys = new Map<number, number>();
  const byKey = (key: number): AnyVirtualDevice | undefined => devices.find((d) => d.key === key);
  (spec.deviceChange ?? []).forEach((change, i) => {
    const where = `deviceChange[${i}]`;
    const d = structuredClone(change.device);
    if (change.operation === 'remove' || change.operation === 'edit') {
      const at = devices.findIndex((x) => x.key === d.key);
      if (at < 0) throw new ConfigError(`${where}: the VM has no device with key ${d.key}`);
      if (change.operation === 'remove') devices.splice(at, 1);
      else devices[at] = d;
      return;
    }
    if (change.operation !== 'add') throw new ConfigError(`${where}: operation '${String(change.operation)}' is not add, edit or remove`);
    if (d.controllerKey !== undefined && d.controllerKey < 0) {
      const real = keys.get(d.controllerKey);
      if (real === undefined) throw new ConfigError(`${where}: controller key ${d.controllerKey} was not added before`);
      d.controllerKey = real;
    }
    const used = new Set(devices.map((x) => x.key));
    const key = d.key > 0 && !used.has(d.key) ? d.key : keyFor(d, used);
    if (d.key < 0) keys.set(d.key, key);
    d.key = key;
    const pci = devices.find((x) => isA(x, 'VirtualPCIController'));
    const sio = devices.find((x) => isA(x, 'VirtualSIOController'));
    if (isA(d, 'VirtualEthernetCard') && d.controllerKey === undefined && pci) {
      d.controllerKey = pci.key;
      const units = new Set(devices.filter((x) => x.controllerKey === pci.key).map((x) => x.unitNumber));
      let unit = 7;
      while (units.has(unit)) unit++;
      d.unitNumber = unit;
    }
    if (sioKindOf(d) !== undefined && d.controllerKey === undefined && sio) d.controllerKey = sio.key;
    const nic = d as { macAddress?: string };
    if (isA(d, 'VirtualEthernetCard') && nic.macAddress === undefined)
      nic.macAddress = `00:0c:29:${[16, 8, 0].map((s) => ((key >> s) & 0xff).toString(16).padStart(2, '0')).join(':')}`;
    const ctl = d.controllerKey === undefined ? undefined : byKey(d.controllerKey);
    if (d.controllerKey !== undefined && ctl === undefined)
      throw new ConfigError(`${where}: the VM has no controller with key ${d.controllerKey}`);
    if (isA(ctl, 'VirtualSCSIController') && d.unitNumber === ((ctl as { scsiCtlrUnitNumber?: number }).scsiCtlrUnitNumber ?? 7)) {
      throw new ConfigError(`${where}: unit ${d.unitNumber} is the SCSI controller's own`);
    }
    const slot = slotOf(d);
    const other = slot === undefined ? undefined : devices.find((x) => slotOf(x) === slot);
    if (other)
      throw new ConfigError(`${where}: unit ${d.unitNumber} of controller ${d.controllerKey} is taken by ${describeDevice(other)}`);
    d.deviceInfo ??= { _type: 'Description', label: `${d._type ?? 'device'} ${key}`, summary: '' };
    devices.push(d);
  });
  hw.device = devices;
  return out;
}

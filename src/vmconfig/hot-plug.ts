/**
 * What ESX changes on a powered-on VM (vSphere's hot-plug rules, as the harness implements them too): SCSI and SATA
 * disks and CD-ROMs, and NICs, are added and removed; a CD-ROM's or floppy's medium and a NIC's network and link are
 * changed; the name, annotation, resource allocations and extraConfig are changed. An IDE disk or CD-ROM, a floppy,
 * a controller, a serial or parallel port, a disk's mode, the video card, the guest OS, the firmware and the cores
 * per socket need the VM off; memory and vCPUs grow only with hot-add enabled (vCPUs shrink with hot-remove). A
 * suspended VM takes no device change. The driver refuses such a spec for an active VM with one line naming what
 * needs the VM off, before the server would refuse it.
 */
import type { AnyVirtualDevice, VirtualDeviceConfigSpec, VirtualMachineConfigSpec } from '../vim25/generated/types.js';
import { describeDevice } from './device-match.js';
import { busOfController } from './device-slots.js';
import { isA } from './wire-types.js';

/** What the rules need to know about the VM besides its devices. */
export interface LiveVmState {
  /** 'running' (powered on) or 'paused' (suspended). */
  state: 'running' | 'paused';
  numCpu?: number;
  memoryMB?: number;
  cpuHotAddEnabled?: boolean;
  cpuHotRemoveEnabled?: boolean;
  memoryHotAddEnabled?: boolean;
}

function kindOf(d: AnyVirtualDevice): string {
  if (isA(d, 'VirtualDisk')) return 'disk';
  if (isA(d, 'VirtualCdrom')) return 'CD-ROM';
  if (isA(d, 'VirtualFloppy')) return 'floppy';
  if (isA(d, 'VirtualEthernetCard')) return 'interface';
  if (isA(d, 'VirtualSerialPort')) return 'serial port';
  if (isA(d, 'VirtualParallelPort')) return 'parallel port';
  if (isA(d, 'VirtualController')) return 'controller';
  if (isA(d, 'VirtualMachineVideoCard')) return 'video card';
  return d._type ?? 'device';
}

/** The bus a drive sits on, through its controller (also one the same spec adds). */
function busOf(d: AnyVirtualDevice, devices: readonly AnyVirtualDevice[], spec: readonly VirtualDeviceConfigSpec[]): string | undefined {
  const key = d.controllerKey;
  if (key === undefined) return undefined;
  const ctl = devices.find((x) => x.key === key) ?? spec.find((c) => c.device.key === key)?.device;
  return ctl === undefined ? undefined : busOfController(ctl);
}

function sameBacking(a: AnyVirtualDevice, b: AnyVirtualDevice): boolean {
  return JSON.stringify(a.backing ?? null) === JSON.stringify(b.backing ?? null);
}

function deviceProblem(
  c: VirtualDeviceConfigSpec,
  devices: readonly AnyVirtualDevice[],
  spec: readonly VirtualDeviceConfigSpec[],
): string | undefined {
  const d = c.device;
  const kind = kindOf(d);
  const what =
    c.operation === 'edit'
      ? `changing ${describeDevice(d)}`
      : `${c.operation === 'add' ? 'adding' : 'removing'} ${c.operation === 'add' ? `a ${kind}` : describeDevice(d)}`;
  if (kind === 'disk' || kind === 'CD-ROM') {
    const bus = busOf(d, devices, spec);
    if (c.operation === 'edit') {
      if (kind === 'CD-ROM') return undefined; // a medium change
      const old = devices.find((x) => x.key === d.key);
      return old !== undefined && sameBacking(old, d) ? undefined : `${what} (its mode or file)`;
    }
    if (bus === 'ide') return `${what} on the IDE bus`;
    return undefined;
  }
  if (kind === 'floppy') return c.operation === 'edit' ? undefined : what;
  if (kind === 'interface') return undefined;
  return what;
}

/** Why `spec` cannot be applied to the active VM: one phrase per change that needs the VM off (empty: none). */
export function liveChangeProblems(spec: VirtualMachineConfigSpec, devices: readonly AnyVirtualDevice[], vm: LiveVmState): string[] {
  const out: string[] = [];
  const changes = spec.deviceChange ?? [];
  if (vm.state === 'paused') {
    if (changes.length > 0) out.push('changing devices of a suspended VM');
  } else {
    for (const c of changes) {
      const p = deviceProblem(c, devices, changes);
      if (p !== undefined) out.push(p);
    }
  }
  if (spec.guestId !== undefined) out.push('changing the guest OS');
  if (spec.firmware !== undefined) out.push('changing the firmware');
  if (spec.numCoresPerSocket !== undefined) out.push('changing the cores per socket');
  if (spec.version !== undefined) out.push('changing the hardware version');
  if (spec.uuid !== undefined) out.push('changing the UUID');
  if (spec.numCPUs !== undefined && spec.numCPUs !== vm.numCpu) {
    const grow = spec.numCPUs > (vm.numCpu ?? 0);
    if (vm.state === 'paused' || !(grow ? vm.cpuHotAddEnabled : vm.cpuHotRemoveEnabled))
      out.push(`changing the vCPU count (CPU hot-${grow ? 'add' : 'remove'} is not enabled)`);
  }
  if (spec.memoryMB !== undefined && spec.memoryMB !== vm.memoryMB) {
    const grow = spec.memoryMB > (vm.memoryMB ?? 0);
    if (vm.state === 'paused' || !grow || !vm.memoryHotAddEnabled)
      out.push(grow ? 'growing the memory (memory hot-add is not enabled)' : 'shrinking the memory');
  }
  return out;
}

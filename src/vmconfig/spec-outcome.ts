/**
 * Whether a ReconfigVM_Task spec took effect, judged from the VM's configuration before and after: for a reconfigure
 * whose answer was lost (dropped connection, 503), so the driver can tell "done" from "not done" and never sends a
 * change twice. Each part of the spec is checked on its own: an added device is there (a device of the spec's wire
 * type that was not there before, with the spec's file, MAC or bus number), a removed one is gone, an edited one
 * has the spec's backing and connection, a setting has the spec's value.
 */
import type { AnyVirtualDevice, VirtualDeviceConfigSpec, VirtualMachineConfigSpec } from '../vim25/generated/types.js';
import type { VmConfigView } from './config-to-domain.js';

/** 'all': every part of the spec is in effect; 'none': no part; 'partial': some. */
export type SpecOutcome = 'all' | 'none' | 'partial';

type Fields = Record<string, unknown>;

function field(o: unknown, key: string): unknown {
  return (o as Fields | undefined)?.[key];
}

/** The identity of a device beyond its key: its file or device name, MAC, or controller bus number. */
function identity(d: AnyVirtualDevice): string {
  const b = d.backing;
  const parts = [
    d._type ?? '',
    String(field(b, 'fileName') ?? field(b, 'deviceName') ?? ''),
    String(field(d, 'macAddress') ?? '').toLowerCase(),
    String(field(d, 'busNumber') ?? ''),
  ];
  return parts.join('|');
}

function deviceApplied(c: VirtualDeviceConfigSpec, before: readonly AnyVirtualDevice[], after: readonly AnyVirtualDevice[]): boolean {
  const d = c.device;
  if (c.operation === 'remove') return !after.some((x) => x.key === d.key);
  if (c.operation === 'edit') {
    const now = after.find((x) => x.key === d.key);
    if (now === undefined) return false;
    if (JSON.stringify(now.backing ?? null) !== JSON.stringify(d.backing ?? null)) {
      // the server fills in what the spec left out (the datastore of a file): compare what the spec says
      for (const [k, v] of Object.entries(d.backing ?? {}))
        if (k !== '_type' && JSON.stringify(field(now.backing, k)) !== JSON.stringify(v)) return false;
    }
    const want = d.connectable;
    if (want !== undefined && (now.connectable?.connected !== want.connected || now.connectable?.startConnected !== want.startConnected))
      return false;
    return true;
  }
  // add: a device that was not there before, of the same identity (a generated MAC is unknown: type and file suffice)
  const old = new Set(before.map((x) => x.key));
  const id = identity(d);
  const loose = (x: AnyVirtualDevice): string =>
    identity({ ...x, ...(field(d, 'macAddress') === undefined ? { macAddress: undefined } : {}) } as AnyVirtualDevice);
  return after.some((x) => !old.has(x.key) && x._type === d._type && loose(x) === id);
}

function settingApplied(spec: VirtualMachineConfigSpec, after: VmConfigView): boolean[] {
  const out: boolean[] = [];
  if (spec.name !== undefined) out.push(after.name === spec.name);
  if (spec.annotation !== undefined) out.push((after.annotation ?? '') === spec.annotation);
  if (spec.guestId !== undefined) out.push(after.guestId === spec.guestId);
  if (spec.numCPUs !== undefined) out.push(after.hardware?.numCPU === spec.numCPUs);
  if (spec.memoryMB !== undefined) out.push(after.hardware?.memoryMB === spec.memoryMB);
  for (const o of spec.extraConfig ?? []) {
    const now = after.extraConfig?.find((x) => x.key.toLowerCase() === o.key.toLowerCase());
    out.push(o.value === '' ? now === undefined : String(now?.value ?? '') === String(o.value ?? ''));
  }
  return out;
}

/** How much of `spec` is in effect in `after`, a VM that was `before`. */
export function specOutcome(spec: VirtualMachineConfigSpec, before: VmConfigView, after: VmConfigView): SpecOutcome {
  const b = before.hardware?.device ?? [];
  const a = after.hardware?.device ?? [];
  const parts = [...(spec.deviceChange ?? []).map((c) => deviceApplied(c, b, a)), ...settingApplied(spec, after)];
  if (parts.length === 0) return 'all';
  if (parts.every(Boolean)) return 'all';
  return parts.some(Boolean) ? 'partial' : 'none';
}

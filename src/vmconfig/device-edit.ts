/**
 * The edit of one existing device: a copy of the device as the server reported it (vSphere wants the whole device
 * back, and keeps what is not said), changed only where the domain device differs in something the domain can
 * express. Sameness is judged the way config-to-domain.ts reads a device, so a device read from the VM and written
 * back unchanged gives no edit at all.
 */
import { UnsupportedError } from '../errors.js';
import type { AnyVirtualDevice, AnyVirtualDeviceBackingInfo, VirtualDeviceConnectInfo } from '../vim25/generated/types.js';
import { parseVmwareUuid } from '../vmx/vmx-values.js';
import { chrBacking, diskModeOf, driveBacking, macOf, nicBacking, nicTypeOf } from './device-backings.js';
import type { VmConfigContext } from './device-context.js';
import { driveTypeOf, nameOf, type DomainDevice } from './device-match.js';
import { isA, SCSI_TYPES, modelOf } from './wire-types.js';

type Fields = Record<string, unknown>;

function field(o: unknown, key: string): unknown {
  return (o as Fields | undefined)?.[key];
}

function uuidOf(s: unknown): unknown {
  try {
    return typeof s === 'string' ? parseVmwareUuid(s, 'switchUuid') : s;
  } catch {
    return s;
  }
}

/** True when backing `want` (as built from the domain) says all that `have` says in the domain's terms. */
function sameBacking(have: AnyVirtualDeviceBackingInfo | undefined, want: AnyVirtualDeviceBackingInfo | undefined): boolean {
  if (have === undefined || want === undefined) return have === want;
  if (have._type !== want._type) return false;
  for (const key of ['fileName', 'deviceName', 'pipeName', 'serviceURI', 'direction']) {
    if (field(want, key) !== undefined && field(have, key) !== field(want, key)) return false;
  }
  if ((field(have, 'useAutoDetect') === true) !== (field(want, 'useAutoDetect') === true)) return false;
  const hp = field(have, 'port');
  const wp = field(want, 'port');
  if (wp !== undefined) {
    if (uuidOf(field(hp, 'switchUuid')) !== uuidOf(field(wp, 'switchUuid'))) return false;
    for (const key of ['portgroupKey', 'portKey', 'connectionCookie']) {
      if (field(wp, key) !== undefined && field(hp, key) !== field(wp, key)) return false;
    }
  }
  return true;
}

function connected(old: AnyVirtualDevice, on: boolean): VirtualDeviceConnectInfo {
  const c = old.connectable;
  return { _type: 'VirtualDeviceConnectInfo', ...(c ?? { allowGuestControl: true }), startConnected: on, connected: on };
}

/** The edited copy of `old` for `device`, undefined when nothing differs. */
export function editedDevice(old: AnyVirtualDevice, device: DomainDevice, ctx: VmConfigContext): AnyVirtualDevice | undefined {
  const next = structuredClone(old) as AnyVirtualDevice & Fields;
  let changed = false;
  const set = (key: string, value: unknown): void => {
    if (next[key] !== value) {
      next[key] = value;
      changed = true;
    }
  };
  switch (device.kind) {
    case 'disk': {
      const disk = device.def;
      if (!isA(old, driveTypeOf(disk)))
        throw new UnsupportedError(
          `${nameOf(device)} cannot change from ${old._type ?? 'device'} to ${disk.device} in place: detach it and attach the new one`,
        );
      const want = driveBacking(disk);
      if (disk.device === 'disk') {
        const b = next.backing as Fields | undefined;
        if (b === undefined) throw new UnsupportedError(`${nameOf(device)} has no backing to change`);
        if (b.fileName !== field(want, 'fileName')) {
          throw new UnsupportedError(
            `${nameOf(device)} cannot change its file from '${String(b.fileName)}' to '${String(field(want, 'fileName'))}' in place: detach it and attach the new one`,
          );
        }
        // independent_persistent and the others all read as not transient: only a change across that line counts
        if ((b.diskMode === 'independent_nonpersistent') !== disk.transient) {
          b.diskMode = diskModeOf(disk);
          changed = true;
        }
        if ((b.writeThrough === true) !== (disk.cache === 'writethrough')) {
          b.writeThrough = disk.cache === 'writethrough';
          changed = true;
        }
      } else if (!sameBacking(old.backing, want)) {
        next.backing = want;
        next.connectable = connected(old, disk.src !== undefined || disk.startupPolicy === 'optional');
        changed = true;
      }
      break;
    }
    case 'interface': {
      const net = device.def;
      const type = nicTypeOf(net, ctx);
      if (net.model !== undefined && old._type !== type)
        throw new UnsupportedError(`${nameOf(device)} cannot change its model in place: detach it and attach one of the new model`);
      const want = nicBacking(net, ctx);
      if (want === undefined && old.backing !== undefined)
        throw new UnsupportedError(`${nameOf(device)} cannot leave its network in place: detach it instead`);
      if (!sameBacking(old.backing, want)) {
        next.backing = want;
        next.connectable = connected(old, true);
        changed = true;
      }
      // a NIC found by its network name says nothing about its MAC
      const mac = net.mac !== undefined ? macOf(net) : undefined;
      const manual = String(field(old, 'addressType')).toLowerCase() === 'manual';
      if (mac && (mac.addressType === 'manual') !== manual) {
        set('addressType', mac.addressType);
        if (mac.macAddress !== undefined) set('macAddress', mac.macAddress);
      }
      break;
    }
    case 'serial':
    case 'parallel': {
      const want = chrBacking(device.kind, device.def);
      if (!sameBacking(old.backing, want)) {
        next.backing = want;
        changed = true;
      }
      break;
    }
    case 'controller': {
      const model = device.def.model;
      const have = modelOf(SCSI_TYPES, old);
      if (device.def.type === 'scsi' && model !== undefined && model !== 'auto' && model !== have) {
        throw new UnsupportedError(`${nameOf(device)} cannot change its model from '${have ?? old._type}' to '${model}' in place`);
      }
      break;
    }
    case 'video': {
      const v = device.def;
      if (v.model !== 'vmvga') throw new UnsupportedError(`unsupported video model '${v.model}': only 'vmvga'`);
      const vram = v.vramKiB ?? 4096;
      if ((typeof next.videoRamSizeInKB === 'number' ? next.videoRamSizeInKB : 4096) !== vram) set('videoRamSizeInKB', vram);
      const heads = v.heads !== undefined && v.heads > 1 ? v.heads : 1;
      if ((typeof next.numDisplays === 'number' ? next.numDisplays : 1) !== heads) set('numDisplays', heads);
      break;
    }
  }
  return changed ? next : undefined;
}

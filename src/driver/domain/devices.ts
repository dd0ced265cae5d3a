/**
 * Device changes of a domain (virsh attach-device, detach-device, update-device here; attach-disk, detach-disk,
 * attach-interface, detach-interface, change-media, domif-setlink in disks-nics.ts): each is a domain device
 * (parsed from an XML fragment or built from options) turned into VirtualDeviceConfigSpecs by vmconfig's DevicePlan against the VM's
 * devices, and sent as one ReconfigVM_Task (reconfigure.ts: hot-plug rules first, converging after lost answers).
 *
 * --live/--config/--current/--persistent keep virsh's meaning where ESX can follow it: ESX keeps one configuration,
 * which is both the running VM's and the next boot's, so a change is made to it whatever the flags, once the flags
 * are valid (--live on an inactive domain is refused, as in libvirt), and the hot-plug rules decide for an active
 * domain.
 */
import { ConfigError } from '../../errors.js';
import type { ControllerDef, DiskDef } from '../../conf/domain/domain-def.js';
import { formatDomain } from '../../conf/domain/format-domain.js';
import { parseDeviceXml, parseDomainXml } from '../../conf/domain/parse-domain.js';
import type { AnyVirtualDevice, VirtualMachineConfigSpec } from '../../vim25/index.js';
import { DevicePlan, type DomainDevice, type NewDiskOptions } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { deviceContext } from './device-context.js';
import { applyConfigSpec } from './reconfigure.js';
import type { DomainRef } from './ref.js';
import type { DomainArg } from './resolve.js';
import { modifyTargets, type ModifyFlags } from './tuning.js';
import { readVmConfig, type VmConfig } from './vm-config.js';

/** virsh's --live/--config/--current/--persistent. */
export interface DeviceFlags extends ModifyFlags {
  persistent?: boolean;
}

/** What a device change did. */
export interface DeviceChangeResult {
  dom: DomainRef;
  /** The device as placed (target name, address, port filled in). */
  device: DomainDevice;
  /** The domain device as XML (as attach-disk --print-xml shows it). */
  xml: string;
}

/** The one device of an XML fragment (`<disk>`, `<interface>`, `<controller>`, `<serial>`, `<parallel>`, `<video>`). */
export function deviceOfXml(xml: string): DomainDevice {
  const body = xml.replace(/^\s*<\?xml[^>]*\?>/, '');
  const root = /^\s*<([A-Za-z]+)\b/.exec(body)?.[1];
  if (root === undefined) throw new ConfigError('the device XML holds no element');
  // a serial or parallel port without <target port> keeps port -1: the device plan gives it a free one
  const def = parseDeviceXml(body);
  const one = <T>(list: T[], kind: string): T => {
    if (list.length !== 1) throw new ConfigError(`the device XML must hold exactly one <${kind}> (found ${list.length})`);
    return list[0] as T;
  };
  switch (root) {
    case 'disk':
      return { kind: 'disk', def: one(def.disks, 'disk') };
    case 'interface': {
      const net = one(def.interfaces, 'interface');
      // the parser invents a MAC for an interface without one: here the server generates it
      if (!/<mac\b/.test(body)) delete net.mac;
      return { kind: 'interface', def: net };
    }
    case 'controller':
      return { kind: 'controller', def: one(def.controllers, 'controller') };
    case 'serial':
      return { kind: 'serial', def: one(def.serials, 'serial') };
    case 'parallel':
      return { kind: 'parallel', def: one(def.parallels, 'parallel') };
    case 'video':
      return { kind: 'video', def: one(def.videos, 'video') };
    default:
      throw new ConfigError(`unsupported device <${root}>: expecting <disk>, <interface>, <controller>, <serial>, <parallel> or <video>`);
  }
}

/** The device as XML, in libvirt's format (2-space indented, as dumpxml shows it inside <devices>). */
export function formatDeviceXml(device: DomainDevice): string {
  const def = parseDomainXml("<domain type='vmware'><name>fragment</name><memory>4096</memory><os><type>hvm</type></os></domain>");
  if (device.kind === 'disk') def.disks.push(device.def);
  else if (device.kind === 'interface') def.interfaces.push(device.def);
  else if (device.kind === 'controller') def.controllers.push(device.def);
  else if (device.kind === 'serial') def.serials.push(device.def);
  else if (device.kind === 'parallel') def.parallels.push(device.def);
  else def.videos.push(device.def);
  const xml = formatDomain(def);
  const inner = /<devices>\n([^]*)\n {2}<\/devices>/.exec(xml)?.[1] ?? '';
  return `${inner
    .split('\n')
    .map((l) => l.slice(4))
    .join('\n')}\n`;
}

/** Checks the flags as libvirt does and resolves --persistent (ESX has one configuration: see the module comment). */
export function checkFlags(cfg: VmConfig, flags: DeviceFlags): void {
  if (flags.persistent) return;
  modifyTargets(cfg.dom.state, flags);
}

/** The SCSI controllers a device change may add take their model from the domain's `<controller>` or 'auto'. */
function controllersFor(device: DomainDevice, detect: boolean): ControllerDef[] {
  if (device.kind === 'controller') return [device.def];
  if (device.kind !== 'disk' || device.def.bus !== 'scsi' || device.def.device !== 'disk') return [];
  const index = device.def.address?.controller ?? 0;
  return detect ? [{ type: 'scsi', index, model: 'auto' }] : [];
}

/** One device change as the commands describe it. */
export interface Change {
  op: 'add' | 'edit' | 'remove';
  device: DomainDevice;
  what: string;
  /** For a new disk file: size and provisioning. */
  create?: NewDiskOptions;
}

/** Plans one change against the VM and sends it; returns the device as placed. */
export async function applyDeviceChange(
  conn: Connection,
  cfg: VmConfig,
  change: Change,
  flags: DeviceFlags,
  warn?: (m: string) => void,
): Promise<DeviceChangeResult> {
  checkFlags(cfg, flags);
  const d = change.device;
  const addDisk = change.op === 'add' && d.kind === 'disk' && d.def.device === 'disk' && d.def.src !== undefined;
  const ctx = await deviceContext(conn, {
    ...(cfg.host !== undefined ? { host: cfg.host } : {}),
    ...(cfg.view.guestId !== undefined ? { guestId: cfg.view.guestId } : {}),
    ...(change.create && d.kind === 'disk' && d.def.src !== undefined ? { create: new Map([[d.def.src, change.create]]) } : {}),
    detect: addDisk && !change.create ? [d.def as DiskDef] : [],
    networks: d.kind === 'interface' && change.op !== 'remove',
    ...(warn ? { warn } : {}),
  });
  const devices: readonly AnyVirtualDevice[] = cfg.view.hardware?.device ?? [];
  const plan = new DevicePlan(devices, ctx, { controllers: controllersFor(d, addDisk && !change.create) });
  const placed = plan.apply({ op: change.op, device: d });
  if (change.op === 'edit' && plan.specs.length === 0) return { dom: cfg.dom, device: placed, xml: formatDeviceXml(placed) };
  const spec: VirtualMachineConfigSpec = { _type: 'VirtualMachineConfigSpec', deviceChange: plan.specs };
  await applyConfigSpec(conn, cfg, spec, { what: change.what });
  return { dom: cfg.dom, device: placed, xml: formatDeviceXml(placed) };
}

function describe(device: DomainDevice): string {
  switch (device.kind) {
    case 'disk':
      return `${device.def.device === 'disk' ? 'disk' : device.def.device} '${device.def.targetDev || device.def.src || '?'}'`;
    case 'interface':
      return `interface ${device.def.mac ?? `on '${device.def.bridge ?? '?'}'`}`;
    case 'controller':
      return `${device.def.type} controller ${device.def.index}`;
    default:
      return device.kind === 'video' ? 'video card' : `${device.kind} port ${device.def.port < 0 ? '' : device.def.port}`.trim();
  }
}

/** virsh attach-device: adds the device of an XML fragment. */
export async function attachDevice(conn: Connection, domain: DomainArg, xml: string, flags: DeviceFlags = {}): Promise<DeviceChangeResult> {
  const device = deviceOfXml(xml);
  const cfg = await readVmConfig(conn, domain);
  return applyDeviceChange(conn, cfg, { op: 'add', device, what: `attach ${describe(device)}` }, flags);
}

/** virsh detach-device: removes the device an XML fragment denotes (a disk's file is kept). */
export async function detachDevice(conn: Connection, domain: DomainArg, xml: string, flags: DeviceFlags = {}): Promise<DeviceChangeResult> {
  const device = deviceOfXml(xml);
  const cfg = await readVmConfig(conn, domain);
  return applyDeviceChange(conn, cfg, { op: 'remove', device, what: `detach ${describe(device)}` }, flags);
}

/** virsh update-device: changes the device an XML fragment denotes (a medium, a network, a port's backing). */
export async function updateDevice(conn: Connection, domain: DomainArg, xml: string, flags: DeviceFlags = {}): Promise<DeviceChangeResult> {
  const device = deviceOfXml(xml);
  const cfg = await readVmConfig(conn, domain);
  return applyDeviceChange(conn, cfg, { op: 'edit', device, what: `update ${describe(device)}` }, flags);
}

/** VMX network cards, serial and parallel ports, shared folders, VNC and SVGA → domain devices. */
import { ConfigError } from '../errors.js';
import type { ChrDef, DomainDef, InterfaceDef } from '../conf/domain/domain-def.js';
import type { VmxContext } from './context.js';
import type { VmxConfig } from './vmx-text.js';
import { parseMac, parseVmwareUuid, vmxBool, vmxLong, vmxString } from './vmx-values.js';

const NIC_MODELS = new Set(['vlance', 'vmxnet', 'vmxnet3', 'e1000', 'e1000e']);

/**
 * ethernetN → `<interface>`, N ascending. As libvirt, every key `ethernet<N>.…` must carry a
 * decimal index; the highest one bounds the scan.
 */
export function parseEthernets(conf: VmxConfig, def: DomainDef): void {
  let max = -1;
  for (const entry of conf.entries.values()) {
    if (!/^ethernet/i.test(entry.key)) continue;
    const dot = entry.key.indexOf('.');
    const index = entry.key.slice(8, dot < 0 ? undefined : dot);
    // (libvirt's unsigned parse takes '-0' for 0, and no other sign)
    if (!/^(\d+|-0+)$/.test(index) || Number(index) > 2 ** 31 - 1)
      throw new ConfigError(`failed to parse the index of the VMX key '${entry.key}'`);
    max = Math.max(max, Math.abs(Number(index)));
  }
  for (let n = 0; n <= max; n++) {
    if (!conf.hasDevice(`ethernet${n}`)) continue;
    const net = parseEthernet(conf, n);
    if (net) def.interfaces.push(net);
  }
}

function parseEthernet(conf: VmxConfig, n: number): InterfaceDef | undefined {
  const p = `ethernet${n}`;
  const present = vmxBool(conf, `${p}.present`, false);
  vmxBool(conf, `${p}.startConnected`, true);
  if (!present) return undefined;
  const connectionType = vmxString(conf, `${p}.connectionType`);
  const addressType = vmxString(conf, `${p}.addressType`);
  // libvirt writes the all-zero MAC of an interface whose VMX names none
  const net: InterfaceDef = { type: 'bridge', mac: '00:00:00:00:00:00' };

  const at = addressType?.toLowerCase();
  if (at === undefined || at === 'generated' || at === 'vpx') {
    const g = vmxString(conf, `${p}.generatedAddress`);
    if (g !== undefined) net.mac = macOrThrow(g, `${p}.generatedAddress`);
    if (at !== undefined) net.macType = 'generated';
  } else if (at === 'static') {
    const a = vmxString(conf, `${p}.address`);
    if (a !== undefined) net.mac = macOrThrow(a, `${p}.address`);
    net.macType = 'static';
  } else {
    throw new ConfigError(`expecting VMX entry '${p}.addressType' to be 'generated', 'static' or 'vpx' but found '${addressType}'`);
  }
  // libvirt takes anything but 'true' (any case) for false here
  const check = vmxString(conf, `${p}.checkMACAddress`);
  if (check !== undefined) net.macCheck = check.toLowerCase() === 'true';

  const virtualDev = vmxString(conf, `${p}.virtualDev`);
  const features = vmxLong(conf, `${p}.features`, 0);
  if (virtualDev !== undefined) {
    const dev = virtualDev.toLowerCase();
    if (!NIC_MODELS.has(dev)) {
      throw new ConfigError(
        `expecting VMX entry '${p}.virtualDev' to be 'vlance', 'vmxnet', 'vmxnet3', 'e1000' or 'e1000e' but found '${virtualDev}'`,
      );
    }
    net.model = dev === 'vmxnet' && features === 15 ? 'vmxnet2' : dev;
  }

  const switchId = vmxString(conf, `${p}.dvs.switchId`);
  if (switchId !== undefined) {
    net.type = 'vds';
    const portgroupId = vmxString(conf, `${p}.dvs.portgroupId`, true) as string;
    const portId = vmxLong(conf, `${p}.dvs.portId`, undefined);
    if (portId === undefined) throw new ConfigError(`missing essential VMX entry '${p}.dvs.portId'`);
    const connectionId = vmxLong(conf, `${p}.dvs.connectionId`, undefined);
    if (connectionId === undefined) throw new ConfigError(`missing essential VMX entry '${p}.dvs.connectionId'`);
    net.vds = { switchId: parseVmwareUuid(switchId, `${p}.dvs.switchId`), portId, portgroupId, connectionId };
    return net;
  }

  const ct = connectionType?.toLowerCase();
  const networkName = vmxString(conf, `${p}.networkName`);
  if (ct === undefined && networkName === undefined) {
    net.type = 'null';
  } else if (ct === undefined || ct === 'bridged') {
    net.bridge = vmxString(conf, `${p}.networkName`, true);
  } else if (ct === 'custom') {
    net.bridge = vmxString(conf, `${p}.networkName`, true);
    net.targetDev = vmxString(conf, `${p}.vnet`, true);
  } else if (ct === 'nat') {
    net.type = 'user';
  } else if (ct === 'hostonly') {
    throw new ConfigError(
      `value 'hostonly' of VMX entry '${p}.connectionType' is not supported (libvirt has no mapping for host-only networks)`,
    );
  } else {
    throw new ConfigError(`invalid value '${connectionType}' for VMX entry '${p}.connectionType'`);
  }
  return net;
}

function macOrThrow(value: string, key: string): string {
  const mac = parseMac(value);
  if (!mac) throw new ConfigError(`expecting VMX entry '${key}' to be a MAC address but found '${value}'`);
  return mac;
}

const NETWORK_SCHEMES: Record<string, ChrDef['protocol']> = {
  tcp: 'raw',
  telnet: 'telnet',
  telnets: 'telnets',
  ssl: 'tls',
  'tcp+ssl': 'tls',
};

/** serial0..3 → `<serial>` (+ a `<console>` for the first), parallel0..2 → `<parallel>`. */
export function parseChrDevices(conf: VmxConfig, ctx: VmxContext, def: DomainDef): void {
  for (let n = 0; n < 4; n++) {
    const s = parseSerial(conf, ctx, n);
    if (s) def.serials.push(s);
  }
  for (let n = 0; n < 3; n++) {
    const s = parseParallel(conf, ctx, n);
    if (s) def.parallels.push(s);
  }
  const first = def.serials[0];
  if (first) def.consoles.push({ ...first });
}

function mappedFile(ctx: VmxContext, fileName: string, key: string): string {
  const src = ctx.parseFileName(fileName);
  if (src === undefined) throw new ConfigError(`file '${fileName}' of VMX entry '${key}' does not exist`);
  return src;
}

// A URI as libxml2 parses it: scheme://[userinfo@]host[:port][/path][?query][#fragment].
const URI_RE =
  /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:%]*@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::(\d*))?(?:\/[^?#\s]*)?(?:\?[^#\s]*)?(?:#\S*)?$/;

function parseSerial(conf: VmxConfig, ctx: VmxContext, n: number): ChrDef | undefined {
  const p = `serial${n}`;
  const present = vmxBool(conf, `${p}.present`, false);
  vmxBool(conf, `${p}.startConnected`, true);
  if (!present) return undefined;
  const fileType = vmxString(conf, `${p}.fileType`);
  const fileName = vmxString(conf, `${p}.fileName`);
  const ft = (fileType ?? 'device').toLowerCase();
  const withPath = (c: ChrDef): ChrDef => (fileName !== undefined ? { ...c, path: fileName } : c);
  if (ft === 'device') return withPath({ type: 'dev', port: n });
  if (ft === 'file') {
    // libvirt 9.0 crashes here (a NULL file name reaches its callback)
    if (fileName === undefined) throw new ConfigError(`VMX entry '${p}.fileName' is missing but '${p}.fileType' is 'file'`);
    return { type: 'file', path: mappedFile(ctx, fileName, `${p}.fileName`), port: n };
  }
  // VMware's pipe ends (client/server, app/VM) have no form in domain XML: all become type pipe.
  if (ft === 'pipe') return withPath({ type: 'pipe', port: n });
  if (ft === 'network') {
    const m = fileName === undefined ? null : URI_RE.exec(fileName);
    if (!m || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 2 ** 31 - 1)) {
      throw new ConfigError(`VMX entry '${p}.fileName' must be a URI like 'telnet://host:port' but found '${fileName ?? ''}'`);
    }
    const host = percentDecode((m[2] as string).replace(/^\[(.*)\]$/, '$1'));
    if (!m[3] || Number(m[3]) === 0 || host === '')
      throw new ConfigError(`VMX entry '${p}.fileName' names no host and port: '${fileName}'`);
    const protocol = NETWORK_SCHEMES[(m[1] as string).toLowerCase()];
    if (!protocol) throw new ConfigError(`VMX entry '${p}.fileName' has the unsupported scheme '${m[1]}'`);
    const endPoint = vmxString(conf, `${p}.network.endPoint`);
    const ep = (endPoint ?? 'server').toLowerCase();
    if (ep !== 'server' && ep !== 'client') {
      throw new ConfigError(`expecting VMX entry '${p}.network.endPoint' to be 'server' or 'client' but found '${endPoint}'`);
    }
    return { type: 'tcp', mode: ep === 'server' ? 'bind' : 'connect', host, service: String(Number(m[3])), protocol, port: n };
  }
  throw new ConfigError(`expecting VMX entry '${p}.fileType' to be 'device', 'file', 'pipe' or 'network' but found '${fileType}'`);
}

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseParallel(conf: VmxConfig, ctx: VmxContext, n: number): ChrDef | undefined {
  const p = `parallel${n}`;
  const present = vmxBool(conf, `${p}.present`, false);
  vmxBool(conf, `${p}.startConnected`, true);
  if (!present) return undefined;
  const fileType = vmxString(conf, `${p}.fileType`, true) as string;
  const fileName = vmxString(conf, `${p}.fileName`, true) as string;
  const ft = fileType.toLowerCase();
  if (ft === 'device') return { type: 'dev', path: fileName, port: n };
  if (ft === 'file') return { type: 'file', path: mappedFile(ctx, fileName, `${p}.fileName`), port: n };
  throw new ConfigError(`expecting VMX entry '${p}.fileType' to be 'device' or 'file' but found '${fileType}'`);
}

/** sharedFolder0..N → `<filesystem type='mount'>`. */
export function parseSharedFolders(conf: VmxConfig, def: DomainDef): void {
  // as libvirt: shared folders count only while HGFS is enabled
  if (vmxBool(conf, 'isolation.tools.hgfs.disable', true)) return;
  const max = vmxLong(conf, 'sharedFolder.maxNum', 0);
  // libvirt counts up to maxNum; only the folders that have entries can be present
  const indexes = new Set<number>();
  for (const entry of conf.entries.values()) {
    const m = /^sharedfolder(0|[1-9]\d*)\./i.exec(entry.key);
    if (m && Number(m[1]) < max) indexes.add(Number(m[1]));
  }
  for (const n of [...indexes].sort((a, b) => a - b)) {
    const p = `sharedFolder${n}`;
    if (!vmxBool(conf, `${p}.present`, false)) continue;
    if (!vmxBool(conf, `${p}.enabled`, false)) continue;
    const hostPath = vmxString(conf, `${p}.hostPath`, true) as string;
    const guestName = vmxString(conf, `${p}.guestName`, true) as string;
    const write = vmxBool(conf, `${p}.writeAccess`, false);
    def.filesystems.push({ sourceDir: hostPath, targetDir: guestName, readonly: !write });
  }
}

/** RemoteDisplay.vnc.* → `<graphics type='vnc'>`; svga.* → `<video>`. */
export function parseDisplay(conf: VmxConfig, def: DomainDef): void {
  if (vmxBool(conf, 'RemoteDisplay.vnc.enabled', false)) {
    const port = vmxLong(conf, 'RemoteDisplay.vnc.port', -1);
    if (port < -1 || port > 65535) throw new ConfigError(`VMX entry 'RemoteDisplay.vnc.port' must be a TCP port but found ${port}`);
    const g: DomainDef['graphics'][number] = { type: 'vnc', port, autoport: port < 0 };
    const ip = vmxString(conf, 'RemoteDisplay.vnc.ip');
    if (ip !== undefined) g.listen = ip;
    const keymap = vmxString(conf, 'RemoteDisplay.vnc.keymap');
    if (keymap !== undefined) g.keymap = keymap;
    const pw = vmxString(conf, 'RemoteDisplay.vnc.password');
    if (pw !== undefined) g.passwd = pw;
    def.graphics.push(g);
  }
  // libvirt: bytes → KiB rounded up (in 64-bit then 32-bit C arithmetic), 0 → the default
  // 4096 KiB, else rounded up to a power of two; svga.numDisplays is not read
  const vram = vmxLong(conf, 'svga.vramSize', 0);
  const kib = vram > 0 ? Number(BigInt.asUintN(32, BigInt.asIntN(64, BigInt(vramBytes(conf)) + 1023n) / 1024n)) : 0;
  const video: DomainDef['videos'][number] = { model: 'vmvga', vramKiB: kib === 0 ? 4096 : roundVram(kib), primary: true };
  def.videos.push(video);
}

// The exact value of svga.vramSize (a Number loses digits beyond 2^53).
function vramBytes(conf: VmxConfig): bigint {
  return BigInt((conf.get('svga.vramSize') as string).trim());
}

// A video RAM size in KiB rounded up to a power of two, as libvirt's post-parse does (32-bit).
function roundVram(kib: number): number {
  let p = 1;
  while (p < kib && p < 2 ** 32) p *= 2;
  return p >= 2 ** 32 ? 0 : p;
}

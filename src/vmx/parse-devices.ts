/** VMX network cards, serial and parallel ports, shared folders, VNC and SVGA → domain devices. */
import { ConfigError } from '../errors.js';
import type { ChrDef, DomainDef, InterfaceDef } from '../conf/domain/domain-def.js';
import type { VmxContext } from './context.js';
import type { VmxConfig } from './vmx-text.js';
import { parseMac, parseVmwareUuid, vmxBool, vmxLong, vmxString } from './vmx-values.js';

const NIC_MODELS = new Set(['vlance', 'vmxnet', 'vmxnet3', 'e1000', 'e1000e']);

/** ethernet0..ethernet9 → `<interface>`. */
export function parseEthernets(conf: VmxConfig, def: DomainDef): void {
  for (let n = 0; n < 10; n++) {
    const net = parseEthernet(conf, n);
    if (net) def.interfaces.push(net);
  }
}

function parseEthernet(conf: VmxConfig, n: number): InterfaceDef | undefined {
  const p = `ethernet${n}`;
  if (!vmxBool(conf, `${p}.present`, false)) return undefined;
  const connectionType = vmxString(conf, `${p}.connectionType`);
  const addressType = vmxString(conf, `${p}.addressType`);
  const net: InterfaceDef = { type: 'bridge' };

  const at = addressType?.toLowerCase();
  if (at === undefined || at === 'generated' || at === 'vpx') {
    const g = vmxString(conf, `${p}.generatedAddress`);
    if (g !== undefined) {
      net.mac = macOrThrow(g, `${p}.generatedAddress`);
      net.macType = 'generated';
    }
  } else if (at === 'static') {
    const a = vmxString(conf, `${p}.address`);
    if (a !== undefined) {
      net.mac = macOrThrow(a, `${p}.address`);
      net.macType = 'static';
    }
  } else {
    throw new ConfigError(`expecting VMX entry '${p}.addressType' to be 'generated', 'static' or 'vpx' but found '${addressType}'`);
  }
  if (conf.has(`${p}.checkMACAddress`)) net.macCheck = vmxBool(conf, `${p}.checkMACAddress`, true);

  const virtualDev = vmxString(conf, `${p}.virtualDev`);
  if (virtualDev !== undefined) {
    const dev = virtualDev.toLowerCase();
    if (!NIC_MODELS.has(dev)) {
      throw new ConfigError(`expecting VMX entry '${p}.virtualDev' to be 'vlance', 'vmxnet', 'vmxnet3', 'e1000' or 'e1000e' but found '${virtualDev}'`);
    }
    net.model = dev === 'vmxnet' && vmxLong(conf, `${p}.features`, -1) === 15 ? 'vmxnet2' : dev;
  }

  const switchId = vmxString(conf, `${p}.dvs.switchId`);
  if (switchId !== undefined) {
    net.type = 'vds';
    net.vds = { switchId: parseVmwareUuid(switchId, `${p}.dvs.switchId`) };
    const portId = vmxLong(conf, `${p}.dvs.portId`, undefined);
    if (portId !== undefined) net.vds.portId = portId;
    const pg = vmxString(conf, `${p}.dvs.portgroupId`);
    if (pg !== undefined) net.vds.portgroupId = pg;
    const cid = vmxLong(conf, `${p}.dvs.connectionId`, undefined);
    if (cid !== undefined) net.vds.connectionId = cid;
    return net;
  }

  const ct = connectionType?.toLowerCase();
  const networkName = vmxString(conf, `${p}.networkName`);
  if (ct === undefined || ct === 'bridged') {
    if (networkName === undefined) {
      net.type = 'null';
    } else {
      net.bridge = networkName;
    }
  } else if (ct === 'custom') {
    net.bridge = networkName ?? '';
    net.targetDev = vmxString(conf, `${p}.vnet`, true);
  } else if (ct === 'nat') {
    net.type = 'user';
  } else if (ct === 'hostonly') {
    // A host-only vmnet is a libvirt network of that name on hosted products.
    net.type = 'network';
    net.bridge = networkName ?? 'hostonly';
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
  tcp: 'raw', telnet: 'telnet', telnets: 'telnets', ssl: 'tls', 'tcp+ssl': 'tls', 'telnet+ssl': 'tls', tls: 'tls', 'tcp+tls': 'tls',
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

function requiredFileName(conf: VmxConfig, p: string, fileType: string): string {
  const fileName = vmxString(conf, `${p}.fileName`);
  if (fileName === undefined || fileName === '') {
    throw new ConfigError(`VMX entry '${p}.fileName' is missing but '${p}.fileType' is '${fileType}'`);
  }
  return fileName;
}

function mappedFile(ctx: VmxContext, fileName: string, key: string): string {
  const src = ctx.parseFileName(fileName);
  if (src === undefined) throw new ConfigError(`file '${fileName}' of VMX entry '${key}' does not exist`);
  return src;
}

function parseSerial(conf: VmxConfig, ctx: VmxContext, n: number): ChrDef | undefined {
  const p = `serial${n}`;
  if (!vmxBool(conf, `${p}.present`, false)) return undefined;
  const fileType = vmxString(conf, `${p}.fileType`) ?? 'device';
  const ft = fileType.toLowerCase();
  if (ft === 'device') return { type: 'dev', path: requiredFileName(conf, p, fileType), port: n };
  if (ft === 'file') return { type: 'file', path: mappedFile(ctx, requiredFileName(conf, p, fileType), `${p}.fileName`), port: n };
  // VMware's pipe ends (client/server, app/VM) have no form in domain XML: all become type pipe.
  if (ft === 'pipe') return { type: 'pipe', path: requiredFileName(conf, p, fileType), port: n };
  if (ft === 'network') {
    const uri = requiredFileName(conf, p, fileType);
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]+\]|[^:/?#]*)(?::(\d+))?\/?$/.exec(uri);
    if (!m) throw new ConfigError(`VMX entry '${p}.fileName' must be a URI like 'telnet://host:port' but found '${uri}'`);
    const protocol = NETWORK_SCHEMES[(m[1] as string).toLowerCase()];
    if (!protocol) throw new ConfigError(`VMX entry '${p}.fileName' has the unsupported scheme '${m[1]}'`);
    if (m[3] === undefined || Number(m[3]) > 65535) throw new ConfigError(`VMX entry '${p}.fileName' lacks a port: '${uri}'`);
    const endPoint = (vmxString(conf, `${p}.network.endPoint`) ?? 'server').toLowerCase();
    if (endPoint !== 'server' && endPoint !== 'client') {
      throw new ConfigError(`expecting VMX entry '${p}.network.endPoint' to be 'server' or 'client' but found '${endPoint}'`);
    }
    const host = (m[2] as string).replace(/^\[(.*)\]$/, '$1');
    const chr: ChrDef = { type: 'tcp', mode: endPoint === 'server' ? 'bind' : 'connect', service: m[3], protocol, port: n };
    // 'telnet://:2001' listens on every interface
    if (host !== '') chr.host = host;
    else if (chr.mode === 'connect') throw new ConfigError(`VMX entry '${p}.fileName' names no host to connect to: '${uri}'`);
    return chr;
  }
  throw new ConfigError(`expecting VMX entry '${p}.fileType' to be 'device', 'file', 'pipe' or 'network' but found '${fileType}'`);
}

function parseParallel(conf: VmxConfig, ctx: VmxContext, n: number): ChrDef | undefined {
  const p = `parallel${n}`;
  if (!vmxBool(conf, `${p}.present`, false)) return undefined;
  const fileType = vmxString(conf, `${p}.fileType`) ?? 'device';
  const ft = fileType.toLowerCase();
  if (ft === 'device') return { type: 'dev', path: requiredFileName(conf, p, fileType), port: n };
  if (ft === 'file') return { type: 'file', path: mappedFile(ctx, requiredFileName(conf, p, fileType), `${p}.fileName`), port: n };
  throw new ConfigError(`expecting VMX entry '${p}.fileType' to be 'device' or 'file' but found '${fileType}'`);
}

/** sharedFolder0..N → `<filesystem type='mount'>`. */
export function parseSharedFolders(conf: VmxConfig, def: DomainDef): void {
  const max = vmxLong(conf, 'sharedFolder.maxNum', 0);
  if (max < 0 || max > 64) throw new ConfigError(`VMX entry 'sharedFolder.maxNum' must be between 0 and 64 but found ${max}`);
  for (let n = 0; n < max; n++) {
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

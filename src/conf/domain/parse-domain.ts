/**
 * Parses libvirt domain XML into a DomainDef, with libvirt's defaults and checks: the parts a
 * VMware VM can hold. Every error names the element or attribute at fault.
 */
import { ConfigError } from '../../errors.js';
import { newDomain, VMWARE_NS, type DomainDef } from './domain-def.js';
import { parseDevices } from './parse-domain-devices.js';
import { normalizeUuid, parseCpuset, parseMemoryKiB, parseUInt, UINT_MAX } from '../units.js';
import { child, decodeXmlBytes, parseXml, textContent, type XmlElement } from '../xml/xml-reader.js';

/** Parses domain XML text, or bytes (decoded per their XML declaration, as libvirt does). */
export function parseDomainXml(input: string | Uint8Array): DomainDef {
  const text = typeof input === 'string' ? input : decodeXmlBytes(input, 'domain XML');
  const root = parseXml(text, 'domain XML');
  if (root.local !== 'domain') throw new ConfigError(`expecting root element <domain> but found <${root.name}>`);
  return domainFromElement(root);
}

/**
 * Parses the XML of one device (`<disk>`, `<serial>` …, as attach-device takes it) into an unnamed domain holding
 * it, with the controllers its disks imply; a serial or parallel port without <target port> keeps port -1.
 */
export function parseDeviceXml(input: string | Uint8Array): DomainDef {
  const text = typeof input === 'string' ? input : decodeXmlBytes(input, 'device XML');
  const el = parseXml(text, 'device XML');
  const def = newDomain();
  parseDevices({ name: 'devices', local: 'devices', uri: '', attrs: {}, children: [el], text: '', line: el.line }, def, {
    numberPorts: false,
  });
  return def;
}

/** Builds a DomainDef from a parsed `<domain>` element. */
export function domainFromElement(root: XmlElement): DomainDef {
  const type = root.attrs.type;
  if (type === undefined) throw new ConfigError("missing attribute 'type' of element <domain>");
  const nameEl = child(root, 'name');
  const name = nameEl && textContent(nameEl);
  if (!name) throw new ConfigError('missing element <name> of <domain>');
  const def = newDomain(name);
  def.type = type;
  const uuid = child(root, 'uuid');
  if (uuid) def.uuid = normalizeUuid(textContent(uuid), '<uuid>');
  const genid = child(root, 'genid');
  if (genid && textContent(genid).trim() !== '') def.genid = normalizeUuid(textContent(genid), '<genid>');
  const title = child(root, 'title');
  if (title) def.title = textContent(title);
  const desc = child(root, 'description');
  if (desc) def.description = textContent(desc);

  const mem = child(root, 'memory');
  if (!mem) throw new ConfigError('missing element <memory> of <domain>');
  def.memoryKiB = parseMemoryKiB(textContent(mem), mem.attrs.unit, '<memory>');
  if (def.memoryKiB === 0) throw new ConfigError('element <memory> must be greater than zero');
  const cur = child(root, 'currentMemory');
  if (cur) {
    const kib = parseMemoryKiB(textContent(cur), cur.attrs.unit, '<currentMemory>');
    // libvirt caps currentMemory at memory
    def.currentMemoryKiB = Math.min(kib, def.memoryKiB);
  }
  const memtune = child(root, 'memtune');
  const minG = memtune && child(memtune, 'min_guarantee');
  if (minG) def.minGuaranteeKiB = parseMemoryKiB(textContent(minG), minG.attrs.unit, '<memtune><min_guarantee>');

  parseVcpu(root, def);
  parseOs(root, def);
  checkLifecycle(root);

  const cpu = child(root, 'cpu');
  const topo = cpu && child(cpu, 'topology');
  if (topo) {
    const get = (a: string, d?: number): number => {
      const v = parseUInt(topo.attrs[a], `attribute '${a}' of <cpu><topology>`, UINT_MAX) ?? d;
      if (v === undefined || v <= 0) throw new ConfigError(`attribute '${a}' of <cpu><topology> must be a positive integer`);
      return v;
    };
    def.topology = { sockets: get('sockets'), dies: get('dies', 1), cores: get('cores'), threads: get('threads') };
  }

  const devices = child(root, 'devices');
  if (devices) parseDevices(devices, def);

  for (const c of root.children) {
    if (c.uri === VMWARE_NS && c.local === 'datacenterpath') def.datacenterPath = textContent(c);
  }
  parseVmwareExtras(root, def);
  return def;
}

/** VMX keys: letters, digits and `._:-`, starting with a letter or digit (what the VMX reader takes as a key). */
const VMX_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** The guest OS identifiers vSphere uses (GuestOsDescriptor ids: 'otherGuest64', 'windows9_64Guest'). */
const GUEST_ID = /^[A-Za-z][A-Za-z0-9_]*$/;
/** VMware VMs have PCI bridges 0 to 7. */
export const MAX_PCI_BRIDGES = 8;

// <vmware:guestos>, <vmware:pcibridges>, <vmware:vmx> (docs/devices.md): esxvirt's additions to libvirt's namespace.
function parseVmwareExtras(root: XmlElement, def: DomainDef): void {
  for (const c of root.children) {
    if (c.uri !== VMWARE_NS) continue;
    if (c.local === 'guestos') {
      const id = c.text.trim();
      if (!GUEST_ID.test(id))
        throw new ConfigError(`invalid guest OS identifier '${id}' in <vmware:guestos>: expecting an id such as 'otherGuest64'`);
      def.guestOs = id;
    } else if (c.local === 'pcibridges') {
      const n = parseUInt(c.text.trim(), '<vmware:pcibridges>');
      if (n === undefined || n > MAX_PCI_BRIDGES)
        throw new ConfigError(`<vmware:pcibridges> must be a number from 0 to ${MAX_PCI_BRIDGES} but found '${c.text.trim()}'`);
      def.pciBridges = n;
    } else if (c.local === 'vmx') {
      const entries = (def.vmxEntries ??= []);
      for (const e of c.children) {
        if (e.uri !== VMWARE_NS || e.local !== 'entry')
          throw new ConfigError(`unexpected element <${e.name}> in <vmware:vmx>: expecting <vmware:entry>`);
        const name = e.attrs.name;
        const value = e.attrs.value;
        if (name === undefined || !VMX_KEY.test(name))
          throw new ConfigError(`invalid VMX key '${name ?? ''}' in <vmware:entry name=…>: expecting letters, digits and . _ : -`);
        if (value === undefined) throw new ConfigError(`missing attribute 'value' of <vmware:entry name='${name}'>`);
        if (/[\r\n]/.test(value)) throw new ConfigError(`value of <vmware:entry name='${name}'> spans lines: a VMX value is one line`);
        const dup = entries.find((x) => x.name.toLowerCase() === name.toLowerCase());
        if (dup) throw new ConfigError(`VMX key '${name}' is given twice in <vmware:vmx>`);
        entries.push({ name, value });
      }
    }
  }
}

function parseVcpu(root: XmlElement, def: DomainDef): void {
  const vcpu = child(root, 'vcpu');
  if (vcpu) {
    const n = parseUInt(textContent(vcpu), '<vcpu>', UINT_MAX) as number;
    if (n <= 0) throw new ConfigError('element <vcpu> must be a positive integer');
    // libvirt allocates a structure per vCPU (minutes, or an abort, for 2^31); VMware's maximum is far below this
    if (n > 4096) throw new ConfigError(`element <vcpu> is too large: ${n}`);
    const placement = vcpu.attrs.placement;
    if (placement !== undefined && placement !== 'static' && placement !== 'auto') {
      throw new ConfigError(`invalid value '${placement}' of attribute 'placement' of <vcpu>`);
    }
    def.vcpus = n;
    const current = parseUInt(vcpu.attrs.current, "attribute 'current' of <vcpu>", UINT_MAX);
    if (current !== undefined) {
      if (current === 0 || current > n) throw new ConfigError(`attribute 'current' of <vcpu> must be between 1 and ${n}`);
      def.vcpusCurrent = current;
    }
    if (vcpu.attrs.cpuset !== undefined) def.cpuset = parseCpuset(vcpu.attrs.cpuset, "attribute 'cpuset' of <vcpu>");
  }
  const cputune = child(root, 'cputune');
  const shares = cputune && child(cputune, 'shares');
  if (shares) {
    def.cpuShares = parseUInt(textContent(shares), '<cputune><shares>');
    // libvirt's range for shares (0 means "not set" to its check)
    if (def.cpuShares !== undefined && def.cpuShares !== 0 && (def.cpuShares < 2 || def.cpuShares > 262144)) {
      throw new ConfigError(`value of <cputune><shares> must be in range [2, 262144] but found ${def.cpuShares}`);
    }
  }
}

function parseOs(root: XmlElement, def: DomainDef): void {
  const os = child(root, 'os');
  const type = os && child(os, 'type');
  if (!os || !type) throw new ConfigError('missing element <os><type> of <domain>');
  // exactly: libvirt knows no ' hvm'
  const t = textContent(type);
  if (t !== 'hvm') throw new ConfigError(`element <os><type> must be 'hvm' for VMware but found '${t}'`);
  const arch = type.attrs.arch;
  if (arch !== undefined) {
    if (arch !== 'i686' && arch !== 'x86_64') {
      throw new ConfigError(`expecting attribute 'arch' of <os><type> to be 'i686' or 'x86_64' but found '${arch}'`);
    }
    def.os.arch = arch;
  }
  const fw = os.attrs.firmware;
  if (fw !== undefined) {
    if (fw !== 'efi' && fw !== 'bios')
      throw new ConfigError(`expecting attribute 'firmware' of <os> to be 'efi' or 'bios' but found '${fw}'`);
    def.os.firmware = fw;
  }
  const smbios = child(os, 'smbios');
  if (smbios) {
    const mode = smbios.attrs.mode;
    if (mode !== 'host' && mode !== 'emulate' && mode !== 'sysinfo') {
      throw new ConfigError(`expecting attribute 'mode' of <os><smbios> to be 'host', 'emulate' or 'sysinfo' but found '${mode ?? ''}'`);
    }
    def.os.smbiosMode = mode;
  }
}

const LIFECYCLE: Record<string, readonly string[]> = {
  on_poweroff: ['destroy', 'restart', 'preserve', 'rename-restart'],
  on_reboot: ['destroy', 'restart', 'preserve', 'rename-restart'],
  on_crash: ['destroy', 'restart', 'preserve', 'rename-restart', 'coredump-destroy', 'coredump-restart'],
};
const CLOCK_OFFSETS = ['utc', 'localtime', 'timezone', 'variable', 'absolute'];

// VMware VMs have no such settings, but libvirt refuses unknown values of them all the same (an empty one is absent
// to its XPath reads).
function checkLifecycle(root: XmlElement): void {
  for (const [name, allowed] of Object.entries(LIFECYCLE)) {
    const el = child(root, name);
    const action = el && textContent(el);
    if (action && !allowed.includes(action)) throw new ConfigError(`unknown <${name}> action '${action}'`);
  }
  const offset = child(root, 'clock')?.attrs.offset;
  if (offset && !CLOCK_OFFSETS.includes(offset)) throw new ConfigError(`unknown clock offset '${offset}'`);
}

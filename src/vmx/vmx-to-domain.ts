/**
 * VMX → libvirt domain, with libvirt 9.0's semantics (`virsh domxml-from-native vmware-vmx`).
 * The mapping, entry by entry:
 *   config.version (must be 8), virtualHW.version (>= 4)
 *   displayName → name (percent- and pipe-decoded), annotation → description, uuid.bios → uuid
 *   memsize (MiB, positive multiple of 4; default 32) → memory; sched.mem.max → currentMemory;
 *   sched.mem.minsize → memtune/min_guarantee
 *   numvcpus (positive; default 1) → vcpu; sched.cpu.affinity → vcpu/@cpuset;
 *   sched.cpu.shares (low|normal|high = 500|1000|2000 per vCPU, or a number) → cputune/shares;
 *   cpuid.coresPerSocket → cpu/topology
 *   guestOS (*-64 → x86_64, else i686), firmware → os/@firmware, smbios.reflecthost → os/smbios
 *   disks, controllers, shared folders, NICs, serial/parallel ports, VNC, SVGA: see parse-*.ts
 */
import { ConfigError } from '../errors.js';
import { newDomain, type DomainDef } from '../conf/domain/domain-def.js';
import type { VmxContext } from './context.js';
import { unescapePercent, unescapePipe } from '../escape.js';
import { parseDisks } from './parse-disks.js';
import { parseChrDevices, parseDisplay, parseEthernets, parseSharedFolders } from './parse-devices.js';
import { parseVmx, VmxConfig } from './vmx-text.js';
import { parseVmwareUuid, vmxBool, vmxLong, vmxString } from './vmx-values.js';

/** Converts VMX text (or bytes in the file's `.encoding`) to a domain. */
export function vmxToDomain(input: string | Uint8Array | VmxConfig, ctx: VmxContext): DomainDef {
  const conf = input instanceof VmxConfig ? input : parseVmx(input);
  for (const w of conf.warnings) ctx.warn?.(w);

  const configVersion = vmxLong(conf, 'config.version', undefined);
  if (configVersion === undefined) throw new ConfigError("missing essential VMX entry 'config.version'");
  if (configVersion !== 8) throw new ConfigError(`expecting VMX entry 'config.version' to be 8 but found ${configVersion}`);
  const hw = vmxLong(conf, 'virtualHW.version', undefined);
  if (hw === undefined) throw new ConfigError("missing essential VMX entry 'virtualHW.version'");
  if (hw < 4) throw new ConfigError(`expecting VMX entry 'virtualHW.version' to be 4 or higher but found ${hw}`);

  // displayName is optional (libvirt then writes no <name>); it is percent-, then pipe-decoded
  const def = newDomain();
  const displayName = vmxString(conf, 'displayName');
  if (displayName !== undefined)
    def.name = cString(unescapePipe(unescapePercent(displayName, "VMX entry 'displayName'"), "VMX entry 'displayName'"));

  const uuid = vmxString(conf, 'uuid.bios');
  if (uuid !== undefined) def.uuid = parseVmwareUuid(uuid, 'uuid.bios');
  parseGenid(conf, def);
  const annotation = vmxString(conf, 'annotation');
  if (annotation !== undefined) def.description = cString(unescapePipe(annotation, "VMX entry 'annotation'"));

  parseMemory(conf, def);
  parseCpus(conf, def);

  const guestOS = vmxString(conf, 'guestOS');
  def.os.arch = guestOS !== undefined && /-64$/i.test(guestOS) ? 'x86_64' : 'i686';
  const firmware = vmxString(conf, 'firmware');
  if (firmware !== undefined) {
    const f = firmware.toLowerCase();
    if (f !== 'efi' && f !== 'bios') throw new ConfigError(`expecting VMX entry 'firmware' to be 'efi' or 'bios' but found '${firmware}'`);
    if (f === 'efi') def.os.firmware = 'efi';
  }
  if (vmxBool(conf, 'smbios.reflecthost', false)) def.os.smbiosMode = 'host';

  parseDisplay(conf, def);
  parseDisks(conf, ctx, def);
  parseSharedFolders(conf, def);
  parseEthernets(conf, def);
  parseChrDevices(conf, ctx, def);
  if (ctx.datacenterPath !== undefined) def.datacenterPath = ctx.datacenterPath;
  return def;
}

function parseMemory(conf: VmxConfig, def: DomainDef): void {
  const memsize = vmxLong(conf, 'memsize', 32);
  if (memsize <= 0 || memsize % 4 !== 0) {
    throw new ConfigError(`expecting VMX entry 'memsize' to be a positive multiple of 4 (MiB) but found ${conf.get('memsize')}`);
  }
  def.memoryKiB = memsize * 1024;
  const max = vmxLong(conf, 'sched.mem.max', memsize);
  if (max < -1) throw new ConfigError(`expecting VMX entry 'sched.mem.max' to be a positive integer but found ${max}`);
  // -1 is "unlimited": no balloon limit below memsize
  const cur = max < 0 ? memsize : Math.min(max, memsize);
  if (cur !== memsize) def.currentMemoryKiB = cur * 1024;
  const min = vmxLong(conf, 'sched.mem.minsize', 0);
  if (min < 0) throw new ConfigError(`expecting VMX entry 'sched.mem.minsize' to be a positive integer but found ${min}`);
  if (min > 0) def.minGuaranteeKiB = Math.min(min, memsize) * 1024;
}

function parseCpus(conf: VmxConfig, def: DomainDef): void {
  const numvcpus = vmxLong(conf, 'numvcpus', 1);
  if (numvcpus <= 0) throw new ConfigError(`expecting VMX entry 'numvcpus' to be a positive integer but found ${numvcpus}`);
  if (numvcpus > 4096) throw new ConfigError(`VMX entry 'numvcpus' is too large: ${numvcpus}`);
  def.vcpus = numvcpus;

  const affinity = vmxString(conf, 'sched.cpu.affinity');
  if (affinity !== undefined && affinity.trim().toLowerCase() !== 'all') {
    const parts = affinity.split(',').map((s) => s.trim());
    const cpus: number[] = [];
    for (const s of parts) {
      if (!/^\d{1,4}$/.test(s) || Number(s) >= 4096) {
        throw new ConfigError(
          `expecting VMX entry 'sched.cpu.affinity' to be a comma-separated list of CPU numbers but found '${affinity}'`,
        );
      }
      cpus.push(Number(s));
    }
    if (cpus.length < numvcpus) {
      throw new ConfigError(
        `expecting VMX entry 'sched.cpu.affinity' to list at least as many CPUs as 'numvcpus' (${numvcpus}) but found ${cpus.length}`,
      );
    }
    def.cpuset = cpus;
  }

  const shares = vmxString(conf, 'sched.cpu.shares');
  if (shares !== undefined) {
    const s = shares.toLowerCase();
    if (s === 'low') def.cpuShares = numvcpus * 500;
    else if (s === 'normal') def.cpuShares = numvcpus * 1000;
    else if (s === 'high') def.cpuShares = numvcpus * 2000;
    else {
      // libvirt reads an unsigned 64-bit number (strtoull: a '-' wraps around); esxvirt takes up to 2^53
      const m = /^[ \t\n\v\f\r]*\+?(\d+)$/.exec(shares);
      if (!m)
        throw new ConfigError(`expecting VMX entry 'sched.cpu.shares' to be a number or 'low', 'normal' or 'high' but found '${shares}'`);
      const n = Number(m[1]);
      if (!Number.isSafeInteger(n)) throw new ConfigError(`VMX entry 'sched.cpu.shares' is too large: '${shares}'`);
      def.cpuShares = n;
    }
  }

  // libvirt: a topology only for more than one core per socket; sockets rounded down
  const cores = vmxLong(conf, 'cpuid.coresPerSocket', 0);
  if (cores > numvcpus) throw new ConfigError(`VMX entry 'cpuid.coresPerSocket' (${cores}) is larger than 'numvcpus' (${numvcpus})`);
  if (cores > 1) def.topology = { sockets: Math.floor(numvcpus / cores), dies: 1, cores, threads: 1 };
}

// vm.genid and vm.genidX are the two halves of the generation ID as signed 64-bit decimals.
function parseGenid(conf: VmxConfig, def: DomainDef): void {
  const hi = vmxString(conf, 'vm.genid');
  const lo = vmxString(conf, 'vm.genidX');
  if (hi === undefined || lo === undefined) return;
  const half = (v: string, key: string): string => {
    if (!/^-?\d{1,20}$/.test(v.trim())) throw new ConfigError(`VMX entry '${key}' must be an integer but found '${v}'`);
    const n = BigInt(v.trim());
    if (n < -(1n << 63n) || n >= 1n << 64n) throw new ConfigError(`VMX entry '${key}' is out of range: '${v}'`);
    return BigInt.asUintN(64, n).toString(16).padStart(16, '0');
  };
  const h = half(hi, 'vm.genid') + half(lo, 'vm.genidX');
  def.genid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// A decoded |00 or %00 ends the value, as the C string it is in libvirt.
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

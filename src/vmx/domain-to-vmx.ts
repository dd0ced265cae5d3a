/**
 * libvirt domain → VMX text, with libvirt 9.0's semantics and line order
 * (`virsh domxml-to-native vmware-vmx`). See vmx-to-domain.ts for the entry mapping.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, UnsupportedError } from '../errors.js';
import type { DomainDef } from '../conf/domain/domain-def.js';
import { formatCpuset } from '../conf/domain/format-domain.js';
import type { VmxContext } from './context.js';
import { escapePercent, escapeVmxPipe } from '../escape.js';
import { formatDisks } from './format-disks.js';
import { formatChrDevices, formatEthernets, formatGraphics, formatSharedFolders, formatVideo } from './format-devices.js';
import { vmxGuestOsOf } from './guest-os.js';
import { formatVmx } from './vmx-text.js';
import { formatVmwareUuid } from './vmx-values.js';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Options of the VMX writer. */
export interface VmxWriteOptions {
  /** virtualHW.version to write (4 = ESX 3.x; 7 = ESX 4.x; ...). */
  virtualHwVersion: number;
}

/** Ordered VMX lines under construction. */
export type VmxLines = [string, string][];

/** Converts a domain to VMX text (UTF-8, `.encoding = "UTF-8"` first). */
export function domainToVmx(def: DomainDef, ctx: VmxContext, opts: VmxWriteOptions): string {
  return formatVmx(domainToVmxLines(def, ctx, opts));
}

/** Converts a domain to ordered VMX entries. */
export function domainToVmxLines(def: DomainDef, ctx: VmxContext, opts: VmxWriteOptions): VmxLines {
  if (def.type !== 'vmware') throw new ConfigError(`expecting domain type 'vmware' but found '${def.type}'`);
  const hw = opts.virtualHwVersion;
  const out: VmxLines = [];
  const add = (k: string, v: string | number): void => void out.push([k, String(v)]);

  add('.encoding', 'UTF-8');
  add('config.version', '8');
  add('virtualHW.version', hw);
  add('guestOS', def.guestOs !== undefined ? vmxGuestOsOf(def.guestOs) : def.os.arch === 'x86_64' ? 'other-64' : 'other');
  if (def.os.smbiosMode !== undefined) {
    if (def.os.smbiosMode !== 'host') throw new UnsupportedError(`unsupported SMBIOS mode '${def.os.smbiosMode}': only 'host'`);
    add('smbios.reflecthost', 'true');
  }
  // libvirt takes the all-zero UUID for "none yet": VMware then makes one when it registers the VM
  if (def.uuid === ZERO_UUID) add('uuid.action', 'create');
  else add('uuid.bios', formatVmwareUuid(def.uuid ?? randomUUID()));
  // libvirt percent-escapes the name (as the vSphere API does), then pipe-escapes it and the annotation
  if (def.name !== undefined) add('displayName', escapeVmxPipe(escapePercent(def.name)));
  if (def.description !== undefined && def.description !== '') add('annotation', escapeVmxPipe(def.description));

  formatMemory(def, add);
  formatCpus(def, add);
  formatGraphics(def, add);
  const scsi = formatDisks(def, ctx, add);
  formatSharedFolders(def, add);
  formatEthernets(def, add, hw);
  formatVideo(def, add);
  formatChrDevices(def, ctx, add);
  if (def.os.firmware === 'efi') add('firmware', 'efi');
  // As libvirt 9.0 writes them: from hardware version 7 on, the PCIe root ports that VMware's own VMs carry (with a
  // SCSI controller only) and the VMCI device; <vmware:pcibridges> replaces the root ports.
  if (def.pciBridges !== undefined) {
    for (const [k, v] of pciBridgeEntries(def.pciBridges)) add(k, v);
  } else if (hw >= 7 && scsi) {
    add('pciBridge0.present', 'true');
    for (let i = 4; i <= 7; i++) {
      add(`pciBridge${i}.present`, 'true');
      add(`pciBridge${i}.virtualDev`, 'pcieRootPort');
      add(`pciBridge${i}.functions`, '8');
    }
  }
  if (hw >= 7) add('vmci0.present', 'true');
  addVmxEntries(def, out);
  return out;
}

/**
 * The VMX entries of `count` PCI bridges, IDs 0 to count-1 (OpenNebula's PCIBRIDGE): bridge 0 is a PCI bridge, IDs 4
 * and up are PCIe root ports with 8 functions, as VMware's own VMs have them.
 */
export function pciBridgeEntries(count: number): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    out.push([`pciBridge${i}.present`, 'true']);
    if (i >= 4) out.push([`pciBridge${i}.virtualDev`, 'pcieRootPort'], [`pciBridge${i}.functions`, '8']);
  }
  return out;
}

/** `<vmware:vmx>` entries: one the converter wrote already gets the given value in place, others go last. */
function addVmxEntries(def: DomainDef, out: VmxLines): void {
  for (const e of def.vmxEntries ?? []) {
    const key = e.name.toLowerCase();
    const at = out.findIndex(([k]) => k.toLowerCase() === key);
    // VMware reads '|' as the start of an escape in every value: a literal one is written |7c
    const value = escapeVmxPipe(e.value);
    if (at >= 0) out[at] = [out[at]?.[0] ?? e.name, value];
    else out.push([e.name, value]);
  }
}

function formatMemory(def: DomainDef, add: (k: string, v: string | number) => void): void {
  // VMware wants memsize in MiB as a multiple of 4: round the KiB value up to 4096 KiB.
  const maxKiB = Math.ceil(def.memoryKiB / 4096) * 4096;
  add('memsize', maxKiB / 1024);
  // the balloon target defaults to the memory size, as libvirt's parser sets it
  const cur = def.currentMemoryKiB ?? def.memoryKiB;
  if (cur < maxKiB) add('sched.mem.max', Math.ceil(cur / 1024));
  if (def.minGuaranteeKiB) add('sched.mem.minsize', Math.ceil(def.minGuaranteeKiB / 1024));
}

function formatCpus(def: DomainDef, add: (k: string, v: string | number) => void): void {
  if (def.vcpusCurrent !== undefined && def.vcpusCurrent !== def.vcpus) {
    throw new UnsupportedError("attribute 'current' of <vcpu> is not supported: VMware VMs have one vCPU count");
  }
  add('numvcpus', def.vcpus);
  if (def.topology) {
    const t = def.topology;
    if (t.dies !== 1) throw new UnsupportedError('only 1 die per socket is supported in <cpu><topology>');
    if (t.threads !== 1) throw new UnsupportedError('only 1 thread per core is supported in <cpu><topology>');
    if (t.sockets * t.cores !== def.vcpus) {
      throw new ConfigError(`<cpu><topology> sockets*cores*threads (${t.sockets * t.cores}) must equal <vcpu> (${def.vcpus})`);
    }
    add('cpuid.coresPerSocket', t.cores);
  }
  if (def.cpuset && def.cpuset.length > 0) {
    if (def.cpuset.length < def.vcpus) {
      throw new ConfigError(`attribute 'cpuset' of <vcpu> ('${formatCpuset(def.cpuset)}') must list at least ${def.vcpus} CPU(s)`);
    }
    add('sched.cpu.affinity', def.cpuset.join(','));
  }
  if (def.cpuShares !== undefined) {
    const s = def.cpuShares;
    const v = s === def.vcpus * 500 ? 'low' : s === def.vcpus * 1000 ? 'normal' : s === def.vcpus * 2000 ? 'high' : String(s);
    add('sched.cpu.shares', v);
  }
}

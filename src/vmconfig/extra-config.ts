/**
 * libvirt's vmware namespace on a connected VM: `<vmware:vmx>` entries and `<vmware:pcibridges>` become
 * VirtualMachineConfigSpec.extraConfig (the VM's VMX entries through the API). vSphere keeps an extraConfig key until
 * it is set to an empty value, so an entry dropped from the domain is sent with '' and removed; keys compare
 * case-insensitively, as VMX keys do. PCI bridges 0 to n-1 get `pciBridgeN.present = TRUE` (IDs 4 and up as PCIe
 * root ports with 8 functions, as in the VMX writer); a bridge the VM has beyond n is set to FALSE.
 */
import type { DomainDef } from '../conf/domain/domain-def.js';
import type { OptionValue } from '../vim25/generated/types.js';
import { pciBridgeEntries } from '../vmx/domain-to-vmx.js';

/** VMware VMs have PCI bridges 0 to 7. */
const BRIDGE_IDS = 8;

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** The extraConfig entries a new VM gets for the domain's vmware namespace data. */
export function extraConfigOf(def: DomainDef): OptionValue[] {
  const out: OptionValue[] = [];
  if (def.pciBridges !== undefined)
    for (const [key, value] of pciBridgeEntries(def.pciBridges))
      out.push({ _type: 'OptionValue', key, value: value === 'true' ? 'TRUE' : value });
  for (const e of def.vmxEntries ?? []) {
    const at = out.findIndex((o) => o.key.toLowerCase() === e.name.toLowerCase());
    if (at >= 0) out.splice(at, 1);
    out.push({ _type: 'OptionValue', key: e.name, value: e.value });
  }
  return out;
}

/** The extraConfig changes that turn the VM (domain `cur`, extraConfig `current`) into `next`. */
export function extraConfigDiff(cur: DomainDef, next: DomainDef, current: readonly OptionValue[] = []): OptionValue[] {
  const have = new Map<string, string>();
  for (const o of current) have.set(o.key.toLowerCase(), text(o.value));
  const wanted = new Map<string, OptionValue>();
  for (const o of extraConfigOf(next)) wanted.set(o.key.toLowerCase(), o);
  if (next.pciBridges !== undefined) {
    for (let i = next.pciBridges; i < BRIDGE_IDS; i++) {
      const key = `pciBridge${i}.present`;
      if (have.get(key.toLowerCase())?.toLowerCase() === 'true')
        wanted.set(key.toLowerCase(), { _type: 'OptionValue', key, value: 'FALSE' });
    }
  }
  const out: OptionValue[] = [];
  for (const [k, o] of wanted) if (have.get(k) !== text(o.value)) out.push(o);
  // an entry the domain had and no longer has is removed (an empty value), if the VM has it
  for (const e of cur.vmxEntries ?? []) {
    const k = e.name.toLowerCase();
    if (!wanted.has(k) && (have.size === 0 || have.has(k))) out.push({ _type: 'OptionValue', key: e.name, value: '' });
  }
  return out;
}

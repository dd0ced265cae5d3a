/**
 * libvirt's vmware namespace on a connected VM: `<vmware:vmx>` entries and `<vmware:pcibridges>` become
 * VirtualMachineConfigSpec.extraConfig (the VM's VMX entries through the API). vSphere keeps an extraConfig key until
 * it is set to an empty value, so an entry dropped from the domain is sent with '' and removed; keys compare
 * case-insensitively, as VMX keys do. PCI bridges 0 to n-1 get `pciBridgeN.present = TRUE` (IDs 4 and up as PCIe
 * root ports with 8 functions, as in the VMX writer); a bridge the VM has beyond n is set to FALSE. `<graphics
 * type='vnc'>` becomes the RemoteDisplay.vnc.* entries the VMX writer writes (ESX's VNC server); a display removed
 * sets RemoteDisplay.vnc.enabled to FALSE.
 */
import type { DomainDef, GraphicsDef } from '../conf/domain/domain-def.js';
import type { OptionValue } from '../vim25/generated/types.js';
import { pciBridgeEntries } from '../vmx/domain-to-vmx.js';
import { formatGraphics } from '../vmx/format-devices.js';

/** VMware VMs have PCI bridges 0 to 7. */
const BRIDGE_IDS = 8;

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** The RemoteDisplay.vnc.* entries of the domain's first display (VMware's VNC server takes the first). */
function graphicsEntries(def: DomainDef): OptionValue[] {
  const out = new Map<string, OptionValue>();
  formatGraphics(def, (key, v) => {
    const value = v === 'true' ? 'TRUE' : String(v);
    if (!out.has(key.toLowerCase())) out.set(key.toLowerCase(), { _type: 'OptionValue', key, value });
  });
  return [...out.values()];
}

/** The extraConfig entries a new VM gets for the domain's VNC display and vmware namespace data. */
export function extraConfigOf(def: DomainDef, opts: { graphics?: boolean } = {}): OptionValue[] {
  const out: OptionValue[] = opts.graphics === false ? [] : graphicsEntries(def);
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
  // the display's entries only when it changed: one shown from the VMX may be missing from extraConfig
  const graphics = JSON.stringify(cur.graphics) !== JSON.stringify(next.graphics);
  const wanted = new Map<string, OptionValue>();
  for (const o of extraConfigOf(next, { graphics })) wanted.set(o.key.toLowerCase(), o);
  if (graphics) {
    for (const o of graphicsEntries(cur)) {
      const k = o.key.toLowerCase();
      if (wanted.has(k)) continue;
      wanted.set(k, { _type: 'OptionValue', key: o.key, value: k === 'remotedisplay.vnc.enabled' ? 'FALSE' : '' });
    }
  }
  if (next.pciBridges !== undefined) {
    for (let i = next.pciBridges; i < BRIDGE_IDS; i++) {
      const key = `pciBridge${i}.present`;
      if (have.get(key.toLowerCase())?.toLowerCase() === 'true')
        wanted.set(key.toLowerCase(), { _type: 'OptionValue', key, value: 'FALSE' });
    }
  }
  const out: OptionValue[] = [];
  for (const [k, o] of wanted) if (have.get(k) !== text(o.value) && !(o.value === '' && !have.has(k) && have.size > 0)) out.push(o);
  // an entry the domain had and no longer has is removed (an empty value), if the VM has it
  for (const e of cur.vmxEntries ?? []) {
    const k = e.name.toLowerCase();
    if (!wanted.has(k) && (have.size === 0 || have.has(k))) out.push({ _type: 'OptionValue', key: e.name, value: '' });
  }
  return out;
}

/** The value of extraConfig entry `key` (keys compare case-insensitively). */
export function extraConfigValue(list: readonly OptionValue[] | undefined, key: string): string | undefined {
  // the last one: vcsim 0.24.2 appends a key set again instead of replacing it
  const v = list?.findLast((o) => o.key.toLowerCase() === key.toLowerCase())?.value;
  return v === undefined || v === null ? undefined : String(v);
}

/** The `<graphics type='vnc'>` the RemoteDisplay.vnc.* entries describe (undefined when VNC is not enabled). */
export function vncOfExtraConfig(list: readonly OptionValue[] | undefined): GraphicsDef | undefined {
  if (extraConfigValue(list, 'RemoteDisplay.vnc.enabled')?.toLowerCase() !== 'true') return undefined;
  // as the VMX reader reads it: a TCP port, else none (autoport)
  const raw = extraConfigValue(list, 'RemoteDisplay.vnc.port');
  const port = raw !== undefined && /^\d{1,5}$/.test(raw.trim()) && Number(raw) <= 65535 ? Number(raw) : -1;
  const g: GraphicsDef = { type: 'vnc', port, autoport: port < 0 };
  const ip = extraConfigValue(list, 'RemoteDisplay.vnc.ip');
  if (ip) g.listen = ip;
  const keymap = extraConfigValue(list, 'RemoteDisplay.vnc.keymap');
  if (keymap) g.keymap = keymap;
  const pw = extraConfigValue(list, 'RemoteDisplay.vnc.password');
  if (pw) g.passwd = pw;
  return g;
}

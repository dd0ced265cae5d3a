/**
 * virsh edit for ESX: the domain XML (as dumpxml shows it) is edited, checked, and the difference applied as ONE
 * ReconfigVM_Task, settings and device changes together (vmconfig's editVmSpec), so that a refused change leaves
 * the VM as it was. Libvirt's ESX driver refuses to define an existing domain; esxvirt edits it in place through the
 * API. `<vmware:guestos>` is checked against the host's guest list first; `<vmware:vmx>` entries and
 * `<vmware:pcibridges>` go into extraConfig.
 */
import type { DomainDef } from '../../conf/domain/domain-def.js';
import { formatDomain } from '../../conf/domain/format-domain.js';
import { parseDomainXml } from '../../conf/domain/parse-domain.js';
import type { VirtualMachineConfigSpec } from '../../vim25/index.js';
import { editVmSpec, isEmptySpec } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { deviceContext } from './device-context.js';
import { checkGuestId } from './guest-os.js';
import { applyConfigSpec } from './reconfigure.js';
import type { DomainRef } from './ref.js';
import { rereadVmConfig, type VmConfig } from './vm-config.js';
import { readDomainXml } from './xml.js';

/** An edit in progress: the XML shown and the VM as it was read (its changeVersion guards the change). */
export interface EditSession {
  dom: DomainRef;
  xml: string;
  def: DomainDef;
  cfg: VmConfig;
}

/** What an edit did. */
export interface EditResult {
  dom: DomainRef;
  changed: boolean;
  /** The ReconfigVM_Task spec sent (empty when unchanged). */
  spec: VirtualMachineConfigSpec;
}

/** Reads the domain XML to edit and the VM's configuration. */
export async function beginEdit(conn: Connection, domain: string, opts: { warn?(m: string): void } = {}): Promise<EditSession> {
  const read = await readDomainXml(conn, domain, opts.warn ? { warn: opts.warn } : {});
  const cfg = await rereadVmConfig(conn, read.dom);
  return { dom: read.dom, xml: formatDomain(read.def), def: read.def, cfg };
}

/**
 * Applies the edited XML: parsed (a bad document throws before anything changes), compared with what was shown
 * (nothing to do when equal), then the difference sent as one reconfiguration.
 */
export async function finishEdit(
  conn: Connection,
  session: EditSession,
  edited: string,
  opts: { warn?(m: string): void } = {},
): Promise<EditResult> {
  const next = parseDomainXml(edited);
  const unchanged: EditResult = { dom: session.dom, changed: false, spec: { _type: 'VirtualMachineConfigSpec' } };
  if (formatDomain(next) === session.xml) return unchanged;
  const cfg = session.cfg;
  if (next.guestOs !== undefined && next.guestOs !== cfg.view.guestId) await checkGuestId(conn, next.guestOs, opts.warn);
  const ctx = await deviceContext(conn, {
    ...(cfg.host !== undefined ? { host: cfg.host } : {}),
    ...(cfg.view.guestId !== undefined ? { guestId: cfg.view.guestId } : {}),
    networks: next.interfaces.length > 0,
    ...(opts.warn ? { warn: opts.warn } : {}),
  });
  const spec = editVmSpec(session.def, next, cfg.view.hardware?.device ?? [], ctx, {
    ...(cfg.view.guestId !== undefined ? { currentGuestId: cfg.view.guestId } : {}),
    currentExtraConfig: cfg.view.extraConfig ?? [],
  });
  if (isEmptySpec(spec)) return unchanged;
  await applyConfigSpec(conn, cfg, spec, { what: 'apply the edited XML' });
  return { dom: session.dom, changed: true, spec };
}

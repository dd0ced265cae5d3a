/**
 * Domains as libvirt sees VMware VMs: name (the vSphere name with %XX decoded, libvirt's src/esx/README), UUID
 * (the BIOS UUID, config.uuid), id (the number in the VM's managed object id while it runs,
 * else -1) and state; lookups by name, UUID or id like virsh's.
 */
import { NotFoundError } from '../../errors.js';
import { domainNameOf, vsphereNameOf } from '../../escape.js';
import { normalizeUuid } from '../../conf/units.js';
import {
  prop,
  retrieveOne,
  vmIdOf,
  VirtualMachineProps,
  type AnyPropPath,
  type MoRef,
  type ObjectContent,
  type ObjectRecord,
  type VirtualMachinePowerState,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';

/** libvirt's domain states, as virsh prints them. */
export type DomainState = 'running' | 'paused' | 'shut off' | 'no state';

/** Identity and state of one domain. */
export interface DomainRef {
  ref: MoRef<'VirtualMachine'>;
  name: string;
  uuid: string;
  /** -1 when not running, as libvirt. */
  id: number;
  state: DomainState;
}

/** Properties every domain listing reads. */
export const DOMAIN_REF_PATHS = [
  VirtualMachineProps.name,
  VirtualMachineProps.uuid,
  VirtualMachineProps.powerState,
  VirtualMachineProps.template,
] as const;

/** Maps runtime.powerState as libvirt's ESX driver does. */
export function stateOf(powerState: string | undefined): DomainState {
  switch (powerState) {
    case 'poweredOn':
      return 'running';
    case 'suspended':
      return 'paused';
    case 'poweredOff':
      return 'shut off';
    default:
      return 'no state';
  }
}

/** Builds a DomainRef from a record holding DOMAIN_REF_PATHS. */
export function domainRefOf(rec: ObjectRecord): DomainRef {
  return makeDomainRef(
    rec.ref as MoRef<'VirtualMachine'>,
    prop(rec, VirtualMachineProps.name),
    prop(rec, VirtualMachineProps.powerState),
    domainUuidOf(prop(rec, VirtualMachineProps.uuid)),
  );
}

/** Builds a DomainRef straight from a property collector result (no record in between), as listings stream them. */
export function domainRefOfContent(oc: ObjectContent, withUuid = true): DomainRef {
  let name: string | undefined;
  let powerState: VirtualMachinePowerState | undefined;
  let uuid: string | undefined;
  for (const p of oc.propSet ?? []) {
    if (p.name === VirtualMachineProps.name) name = p.val as string;
    else if (p.name === VirtualMachineProps.powerState) powerState = p.val as VirtualMachinePowerState;
    else if (p.name === VirtualMachineProps.uuid) uuid = p.val as string;
  }
  return makeDomainRef(oc.obj as MoRef<'VirtualMachine'>, name, powerState, withUuid ? domainUuidOf(uuid) : '');
}

function makeDomainRef(
  ref: MoRef<'VirtualMachine'>,
  vsphereName: string | undefined,
  powerState: string | undefined,
  uuid: string,
): DomainRef {
  const state = stateOf(powerState);
  const raw = vsphereName ?? ref.value;
  return {
    ref,
    name: raw.includes('%') ? domainNameOf(raw) : raw,
    uuid,
    id: state === 'running' || state === 'paused' ? (vmIdOf(ref) ?? -1) : -1,
    state,
  };
}

/** config.uuid as libvirt prints it; the null UUID for a VM without a valid one (rare, hand-made VMX). */
function domainUuidOf(rawUuid: string | undefined): string {
  try {
    // Joined into one flat string: normalizeUuid's template literal is a tree of concatenations over slices
    // (~350 bytes a UUID instead of ~60), which a listing of 10,000 VMs would keep.
    if (rawUuid) return normalizeUuid(rawUuid).split('-').join('-');
  } catch {
    // keeps the null UUID
  }
  return '00000000-0000-0000-0000-000000000000';
}

/**
 * Every domain on the connection's host (one container view: a constant number of calls).
 * `uuid: false` leaves the UUID out of the request (and the DomainRef's uuid empty): listing
 * names and states of 1,000 VMs then moves half the bytes.
 */
export async function listDomainRefs(
  conn: Connection,
  extraPaths: readonly AnyPropPath[] = [],
  opts: { uuid?: boolean } = {},
): Promise<{ dom: DomainRef; rec: ObjectRecord }[]> {
  const scope = conn.isVCenter ? { container: conn.host.hostSystem } : {};
  const base =
    opts.uuid === false
      ? [VirtualMachineProps.name, VirtualMachineProps.powerState]
      : [VirtualMachineProps.name, VirtualMachineProps.uuid, VirtualMachineProps.powerState];
  const recs = await conn.client.inventory.listVms([...base, ...extraPaths], scope);
  return recs.map((rec) => {
    const dom = domainRefOf(rec);
    if (opts.uuid === false) dom.uuid = '';
    return { dom, rec };
  });
}

const UUID_RE = /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/;

/**
 * Looks a domain up the way virsh does: a number is tried as id, a UUID as UUID, then the name.
 * Throws NotFoundError "Domain not found: no domain with name 'x'".
 */
export async function lookupDomain(
  conn: Connection,
  text: string,
  extraPaths: readonly AnyPropPath[] = [],
): Promise<{ dom: DomainRef; rec: ObjectRecord }> {
  const inv = conn.client.inventory;
  let ref: MoRef<'VirtualMachine'> | undefined;
  if (/^\d{1,9}$/.test(text)) ref = await inv.findVmById(Number(text));
  if (!ref && UUID_RE.test(text)) ref = await inv.findVmByUuid(normalizeUuid(text), { datacenter: conn.host.datacenter.ref });
  if (!ref) {
    const scope = conn.isVCenter ? { container: conn.host.hostSystem } : {};
    ref = await inv.findVmByName(vsphereNameOf(text), scope);
  }
  if (!ref) {
    const kind = /^\d+$/.test(text) ? 'id or name' : UUID_RE.test(text) ? 'uuid or name' : 'name';
    throw new NotFoundError(`Domain not found: no domain with matching ${kind} '${text}'`);
  }
  const rec = await retrieveOne(conn.client, ref, [...DOMAIN_REF_PATHS, ...extraPaths]);
  return { dom: domainRefOf(rec), rec };
}

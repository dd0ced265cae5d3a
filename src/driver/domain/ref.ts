/**
 * Domains as libvirt sees VMware VMs: name (the vSphere name with %XX decoded, libvirt's src/esx/README), UUID
 * (the BIOS UUID, config.uuid), id (the number in the VM's managed object id while it runs,
 * else -1) and state; lookups by name, UUID or id like virsh's.
 */
import { NotFoundError } from '../../errors.js';
import { domainNameOf, vsphereNameOf } from '../../escape.js';
import { normalizeUuid } from '../../conf/units.js';
import { prop, retrieveOne, vmIdOf, VirtualMachineProps, type AnyPropPath, type MoRef, type ObjectRecord } from '../../vim25/index.js';
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
  const state = stateOf(prop(rec, VirtualMachineProps.powerState));
  const rawUuid = prop(rec, VirtualMachineProps.uuid);
  let uuid = '00000000-0000-0000-0000-000000000000';
  try {
    if (rawUuid) uuid = normalizeUuid(rawUuid);
  } catch {
    // a VM without a valid BIOS UUID (rare, hand-made VMX) keeps the null UUID
  }
  return {
    ref: rec.ref as MoRef<'VirtualMachine'>,
    name: domainNameOf(prop(rec, VirtualMachineProps.name) ?? rec.ref.value),
    uuid,
    id: state === 'running' || state === 'paused' ? (vmIdOf(rec.ref) ?? -1) : -1,
    state,
  };
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

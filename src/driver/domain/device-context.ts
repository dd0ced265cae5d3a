/**
 * The connected VmConfigContext of a device change: the networks of the VM's host, standard and distributed (a
 * bridge name must name one),
 * the guest's recommended SCSI controller and NIC (the guest OS descriptor of QueryConfigOptionEx), the SCSI model
 * of disks attached with a controller to be added ('auto': ddb.adapterType of the .vmdk, as the VMX converter
 * detects it), and the disks to create. Everything is gathered before the (synchronous, pure) plan runs.
 */
import type { DiskDef, ScsiModel } from '../../conf/domain/domain-def.js';
import {
  DistributedVirtualPortgroupProps,
  DistributedVirtualSwitchProps,
  HostSystemProps,
  ManagedEntityProps,
  prop,
  retrieveMany,
  retrieveOne,
  type MoRef,
} from '../../vim25/index.js';
import { descriptorOfVmdkHead, scsiModelOfDescriptor } from '../../vmdk/index.js';
import type { NetworkInfo, NewDiskOptions, VmConfigContext } from '../../vmconfig/index.js';
import type { Connection } from '../connect/connection.js';
import { guestDescriptor } from './guest-os.js';
import { readDatastoreHead } from './xml.js';

const VMDK_HEAD_BYTES = 64 * 1024;

// GuestOsDescriptor names wire types; the domain names models.
const SCSI_MODELS: Record<string, ScsiModel> = {
  VirtualLsiLogicController: 'lsilogic',
  VirtualLsiLogicSASController: 'lsisas1068',
  ParaVirtualSCSIController: 'vmpvscsi',
  VirtualBusLogicController: 'buslogic',
};
const NIC_MODELS: Record<string, string> = {
  VirtualE1000: 'e1000',
  VirtualE1000e: 'e1000e',
  VirtualVmxnet3: 'vmxnet3',
  VirtualVmxnet2: 'vmxnet2',
  VirtualVmxnet: 'vmxnet',
  VirtualPCNet32: 'vlance',
};

/**
 * The networks a VM on `host` can join, for bridge names: its standard port groups and (vCenter) the distributed
 * port groups it is connected to, uplink port groups left out. Two calls, two more with distributed port groups.
 */
export async function hostNetworks(conn: Connection, host: MoRef<'HostSystem'>): Promise<NetworkInfo[]> {
  const refs = prop(await retrieveOne(conn.client, host, [HostSystemProps.network]), HostSystemProps.network) ?? [];
  const recs = await retrieveMany(
    conn.client,
    refs.filter((r) => r.type === 'Network' || r.type === 'DistributedVirtualPortgroup'),
    [ManagedEntityProps.name],
  );
  const out: NetworkInfo[] = [];
  const portgroups = recs.filter((r) => r.ref.type === 'DistributedVirtualPortgroup');
  for (const r of recs)
    if (r.ref.type === 'Network') out.push({ kind: 'standard', name: prop(r, ManagedEntityProps.name) ?? r.ref.value, ref: r.ref });
  if (portgroups.length === 0) return out;
  const configs = await retrieveMany(
    conn.client,
    portgroups.map((r) => r.ref),
    [DistributedVirtualPortgroupProps.config],
  );
  const switches = new Map<string, MoRef<'DistributedVirtualSwitch'>>();
  for (const c of configs) {
    const sw = prop(c, DistributedVirtualPortgroupProps.config)?.distributedVirtualSwitch;
    if (sw !== undefined) switches.set(sw.value, sw);
  }
  const sws = await retrieveMany(
    conn.client,
    [...switches.values()],
    [DistributedVirtualSwitchProps.uuid, DistributedVirtualSwitchProps.uplinkPortgroup],
  );
  const uuids = new Map(sws.map((r) => [r.ref.value, prop(r, DistributedVirtualSwitchProps.uuid)]));
  const uplinks = new Set(sws.flatMap((r) => prop(r, DistributedVirtualSwitchProps.uplinkPortgroup) ?? []).map((u) => u.value));
  for (const c of configs) {
    const config = prop(c, DistributedVirtualPortgroupProps.config);
    const switchUuid = config?.distributedVirtualSwitch && uuids.get(config.distributedVirtualSwitch.value);
    if (config === undefined || switchUuid === undefined || config.uplink === true || uplinks.has(c.ref.value)) continue;
    const name = prop(portgroups.find((r) => r.ref.value === c.ref.value) ?? c, ManagedEntityProps.name) ?? config.name;
    out.push({ kind: 'distributed', name, ref: c.ref as MoRef<'DistributedVirtualPortgroup'>, switchUuid, portgroupKey: config.key });
  }
  return out;
}

/** What a device change's context is made of. */
export interface DeviceContextOptions {
  /** The VM's host (runtime.host), else the connection's. */
  host?: MoRef<'HostSystem'>;
  /** The VM's guest OS identifier, for the recommended SCSI controller and NIC. */
  guestId?: string;
  /** Disks whose files are to be created, by source. */
  create?: ReadonlyMap<string, NewDiskOptions>;
  /** Existing disks whose .vmdk descriptor names their SCSI controller model (for a controller the change adds). */
  detect?: readonly DiskDef[];
  /** Needs the host's networks (a NIC is added or changed). */
  networks?: boolean;
  warn?(message: string): void;
}

/** Gathers the context: networks, the guest's recommendations, detected SCSI models. */
export async function deviceContext(conn: Connection, opts: DeviceContextOptions): Promise<VmConfigContext> {
  const ctx: VmConfigContext = {};
  if (opts.warn) ctx.warn = opts.warn;
  if (opts.networks) ctx.networks = await hostNetworks(conn, opts.host ?? conn.host.hostSystem);
  if (opts.guestId !== undefined) {
    const g = await guestDescriptor(conn, opts.guestId).catch(() => undefined);
    const scsiModel = g?.recommendedSCSIController ? SCSI_MODELS[g.recommendedSCSIController] : undefined;
    const nicModel = g?.recommendedEthernetCard ? NIC_MODELS[g.recommendedEthernetCard] : undefined;
    if (scsiModel !== undefined || nicModel !== undefined)
      ctx.recommended = { ...(scsiModel ? { scsiModel } : {}), ...(nicModel ? { nicModel } : {}) };
  }
  const create = opts.create;
  if (create) ctx.newDisk = (disk) => (disk.src !== undefined ? create.get(disk.src) : undefined);
  const models = new Map<string, ScsiModel>();
  for (const d of opts.detect ?? []) {
    if (d.src === undefined || models.has(d.src)) continue;
    try {
      const m = scsiModelOfDescriptor(descriptorOfVmdkHead(await readDatastoreHead(conn, d.src, VMDK_HEAD_BYTES)));
      if (m !== undefined) models.set(d.src, m);
    } catch {
      // not readable (a flat extent, a missing file): the guest's recommendation decides
    }
  }
  ctx.autodetectScsiModel = (disk) => (disk.src !== undefined ? models.get(disk.src) : undefined);
  return ctx;
}

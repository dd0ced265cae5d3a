/**
 * The connected VmConfigContext of a device change: the networks of the VM's host (a bridge name must name one),
 * the guest's recommended SCSI controller and NIC (the guest OS descriptor of QueryConfigOptionEx), the SCSI model
 * of disks attached with a controller to be added ('auto': ddb.adapterType of the .vmdk, as the VMX converter
 * detects it), and the disks to create. Everything is gathered before the (synchronous, pure) plan runs.
 */
import type { DiskDef, ScsiModel } from '../../conf/domain/domain-def.js';
import { HostSystemProps, ManagedEntityProps, prop, retrieveMany, retrieveOne, type MoRef } from '../../vim25/index.js';
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

/** The standard networks of a host (by name), for bridge names. */
export async function hostNetworks(conn: Connection, host: MoRef<'HostSystem'>): Promise<NetworkInfo[]> {
  const refs = prop(await retrieveOne(conn.client, host, [HostSystemProps.network]), HostSystemProps.network) ?? [];
  const recs = await retrieveMany(
    conn.client,
    refs.filter((r) => r.type === 'Network'),
    [ManagedEntityProps.name],
  );
  return recs.map((r) => ({ kind: 'standard', name: prop(r, ManagedEntityProps.name) ?? r.ref.value, ref: r.ref }));
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

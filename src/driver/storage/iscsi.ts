/**
 * iSCSI targets as read-only pools, as libvirt's ESX iSCSI backend shows them: one pool per configured static
 * target of the host's (software) iSCSI adapter, named by the target's IQN, with UUID the MD5 of that name; its
 * volumes are the LUNs behind the target (block volumes named by their device path, keyed by the MD5 of the LUN's
 * UUID). Nothing can be created, deleted or wiped there; pool-refresh rescans the adapter.
 */
import { NotFoundError, UnsupportedError } from '../../errors.js';
import type { PoolDef } from '../../conf/pool/index.js';
import {
  HostSystemProps,
  methods,
  prop,
  retrieveOne,
  type HostInternetScsiHba,
  type HostInternetScsiTargetTransport,
  type HostScsiDisk,
  type HostStorageDeviceInfo,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { md5Uuid } from './names.js';
import type { StoragePool } from './pools.js';

/** A static target of the host's iSCSI adapter. */
export interface IscsiTarget {
  /** The adapter's device name, e.g. vmhba65 (what RescanHba takes). */
  adapter: string;
  iqn: string;
  address: string;
  port: number | undefined;
}

/** A LUN behind an iSCSI target, as a block volume. */
export interface IscsiLun {
  /** The device path, /vmfs/devices/disks/naa.… (the volume's name and path). */
  name: string;
  key: string;
  capacity: number;
  pool: string;
}

async function storageDevice(conn: Connection): Promise<HostStorageDeviceInfo | undefined> {
  const host = (await conn.ready()).hostSystem;
  const rec = await retrieveOne(conn.client, host, [HostSystemProps.storageDevice]);
  return prop(rec, HostSystemProps.storageDevice);
}

function iscsiHba(sd: HostStorageDeviceInfo | undefined): HostInternetScsiHba | undefined {
  // libvirt looks at the first iSCSI adapter only (its FIXME: the software adapter).
  return sd?.hostBusAdapter?.find((a): a is HostInternetScsiHba => a._type === 'HostInternetScsiHba');
}

function targetPool(hba: HostInternetScsiHba, t: { address: string; port?: number; iScsiName: string }): StoragePool {
  const uuid = md5Uuid(t.iScsiName);
  const def: PoolDef = {
    type: 'iscsi',
    name: t.iScsiName,
    uuid,
    capacity: 0,
    allocation: 0,
    available: 0,
    source: { hosts: [t.port === undefined ? { name: t.address } : { name: t.address, port: t.port }], initiatorIqn: t.iScsiName },
    target: { permissions: { mode: 0, owner: 0, group: 0 } },
  };
  return {
    name: t.iScsiName,
    uuid,
    type: 'iscsi',
    state: 'running',
    persistent: true,
    autostart: true,
    capacity: 0,
    allocation: 0,
    available: 0,
    targetPath: undefined,
    iscsi: { adapter: hba.device, iqn: t.iScsiName, address: t.address, port: t.port },
    def,
  };
}

/** The pools of the host's iSCSI adapter; none when it has no adapter (as libvirt: iSCSI may be disabled). */
export async function iscsiPools(conn: Connection): Promise<StoragePool[]> {
  const hba = iscsiHba(await storageDevice(conn));
  if (hba === undefined) return [];
  return (hba.configuredStaticTarget ?? []).map((t) => targetPool(hba, t));
}

/** The LUNs of every iSCSI target (or of the one named), each with its pool. */
export async function iscsiLuns(conn: Connection, targetIqn?: string): Promise<IscsiLun[]> {
  const sd = await storageDevice(conn);
  const disks = new Map<string, HostScsiDisk>();
  for (const l of sd?.scsiLun ?? []) if (l._type === 'HostScsiDisk' && l.key !== undefined) disks.set(l.key, l as HostScsiDisk);
  const out: IscsiLun[] = [];
  for (const adapter of sd?.scsiTopology?.adapter ?? []) {
    for (const target of adapter.target ?? []) {
      if (target.transport?._type !== 'HostInternetScsiTargetTransport') continue;
      const iqn = (target.transport as HostInternetScsiTargetTransport).iScsiName;
      if (targetIqn !== undefined && iqn !== targetIqn) continue;
      for (const lun of target.lun ?? []) {
        const disk = disks.get(lun.scsiLun);
        if (disk === undefined) continue;
        out.push({
          name: disk.deviceName,
          key: md5Uuid(disk.uuid),
          capacity: disk.capacity.block * disk.capacity.blockSize,
          pool: iqn,
        });
      }
    }
  }
  return out;
}

/** pool-refresh of an iSCSI pool: ESX rescans the whole adapter (RescanHba), as libvirt does. */
export async function refreshIscsiPool(conn: Connection, pool: StoragePool): Promise<void> {
  const host = (await conn.ready()).hostSystem;
  const rec = await retrieveOne(conn.client, host, [HostSystemProps.storageSystem]);
  const system = prop(rec, HostSystemProps.storageSystem);
  if (system === undefined || pool.iscsi === undefined) throw new NotFoundError(`host has no storage system to rescan pool '${pool.name}'`);
  await methods.RescanHba(conn.client.soap, system, { hbaDevice: pool.iscsi.adapter });
}

/** The refusal of a change to an iSCSI pool, in libvirt's words. */
export function iscsiReadOnly(what: 'creation' | 'deletion' | 'wiping' | 'resizing' | 'upload'): UnsupportedError {
  return new UnsupportedError(`iSCSI storage pool does not support volume ${what}`);
}

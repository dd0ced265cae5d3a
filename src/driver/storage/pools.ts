/**
 * Storage pools as libvirt's ESX driver shows them: every datastore of the connection's host (local `dir`, VMFS `fs`,
 * NFS/CIFS `netfs`) and, read-only, every static target of the host's iSCSI adapter (`iscsi`). A datastore pool's
 * UUID is the MD5 of its mount path on the host (libvirt's rule); a server that reports no mount path (govmomi's
 * simulator) gets the path from the datastore URL instead, which real hosts make the same. Pools are always active,
 * persistent and autostarted.
 */
import { EsxError, InternalError, InvalidArgumentError, NotFoundError, OperationError } from '../../errors.js';
import type { PoolDef, PoolType } from '../../conf/pool/index.js';
import {
  DatastoreProps,
  prop,
  propertySpec,
  refreshDatastore,
  retrieveAll,
  type AnyDatastoreInfo,
  type DatastoreHostMount,
  type DatastoreSummary,
  type MoRef,
  type ObjectRecord,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { iscsiPools, refreshIscsiPool, type IscsiTarget } from './iscsi.js';
import { md5Uuid } from './names.js';
import { storageError } from './storage-errors.js';

/** libvirt's pool states as virsh prints them ('running' when accessible). */
export type PoolState = 'running' | 'inaccessible';

/** A storage pool: a datastore or an iSCSI target. Sizes are bytes. */
export interface StoragePool {
  name: string;
  uuid: string;
  type: PoolType;
  state: PoolState;
  /** libvirt's ESX pools are always persistent and autostarted. */
  persistent: true;
  autostart: true;
  capacity: number;
  allocation: number;
  available: number;
  /** The host's mount path, e.g. /vmfs/volumes/5e7a…; undefined for iSCSI pools. */
  targetPath: string | undefined;
  /** The datastore behind a datastore pool. */
  datastore?: MoRef<'Datastore'>;
  /** Its browser (for volume searches). */
  browser?: MoRef<'HostDatastoreBrowser'>;
  /** The iSCSI target behind an iscsi pool. */
  iscsi?: IscsiTarget;
  /** What pool-dumpxml prints. */
  def: PoolDef;
}

const DATASTORE_PATHS = [DatastoreProps.summary, DatastoreProps.info, DatastoreProps.host, DatastoreProps.browser];

/** The datastores of the connection's host with what pools need, in one call (a traversal from the host). */
async function datastoreRecords(conn: Connection): Promise<ObjectRecord[]> {
  const host = (await conn.ready()).hostSystem;
  const recs = await retrieveAll(conn.client, [
    {
      propSet: [propertySpec('Datastore', DATASTORE_PATHS)],
      objectSet: [
        {
          obj: host,
          skip: true,
          selectSet: [{ _type: 'TraversalSpec', name: 'datastores', type: 'HostSystem', path: 'datastore', skip: false }],
        },
      ],
    },
  ]);
  return recs.filter((r) => r.ref.type === 'Datastore');
}

/** The host's mount path of a datastore: its HostMountInfo.path, else the path in its URL (ds:///vmfs/volumes/x/). */
export function mountPath(mounts: readonly DatastoreHostMount[] | undefined, host: MoRef<'HostSystem'>, url: string): string {
  const mine = mounts?.find((m) => m.key.value === host.value) ?? mounts?.[0];
  const path = mine?.mountInfo.path;
  if (path !== undefined && path !== '') return path;
  return url.replace(/^ds:\/\//, '').replace(/\/+$/, '') || url;
}

function poolType(info: AnyDatastoreInfo | undefined): { type: PoolType; format?: string } {
  switch (info?._type) {
    case 'VmfsDatastoreInfo':
      return { type: 'fs', format: 'vmfs' };
    case 'NasDatastoreInfo': {
      const nas = (info as { nas?: { type?: string } }).nas;
      return { type: 'netfs', format: nas?.type?.toUpperCase() === 'CIFS' ? 'cifs' : 'nfs' };
    }
    default:
      // Local datastores, and the types libvirt 9.0 refuses (vSAN, vVol, PMem): files in a directory.
      return { type: 'dir' };
  }
}

function toPool(rec: ObjectRecord, host: MoRef<'HostSystem'>): StoragePool {
  const summary = prop(rec, DatastoreProps.summary) as DatastoreSummary | undefined;
  if (summary === undefined) throw new InternalError(`datastore ${rec.ref.value} has no summary`);
  const info = prop(rec, DatastoreProps.info);
  const path = mountPath(prop(rec, DatastoreProps.host), host, summary.url);
  const { type, format } = poolType(info);
  const accessible = summary.accessible;
  const capacity = accessible ? summary.capacity : 0;
  const available = accessible ? summary.freeSpace : 0;
  const uuid = md5Uuid(path);
  const def: PoolDef = {
    type,
    name: summary.name,
    uuid,
    capacity,
    allocation: capacity - available,
    available,
    source: {},
    target: { path, permissions: { mode: 0, owner: 0, group: 0 } },
  };
  if (type === 'netfs') {
    const nas = (info as { nas?: { remoteHost?: string; remotePath?: string } }).nas;
    if (nas?.remoteHost !== undefined) def.source.hosts = [{ name: nas.remoteHost }];
    if (nas?.remotePath !== undefined) def.source.dir = nas.remotePath;
  }
  if (format !== undefined) def.source.format = format;
  const pool: StoragePool = {
    name: summary.name,
    uuid,
    type,
    state: accessible ? 'running' : 'inaccessible',
    persistent: true,
    autostart: true,
    capacity,
    allocation: capacity - available,
    available,
    targetPath: path,
    datastore: rec.ref as MoRef<'Datastore'>,
    def,
  };
  const browser = prop(rec, DatastoreProps.browser);
  if (browser !== undefined) pool.browser = browser;
  return pool;
}

/** Every pool of the connection's host: its datastores, then the targets of its iSCSI adapter (libvirt's order). */
export async function listPools(conn: Connection): Promise<StoragePool[]> {
  const host = (await conn.ready()).hostSystem;
  const pools = (await datastoreRecords(conn)).map((r) => toPool(r, host));
  return [...pools, ...(await iscsiPools(conn))];
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** A pool by name or UUID (virsh's --pool accepts both); NotFoundError in libvirt's words otherwise. */
export async function lookupPool(conn: Connection, nameOrUuid: string): Promise<StoragePool> {
  if (nameOrUuid === '') throw new InvalidArgumentError('a storage pool name or UUID is required');
  const pools = await listPools(conn);
  const byName = pools.find((p) => p.name === nameOrUuid);
  if (byName !== undefined) return byName;
  if (UUID_RE.test(nameOrUuid)) {
    const want = nameOrUuid.replace(/-/g, '').toLowerCase();
    const byUuid = pools.find((p) => p.uuid.replace(/-/g, '') === want);
    if (byUuid !== undefined) return byUuid;
    throw new NotFoundError(`Storage pool not found: Could not find storage pool with uuid '${nameOrUuid}'`);
  }
  throw new NotFoundError(`Storage pool not found: Could not find storage pool with name '${nameOrUuid}'`);
}

/** pool-refresh: the server rereads a datastore's capacity (RefreshDatastore) or rescans the iSCSI adapter. */
export async function refreshPool(conn: Connection, nameOrUuid: string): Promise<StoragePool> {
  const pool = await lookupPool(conn, nameOrUuid);
  try {
    if (pool.datastore !== undefined) await refreshDatastore(conn.client, pool.datastore);
    else await refreshIscsiPool(conn, pool);
  } catch (e) {
    if (e instanceof EsxError && /malformed SOAP response/.test(e.message))
      throw new OperationError(`cannot refresh pool '${pool.name}': the server's answer to RefreshDatastore is not a SOAP response`, {
        cause: e,
      });
    throw storageError(e, { method: pool.datastore ? 'RefreshDatastore' : 'RescanHba', what: `refresh pool '${pool.name}'` });
  }
  return pool;
}

/** pool-autostart: ESX pools always start with the host; turning that off is refused as libvirt refuses it. */
export async function setPoolAutostart(conn: Connection, nameOrUuid: string, autostart: boolean): Promise<StoragePool> {
  const pool = await lookupPool(conn, nameOrUuid);
  if (!autostart) throw new InternalError('Cannot deactivate storage pool autostart');
  return pool;
}

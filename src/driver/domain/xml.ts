/**
 * Domain XML of a connection's VMs and VMX conversion with the server's knowledge: the host's datastores for
 * file names, .vmdk descriptors for SCSI model 'auto', the server version for virtualHW.version. dumpxml reads
 * the VMX file from the datastore, as libvirt's ESX driver does, and builds the domain from the VM's
 * configuration (config-to-domain.ts) when the file cannot be read or converted.
 */
import { ConfigError, EsxError, NotFoundError } from '../../errors.js';
import { parseDatastorePath } from '../../datastore-path.js';
import type { DomainDef, ScsiModel } from '../../conf/domain/domain-def.js';
import type { VmxContext } from '../../vmx/context.js';
import { domainToVmx } from '../../vmx/domain-to-vmx.js';
import { vmxToDomain } from '../../vmx/vmx-to-domain.js';
import {
  DatastoreProps,
  HostSystemProps,
  openDatastoreFile,
  prop,
  readDatastoreFile,
  retrieveMany,
  retrieveOne,
  VirtualMachineProps,
  type DatastoreFile,
} from '../../vim25/index.js';
import { configToDomain } from '../../vmconfig/config-to-domain.js';
import type { Connection } from '../connect/connection.js';
import { lookupDomain, type DomainRef } from './ref.js';
import { descriptorOfVmdkHead, scsiModelOfDescriptor } from '../../vmdk/index.js';
import { checkGuestId } from './guest-os.js';
import { connectedContext, type DatastoreRef } from './vmx-callbacks.js';

/** Bytes of a .vmdk read to find its descriptor (a sparse disk embeds it within the first sectors). */
const VMDK_HEAD_BYTES = 64 * 1024;
/** Largest VMX file read. */
const VMX_MAX_BYTES = 4 * 1024 * 1024;
/** The configuration dumpxml converts when the VMX file cannot be used (configToDomain's VmConfigView). */
const VM_CONFIG_PATHS = [
  VirtualMachineProps.configName,
  VirtualMachineProps.uuid,
  VirtualMachineProps.annotation,
  VirtualMachineProps.guestId,
  VirtualMachineProps.firmware,
  VirtualMachineProps.hardware,
  VirtualMachineProps.cpuAllocation,
  VirtualMachineProps.memoryAllocation,
  VirtualMachineProps.extraConfig,
];

// Product version (major.minor) → the hardware version that release creates by default.
const HW_VERSIONS: [number, number, number][] = [
  [8, 0, 20],
  [7, 0, 17],
  [6, 7, 14],
  [6, 5, 13],
  [6, 0, 11],
  [5, 5, 10],
  [5, 1, 9],
  [5, 0, 8],
  [4, 0, 7],
  [3, 5, 4],
];

/**
 * The virtualHW.version newly defined domains get on a server of `version` (ESX 3.5 → 4, 4.x → 7, 5.0 → 8,
 * 5.1 → 9, 5.5 → 10, 6.0 → 11, 6.5 → 13, 6.7 → 14, 7.0 → 17, 8.0 → 20; later → 20, older → 4).
 */
export function defaultVirtualHwVersion(version: string): number {
  const m = /^(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!m) return 4;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  for (const [ma, mi, hw] of HW_VERSIONS) if (major > ma || (major === ma && minor >= mi)) return hw;
  return 4;
}

/** The datastores of the connection's host, with names and URLs (two calls). */
export async function hostDatastores(conn: Connection): Promise<DatastoreRef[]> {
  const host = await retrieveOne(conn.client, conn.host.hostSystem, [HostSystemProps.datastore]);
  const refs = prop(host, HostSystemProps.datastore) ?? [];
  const recs = await retrieveMany(conn.client, refs, [DatastoreProps.name, DatastoreProps.url]);
  return recs.map((r) => ({ name: prop(r, DatastoreProps.name) ?? r.ref.value, url: prop(r, DatastoreProps.url) ?? '' }));
}

/** A datastore file of the connection's datacenter, from `[ds] path`. */
export function datastoreFile(conn: Connection, dsPath: string): DatastoreFile {
  return { ...parseDatastorePath(dsPath), dcPath: conn.host.datacenter.path };
}

/** Reads at most `max` bytes from the start of a datastore file (the rest is not transferred). */
export async function readDatastoreHead(conn: Connection, dsPath: string, max: number): Promise<Buffer> {
  const { stream } = await openDatastoreFile(conn.client, datastoreFile(conn, dsPath));
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= max) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, max);
}

/**
 * The SCSI models of the disks on controllers whose model is 'auto', read from each .vmdk's descriptor
 * (ddb.adapterType), by disk source. A disk whose model cannot be found is an error, as in libvirt.
 */
export async function detectScsiModels(
  conn: Connection,
  def: DomainDef,
  datastores?: readonly DatastoreRef[],
): Promise<Map<string, ScsiModel>> {
  const auto = new Set(def.controllers.filter((c) => c.type === 'scsi' && c.model === 'auto').map((c) => c.index));
  const models = new Map<string, ScsiModel>();
  for (const d of def.disks) {
    if (d.bus !== 'scsi' || d.device !== 'disk' || d.src === undefined || !auto.has(d.address?.controller ?? -1)) continue;
    if (models.has(d.src)) continue;
    const why = `cannot detect the SCSI controller model of disk '${d.targetDev}' from '${d.src}'`;
    const ds = /^\[([^\]]+)\]/.exec(d.src)?.[1];
    if (ds !== undefined && datastores !== undefined && !datastores.some((x) => x.name === ds)) {
      throw new ConfigError(`datastore '${ds}' of '${d.src}' does not exist on this host`);
    }
    let model: ScsiModel | undefined;
    try {
      model = scsiModelOfDescriptor(descriptorOfVmdkHead(await readDatastoreHead(conn, d.src, VMDK_HEAD_BYTES)));
    } catch (e) {
      throw new ConfigError(`${why}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (model === undefined) throw new ConfigError(`${why}: the file has no descriptor naming a SCSI adapter type (ddb.adapterType)`);
    models.set(d.src, model);
  }
  return models;
}

/** Options of the connected conversions. */
export interface ConvertOptions {
  /** Non-fatal notes of the converter. */
  warn?(message: string): void;
  /**
   * dumpxml only: what the VM has that its domain XML leaves out (a device built from the VM's configuration that has
   * no domain XML form or no slot). Never silent: without this callback they go to `warn`.
   */
  leftOut?(message: string): void;
}

/** A connected VmxContext for converting `def`-bound data: datastores looked up, 'auto' SCSI models detected. */
async function contextFor(
  conn: Connection,
  opts: ConvertOptions & { vmxPath?: string; datacenterPath?: string; def?: DomainDef },
): Promise<VmxContext> {
  const datastores = await hostDatastores(conn);
  return connectedContext({
    datastores,
    datacenterPath: opts.datacenterPath ?? conn.host.datacenter.path,
    ...(opts.vmxPath !== undefined ? { vmxPath: opts.vmxPath } : {}),
    ...(opts.def !== undefined ? { scsiModels: await detectScsiModels(conn, opts.def, datastores) } : {}),
    ...(opts.warn !== undefined ? { warn: opts.warn } : {}),
  });
}

/** VMX text of `def` as this server needs it (domxml-to-native, define); hwVersion defaults from the server version. */
export async function domainToNativeVmx(
  conn: Connection,
  def: DomainDef,
  opts: ConvertOptions & { hwVersion?: number } = {},
): Promise<string> {
  // <vmware:guestos> must be one the host supports, as Nova checks vmware_ostype
  if (def.guestOs !== undefined) await checkGuestId(conn, def.guestOs, opts.warn);
  const ctx = await contextFor(conn, { ...opts, def });
  return domainToVmx(def, ctx, { virtualHwVersion: opts.hwVersion ?? defaultVirtualHwVersion(conn.product.version) });
}

/** A domain from VMX text, file names mapped through the host's datastores (domxml-from-native). */
export async function domainFromNativeVmx(
  conn: Connection,
  vmx: Uint8Array | string,
  opts: ConvertOptions & { vmxPath?: string; datacenterPath?: string } = {},
): Promise<DomainDef> {
  return vmxToDomain(vmx, await contextFor(conn, opts));
}

/** What dumpxml built and from which source. */
export interface DomainXmlResult {
  dom: DomainRef;
  def: DomainDef;
  /** 'vmx': converted from the VMX file; 'config': built from the VM's configuration. */
  source: 'vmx' | 'config';
  /** config.files.vmPathName. */
  vmxPath: string | undefined;
  /** Why the VMX file was not used (source 'config'). */
  reason?: string;
}

/** The domain of a VM (virsh dumpxml): from its VMX file, else from its configuration through the API. */
export async function readDomainXml(conn: Connection, text: string, opts: ConvertOptions = {}): Promise<DomainXmlResult> {
  const { dom, rec } = await lookupDomain(conn, text, [VirtualMachineProps.vmPathName]);
  const vmxPath = prop(rec, VirtualMachineProps.vmPathName);
  let reason: string;
  try {
    if (vmxPath === undefined || vmxPath === '') throw new NotFoundError('the VM has no config.files.vmPathName');
    const bytes = await readDatastoreFile(conn.client, datastoreFile(conn, vmxPath), { maxBytes: VMX_MAX_BYTES });
    if (bytes.length === 0) throw new ConfigError('the file is empty');
    const def = vmxToDomain(bytes, await contextFor(conn, { ...opts, vmxPath }));
    // As libvirt: a VMX without uuid.bios still has the VM's BIOS UUID in the API.
    if (def.uuid === undefined && dom.uuid !== '00000000-0000-0000-0000-000000000000') def.uuid = dom.uuid;
    return { dom, def, source: 'vmx', vmxPath };
  } catch (e) {
    if (!(e instanceof EsxError)) throw e;
    reason = e.message;
  }
  const cfg = await retrieveOne(conn.client, dom.ref, VM_CONFIG_PATHS);
  const def = configToDomain(
    {
      name: prop(cfg, VirtualMachineProps.configName) ?? dom.name,
      uuid: prop(cfg, VirtualMachineProps.uuid),
      annotation: prop(cfg, VirtualMachineProps.annotation),
      guestId: prop(cfg, VirtualMachineProps.guestId),
      firmware: prop(cfg, VirtualMachineProps.firmware),
      hardware: prop(cfg, VirtualMachineProps.hardware),
      cpuAllocation: prop(cfg, VirtualMachineProps.cpuAllocation),
      memoryAllocation: prop(cfg, VirtualMachineProps.memoryAllocation),
      extraConfig: prop(cfg, VirtualMachineProps.extraConfig),
    },
    {
      datacenterPath: conn.host.datacenter.path,
      ...(opts.leftOut !== undefined || opts.warn !== undefined ? { warn: (m: string) => (opts.leftOut ?? opts.warn)?.(m) } : {}),
    },
  );
  return { dom, def, source: 'config', vmxPath, reason };
}

/**
 * Defining and undefining domains as libvirt's ESX driver does (seeds 000/001, "Datastore references"): the
 * domain XML becomes a VMX file uploaded next to the first file-based hard disk, `[ds] dir/NAME.vmx`, then
 * registered in the datacenter's VM folder on the connection's host and resource pool. Nothing the user had is
 * overwritten, and a failure half-way removes what this call created. Undefining unregisters and keeps files.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, InvalidArgumentError, InvalidStateError, NotFoundError, OperationError } from '../../errors.js';
import { type DatastorePath, formatDatastorePath, parseDatastorePath } from '../../datastore-path.js';
import { requireName, type DiskDef, type DomainDef } from '../../conf/domain/domain-def.js';
import { parseDomainXml } from '../../conf/domain/parse-domain.js';
import { escapeDatastoreItem } from '../../escape.js';
import {
  deleteDatastoreFile,
  findFault,
  FolderHandle,
  isVimFault,
  makeDirectory,
  openDatastoreFile,
  retrieveOne,
  uploadDatastoreFile,
  VirtualMachineHandle,
  type MoRef,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { vsphereNameOf } from '../../escape.js';
import { DOMAIN_REF_PATHS, domainRefOf, lookupDomain, type DomainRef } from './ref.js';
import { datastoreFile, domainToNativeVmx } from './xml.js';

/** Options of defineDomain. */
export interface DefineOptions {
  /** virtualHW.version of the VMX (default: from the server version). */
  hwVersion?: number;
  warn?(message: string): void;
}

/** A defined domain and where its VMX file went. */
export interface DefineResult {
  dom: DomainRef;
  /** `[ds] dir/NAME.vmx`. */
  vmxPath: string;
}

/** The first file-based hard disk decides the datastore and directory of the VMX file (libvirt's rule). */
export function vmxLocation(def: DomainDef): { datastore: string; directory: string; vmxPath: string } {
  if (def.disks.length === 0) throw new ConfigError("Domain XML doesn't contain any disks, cannot deduce datastore and path for VMX file");
  const disk: DiskDef | undefined = def.disks.find((d) => d.device === 'disk' && d.type === 'file');
  if (disk === undefined)
    throw new ConfigError("Domain XML doesn't contain any file-based harddisks, cannot deduce datastore and path for VMX file");
  if (disk.src === undefined)
    throw new ConfigError('First file-based harddisk has no source, cannot deduce datastore and path for VMX file');
  let p: DatastorePath;
  try {
    p = parseDatastorePath(disk.src);
  } catch {
    throw new ConfigError(
      `source '${disk.src}' of the first file-based harddisk is not a datastore path like '[datastore] directory/disk.vmdk'`,
    );
  }
  if (!/\.vmdk$/i.test(p.path)) throw new ConfigError(`Expecting source '${disk.src}' of first file-based harddisk to be a VMDK image`);
  const directory = p.path.split('/').slice(0, -1).join('/');
  const file = `${escapeDatastoreItem(requireName(def))}.vmx`;
  return {
    datastore: p.datastore,
    directory,
    vmxPath: formatDatastorePath({ datastore: p.datastore, path: directory ? `${directory}/${file}` : file }),
  };
}

function alreadyExists(def: DomainDef, what: string): InvalidStateError {
  return new InvalidStateError(
    `domain '${def.name}' already exists (${what}): editing existing domains is not supported; undefine it first`,
  );
}

/** Refuses a domain whose name or UUID a VM of the datacenter already has. */
async function checkNotDefined(conn: Connection, def: DomainDef): Promise<void> {
  const inv = conn.client.inventory;
  if (def.uuid !== undefined && (await inv.findVmByUuid(def.uuid, { datacenter: conn.host.datacenter.ref })) !== undefined) {
    throw alreadyExists(def, `a VM has uuid ${def.uuid}`);
  }
  let named: MoRef<'VirtualMachine'> | undefined;
  try {
    named = await inv.findVmByName(vsphereNameOf(requireName(def)), { container: conn.host.datacenter.ref });
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
    throw alreadyExists(def, 'several VMs have that name');
  }
  if (named !== undefined) throw alreadyExists(def, `VM ${named.value} has that name`);
}

/** True when the datastore file exists (a GET that is not answered 404). */
async function fileExists(conn: Connection, dsPath: string): Promise<boolean> {
  try {
    const { stream } = await openDatastoreFile(conn.client, datastoreFile(conn, dsPath));
    stream.destroy();
    return true;
  } catch (e) {
    if (e instanceof NotFoundError) return false;
    throw e;
  }
}

/**
 * Makes `dir` (`[ds] a/b`) one level at a time so that we know what existed; `made.top` is set to the topmost
 * directory this call created as soon as it exists.
 */
async function ensureDirectory(conn: Connection, ds: string, dir: string, made: { top?: string }): Promise<void> {
  if (dir === '') return;
  const dsPath = formatDatastorePath({ datastore: ds, path: dir });
  const mkdir = async (): Promise<void> => {
    await makeDirectory(conn.client, dsPath, { datacenter: conn.host.datacenter.ref, createParents: false });
    made.top ??= dsPath;
  };
  try {
    await mkdir();
    return;
  } catch (e) {
    if (isVimFault(e, 'FileAlreadyExists')) return;
    const parent = dir.split('/').slice(0, -1).join('/');
    if (!isVimFault(e, 'FileNotFound') || parent === '') throw e;
    await ensureDirectory(conn, ds, parent, made);
  }
  await mkdir();
}

/**
 * Defines a domain from its XML (virsh define; bytes are decoded as the XML declaration says): refuses an existing name or UUID, converts with the server's
 * datastores, uploads `[ds] dir/NAME.vmx` (never over an existing file) and registers it.
 */
export async function defineDomain(conn: Connection, xml: string | Uint8Array, opts: DefineOptions = {}): Promise<DefineResult> {
  const def = parseDomainXml(xml);
  const loc = vmxLocation(def);
  await checkNotDefined(conn, def);
  // Fixed here rather than by the converter, so that the result names the UUID the VMX holds.
  def.uuid ??= randomUUID();
  const vmx = await domainToNativeVmx(conn, def, opts);
  if (await fileExists(conn, loc.vmxPath)) {
    throw new InvalidStateError(`file '${loc.vmxPath}' already exists: not overwriting it; remove it or rename the domain`);
  }
  const dc = conn.host.datacenter;
  const made: { top?: string } = {};
  let uploaded = false;
  let registering = false;
  let ref: MoRef<'VirtualMachine'> | undefined;
  try {
    await ensureDirectory(conn, loc.datastore, loc.directory, made);
    uploaded = true;
    await uploadDatastoreFile(conn.client, datastoreFile(conn, loc.vmxPath), Buffer.from(vmx, 'utf8'));
    registering = true;
    const task = await new FolderHandle(conn.client, dc.vmFolder).registerVm({
      path: loc.vmxPath,
      name: vsphereNameOf(requireName(def)),
      asTemplate: false,
      pool: conn.host.resourcePool,
      host: conn.host.hostSystem,
    });
    const info = await task.wait({ description: `RegisterVM_Task of '${loc.vmxPath}'` });
    ref = info.result as MoRef<'VirtualMachine'> | undefined;
    if (ref === undefined) throw new OperationError(`RegisterVM_Task of '${loc.vmxPath}' returned no VM`);
  } catch (e) {
    // Once registration was asked for, only a failure the server reported proves that no VM uses the files.
    if (registering && findFault(e) === undefined) {
      throw new OperationError(
        `could not tell whether '${loc.vmxPath}' got registered: ${e instanceof Error ? e.message : String(e)}; check with 'list --all'`,
        { cause: e },
      );
    }
    const leftover = made.top ?? (uploaded ? loc.vmxPath : undefined);
    let cleanup = '';
    if (leftover !== undefined) {
      try {
        await deleteDatastoreFile(conn.client, leftover, { datacenter: dc.ref });
      } catch (ce) {
        // A file that never got written is no leftover.
        if (!(leftover === loc.vmxPath && (ce instanceof NotFoundError || isVimFault(ce, 'FileNotFound', 'CannotDeleteFile')))) {
          cleanup = `; removing '${leftover}' failed too: ${ce instanceof Error ? ce.message : String(ce)}`;
        }
      }
    }
    if (isVimFault(e, 'DuplicateName', 'AlreadyExists')) throw alreadyExists(def, `the server refused the name: ${(e as Error).message}`);
    if (cleanup === '') throw e;
    throw new OperationError(`could not define domain '${def.name}': ${e instanceof Error ? e.message : String(e)}${cleanup}`, {
      cause: e,
    });
  }
  const rec = await retrieveOne(conn.client, ref, DOMAIN_REF_PATHS);
  return { dom: domainRefOf(rec), vmxPath: loc.vmxPath };
}

/** Undefines a domain (virsh undefine): unregisters the VM, keeping its files; a running domain is refused. */
export async function undefineDomain(conn: Connection, text: string): Promise<DomainRef> {
  const { dom } = await lookupDomain(conn, text);
  // As libvirt's ESX driver: powered off or suspended VMs only.
  if (dom.state === 'running') throw new InvalidStateError('domain is running');
  try {
    await new VirtualMachineHandle(conn.client, dom.ref).unregister();
  } catch (e) {
    if (isVimFault(e, 'InvalidPowerState')) throw new InvalidStateError('domain is running', { cause: e });
    throw e;
  }
  return dom;
}

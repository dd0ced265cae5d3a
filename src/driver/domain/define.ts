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
  prop,
  retrieveOne,
  uploadDatastoreFile,
  VirtualMachineHandle,
  VirtualMachineProps,
  type MoRef,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { checkBridgeNames } from '../network/vm-networks.js';
import { vsphereNameOf } from '../../escape.js';
import { DOMAIN_REF_PATHS, domainRefOf, lookupDomain, type DomainRef } from './ref.js';
import { datastoreFile, domainToNativeVmx } from './xml.js';

/** Options of defineDomain. */
export interface DefineOptions {
  /** virtualHW.version of the VMX (default: from the server version). */
  hwVersion?: number;
  /** The converter's notes (ignored entries, rounding). */
  warn?(message: string): void;
  /** What the define itself did besides the usual: took over or finished an interrupted define, a journal that stayed. */
  notice?(message: string): void;
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

/** The VM of the datacenter that already has the domain's UUID or name, and which of the two it has. */
async function existingVm(conn: Connection, def: DomainDef): Promise<{ ref: MoRef<'VirtualMachine'>; why: string } | undefined> {
  const inv = conn.client.inventory;
  if (def.uuid !== undefined) {
    const byUuid = await inv.findVmByUuid(def.uuid, { datacenter: conn.host.datacenter.ref });
    if (byUuid !== undefined) return { ref: byUuid, why: `a VM has uuid ${def.uuid}` };
  }
  let named: MoRef<'VirtualMachine'> | undefined;
  try {
    named = await inv.findVmByName(vsphereNameOf(requireName(def)), { container: conn.host.datacenter.ref });
  } catch (e) {
    if (!(e instanceof InvalidArgumentError)) throw e;
    throw alreadyExists(def, 'several VMs have that name');
  }
  return named === undefined ? undefined : { ref: named, why: `VM ${named.value} has that name` };
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
async function ensureDirectory(conn: Connection, ds: string, dir: string, made: Written): Promise<void> {
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
 * The journal of a define in progress: a small file beside the VMX, written before it and removed once the VM is
 * registered. A VMX with a journal and no VM registered with it is what an interrupted define left behind, and a
 * later define of the same domain may take it over; a VMX without one is somebody's file and is never touched.
 */
export function defineJournalPath(vmxPath: string): string {
  return `${vmxPath}.esxvirt-define`;
}

/** What one define wrote, to remove it again when the define cannot finish. */
interface Written {
  /** The topmost directory this define created. */
  top?: string;
  journal?: boolean;
  vmx?: boolean;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Removes what this define wrote; returns what could not be removed (for the message), '' when all went. */
async function undo(conn: Connection, loc: { vmxPath: string }, written: Written): Promise<string> {
  const dc = conn.host.datacenter.ref;
  const targets =
    written.top !== undefined
      ? [written.top]
      : [written.vmx ? loc.vmxPath : undefined, written.journal ? defineJournalPath(loc.vmxPath) : undefined];
  const failed: string[] = [];
  for (const t of targets) {
    if (t === undefined) continue;
    try {
      await deleteDatastoreFile(conn.client, t, { datacenter: dc });
    } catch (e) {
      // a file that never got written is no leftover
      if (!(e instanceof NotFoundError || isVimFault(e, 'FileNotFound'))) failed.push(`'${t}' (${messageOf(e)})`);
    }
  }
  return failed.length === 0 ? '' : `; removing ${failed.join(', ')} failed: remove it by hand`;
}

/** The server's refusal of the registration in words that say what is missing and what to do. */
function registrationRefusal(e: unknown, vmxPath: string, def: DomainDef): unknown {
  if (isVimFault(e, 'DuplicateName', 'AlreadyExists')) return alreadyExists(def, `the server refused the name: ${messageOf(e)}`);
  if (isVimFault(e, 'NotFound') && !isVimFault(e, 'FileNotFound')) {
    return new NotFoundError(
      `the server refused to register '${vmxPath}': a file it needs beside the VMX was not found (NotFound); the VMX itself was ` +
        `uploaded, so check the VM's folder and datastore (govmomi's simulator also wants NAME.nvram and vmware.log there)`,
      { cause: e },
    );
  }
  return e;
}

/**
 * Defines a domain from its XML (virsh define): refuses an existing name or UUID, converts with the server's
 * datastores, uploads `[ds] dir/NAME.vmx` (never over a file it did not write itself) and registers it. Faults
 * converge: when the registration's outcome is unknown (a dropped connection, a 503), the server is asked whether the
 * VM got registered; the define then finishes, tries the registration once more, or removes what it wrote. A define
 * that could not even ask leaves a journal beside the VMX, so the next define of the same domain takes its leftovers
 * over and proceeds.
 */
export async function defineDomain(conn: Connection, xml: string | Uint8Array, opts: DefineOptions = {}): Promise<DefineResult> {
  // bytes are decoded as their XML declaration says, as libvirt does
  const def = parseDomainXml(xml);
  const loc = vmxLocation(def);
  const existing = await existingVm(conn, def);
  if (existing !== undefined) {
    // An interrupted define of this very domain that did register the VM: finish it (remove the journal).
    const finished = await finishInterrupted(conn, existing.ref, loc.vmxPath, opts);
    if (finished !== undefined) return finished;
    throw alreadyExists(def, existing.why);
  }
  // ESX accepts an unknown network name silently (the NIC ends up on no network): refuse it, and ambiguous ones
  await checkBridgeNames(conn, def);
  // Fixed here rather than by the converter, so that the result names the UUID the VMX holds.
  def.uuid ??= randomUUID();
  const vmx = await domainToNativeVmx(conn, def, opts);
  const dc = conn.host.datacenter;
  const inv = conn.client.inventory;
  const written: Written = {};
  if (await fileExists(conn, loc.vmxPath)) {
    const owner = await inv.findVmByDatastorePath(dc.ref, loc.vmxPath);
    if (owner !== undefined) throw new InvalidStateError(`file '${loc.vmxPath}' is the VMX of VM ${owner.value}: not overwriting it`);
    if (!(await fileExists(conn, defineJournalPath(loc.vmxPath)))) {
      throw new InvalidStateError(`file '${loc.vmxPath}' already exists: not overwriting it; remove it or rename the domain`);
    }
    // An interrupted define's leftovers: this define takes them over (and removes them if it cannot finish).
    opts.notice?.(`taking over '${loc.vmxPath}', left by an interrupted define`);
    written.journal = true;
    written.vmx = true;
  }
  let ref: MoRef<'VirtualMachine'> | undefined;
  try {
    await ensureDirectory(conn, loc.datastore, loc.directory, written);
    await uploadDatastoreFile(conn.client, datastoreFile(conn, defineJournalPath(loc.vmxPath)), Buffer.from(`${def.uuid}\n`, 'utf8'));
    written.journal = true;
    await uploadDatastoreFile(conn.client, datastoreFile(conn, loc.vmxPath), Buffer.from(vmx, 'utf8'));
    written.vmx = true;
    ref = await register(conn, def, loc.vmxPath);
  } catch (e) {
    if (e instanceof UnknownOutcome) throw e.error;
    const cleanup = await undo(conn, loc, written);
    const refusal = registrationRefusal(e, loc.vmxPath, def);
    if (cleanup === '') throw refusal;
    throw new OperationError(`could not define domain '${def.name}': ${messageOf(refusal)}${cleanup}`, { cause: refusal });
  }
  try {
    await deleteDatastoreFile(conn.client, defineJournalPath(loc.vmxPath), { datacenter: dc.ref });
  } catch (e) {
    opts.notice?.(`domain '${def.name}' is defined, but its journal '${defineJournalPath(loc.vmxPath)}' stayed: ${messageOf(e)}`);
  }
  const rec = await retrieveOne(conn.client, ref, DOMAIN_REF_PATHS);
  return { dom: domainRefOf(rec), vmxPath: loc.vmxPath };
}

/**
 * When `vm` is registered with `vmxPath` and the define journal is still beside it, an interrupted define of the
 * same domain got as far as the registration: removing the journal finishes it. Otherwise undefined.
 */
async function finishInterrupted(
  conn: Connection,
  vm: MoRef<'VirtualMachine'>,
  vmxPath: string,
  opts: DefineOptions,
): Promise<DefineResult | undefined> {
  const rec = await retrieveOne(conn.client, vm, [...DOMAIN_REF_PATHS, VirtualMachineProps.vmPathName]);
  if (prop(rec, VirtualMachineProps.vmPathName) !== vmxPath || !(await fileExists(conn, defineJournalPath(vmxPath)))) return undefined;
  opts.notice?.(`finishing the define that registered '${vmxPath}' and was interrupted`);
  await deleteDatastoreFile(conn.client, defineJournalPath(vmxPath), { datacenter: conn.host.datacenter.ref });
  return { dom: domainRefOf(rec), vmxPath };
}

/** A registration whose outcome could not be found out: its files stay, with their journal, for the next define. */
class UnknownOutcome extends Error {
  constructor(readonly error: OperationError) {
    super(error.message);
  }
}

/**
 * Registers the uploaded VMX. A failure the server reported is final (the caller removes the files). A failure
 * without a server verdict is ambiguous: the server is asked whether a VM now has that VMX; if so, done; if not, the
 * registration is tried once more; if the question cannot be answered, UnknownOutcome.
 */
async function register(conn: Connection, def: DomainDef, vmxPath: string): Promise<MoRef<'VirtualMachine'>> {
  const dc = conn.host.datacenter;
  for (let attempt = 1; ; attempt++) {
    try {
      const task = await new FolderHandle(conn.client, dc.vmFolder).registerVm({
        path: vmxPath,
        name: vsphereNameOf(requireName(def)),
        asTemplate: false,
        pool: conn.host.resourcePool,
        host: conn.host.hostSystem,
      });
      const info = await task.wait({ description: `RegisterVM_Task of '${vmxPath}'` });
      const ref = info.result as MoRef<'VirtualMachine'> | undefined;
      if (ref === undefined) throw new OperationError(`RegisterVM_Task of '${vmxPath}' returned no VM`);
      return ref;
    } catch (e) {
      if (findFault(e) !== undefined) throw e;
      let found: MoRef<'VirtualMachine'> | undefined;
      try {
        found = await conn.client.inventory.findVmByDatastorePath(dc.ref, vmxPath);
      } catch (qe) {
        throw new UnknownOutcome(
          new OperationError(
            `could not tell whether '${vmxPath}' got registered (${messageOf(e)}; asking failed too: ${messageOf(qe)}); ` +
              `run the same define again: it finishes or cleans up what this one left`,
            { cause: e },
          ),
        );
      }
      if (found !== undefined) return found;
      if (attempt >= 2) throw e;
    }
  }
}

/** Undefines a domain (virsh undefine): unregisters the VM, keeping its files; a running domain is refused. */
export async function undefineDomain(conn: Connection, text: string): Promise<DomainRef> {
  const { dom } = await lookupDomain(conn, text);
  // As libvirt's ESX driver: powered off or suspended VMs only.
  if (dom.state === 'running') throw new InvalidStateError('Domain is not suspended or powered off');
  try {
    await new VirtualMachineHandle(conn.client, dom.ref).unregister();
  } catch (e) {
    if (isVimFault(e, 'InvalidPowerState')) throw new InvalidStateError('Domain is not suspended or powered off', { cause: e });
    throw e;
  }
  return dom;
}

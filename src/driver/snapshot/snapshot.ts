/**
 * Domain snapshots as libvirt's ESX driver has them: the VM's snapshot tree (snapshot.rootSnapshotList),
 * snapshots named uniquely per domain and found by name depth-first, disk-only (memory=false) snapshots created
 * with CreateSnapshot_Task, reverted with RevertToSnapshot_Task and removed with RemoveSnapshot_Task (children
 * optionally), each a task of the VM's handle (one task per VM, questions handled). The XML is libvirt's
 * <domainsnapshot> as that driver prints it: name, description, state, parent, creationTime, domain uuid.
 */
import { InvalidStateError, NotFoundError } from '../../errors.js';
import type { SnapshotDef, SnapshotState } from '../../conf/index.js';
import {
  prop,
  retrieveOne,
  VirtualMachineHandle,
  VirtualMachineProps,
  type MoRef,
  type VirtualMachineSnapshotInfo,
  type VirtualMachineSnapshotTree,
} from '../../vim25/index.js';
import type { Connection } from '../connect/connection.js';
import { lookupDomain, type DomainRef } from '../domain/ref.js';

/** One snapshot of a domain. */
export interface DomainSnapshot {
  ref: MoRef<'VirtualMachineSnapshot'>;
  name: string;
  description: string;
  createTime: Date;
  state: SnapshotState;
  quiesced: boolean;
  /** The parent snapshot's name; undefined for a root. */
  parent: string | undefined;
  /** Names of the direct children. */
  children: string[];
  /** True for the domain's current snapshot. */
  current: boolean;
}

/** A domain and its snapshots, depth-first in tree order (parents before children). */
export interface SnapshotList {
  dom: DomainRef;
  snapshots: DomainSnapshot[];
}

/** Maps the power state recorded in a snapshot as libvirt's ESX driver does. */
export function snapshotStateOf(powerState: string | undefined): SnapshotState {
  switch (powerState) {
    case 'poweredOn':
      return 'running';
    case 'suspended':
      return 'paused';
    case 'poweredOff':
      return 'shutoff';
    default:
      return 'nostate';
  }
}

/** Flattens a snapshot tree depth-first (libvirt's lookup order). */
export function flattenSnapshotTree(info: VirtualMachineSnapshotInfo | undefined): DomainSnapshot[] {
  const out: DomainSnapshot[] = [];
  const current = info?.currentSnapshot?.value;
  const walk = (trees: readonly VirtualMachineSnapshotTree[], parent: string | undefined): void => {
    for (const t of trees) {
      const children = t.childSnapshotList ?? [];
      out.push({
        ref: t.snapshot,
        name: t.name,
        description: t.description ?? '',
        createTime: t.createTime,
        state: snapshotStateOf(t.state),
        quiesced: t.quiesced === true,
        parent,
        children: children.map((c) => c.name),
        current: current !== undefined && t.snapshot.value === current,
      });
      walk(children, t.name);
    }
  };
  walk(info?.rootSnapshotList ?? [], undefined);
  return out;
}

/** The domain named `text` and its snapshots. */
export async function listSnapshots(conn: Connection, text: string): Promise<SnapshotList> {
  const { dom, rec } = await lookupDomain(conn, text, [VirtualMachineProps.snapshot]);
  return { dom, snapshots: flattenSnapshotTree(prop(rec, VirtualMachineProps.snapshot)) };
}

function findSnapshot(list: SnapshotList, name: string): DomainSnapshot {
  const snap = list.snapshots.find((s) => s.name === name);
  if (snap === undefined) throw new NotFoundError(`Domain snapshot not found: no domain snapshot with matching name '${name}'`);
  return snap;
}

/** One snapshot of a domain by name; NotFoundError when there is none. */
export async function getSnapshot(conn: Connection, text: string, name: string): Promise<{ dom: DomainRef; snapshot: DomainSnapshot }> {
  const list = await listSnapshots(conn, text);
  return { dom: list.dom, snapshot: findSnapshot(list, name) };
}

/** The domain's current snapshot; NotFoundError when it has none. */
export async function currentSnapshot(conn: Connection, text: string): Promise<{ dom: DomainRef; snapshot: DomainSnapshot }> {
  const list = await listSnapshots(conn, text);
  const snap = list.snapshots.find((s) => s.current);
  if (snap === undefined) throw new NotFoundError(`domain '${list.dom.name}' has no current snapshot`);
  return { dom: list.dom, snapshot: snap };
}

/** Options of createSnapshot. */
export interface CreateSnapshotOptions {
  description?: string;
  /** Quiesce the guest's file systems (needs VMware Tools). */
  quiesce?: boolean;
}

/** Creates a disk-only snapshot (memory=false); a name the domain already has is refused, as libvirt does. */
export async function createSnapshot(
  conn: Connection,
  text: string,
  name: string,
  opts: CreateSnapshotOptions = {},
): Promise<{ dom: DomainRef; snapshot: DomainSnapshot }> {
  const list = await listSnapshots(conn, text);
  if (list.snapshots.some((s) => s.name === name)) throw new InvalidStateError(`Snapshot '${name}' already exists`);
  const args: { name: string; description?: string; memory: boolean; quiesce: boolean } = {
    name,
    memory: false,
    quiesce: opts.quiesce === true,
  };
  if (opts.description !== undefined) args.description = opts.description;
  const task = await new VirtualMachineHandle(conn.client, list.dom.ref).createSnapshot(args);
  await task.wait();
  const rec = await retrieveOne(conn.client, list.dom.ref, [VirtualMachineProps.snapshot]);
  const after = { dom: list.dom, snapshots: flattenSnapshotTree(prop(rec, VirtualMachineProps.snapshot)) };
  return { dom: list.dom, snapshot: findSnapshot(after, name) };
}

/** Reverts the domain to the snapshot named `name` (RevertToSnapshot_Task, the snapshot's power state included). */
export async function revertSnapshot(conn: Connection, text: string, name: string): Promise<{ dom: DomainRef; snapshot: DomainSnapshot }> {
  const { dom, snapshot } = await getSnapshot(conn, text, name);
  const task = await new VirtualMachineHandle(conn.client, dom.ref).snapshot(snapshot.ref).revert();
  await task.wait();
  return { dom, snapshot };
}

/** Removes the snapshot named `name`, and its descendants with `children` (RemoveSnapshot_Task). */
export async function deleteSnapshot(
  conn: Connection,
  text: string,
  name: string,
  opts: { children?: boolean } = {},
): Promise<{ dom: DomainRef; snapshot: DomainSnapshot }> {
  const { dom, snapshot } = await getSnapshot(conn, text, name);
  const task = await new VirtualMachineHandle(conn.client, dom.ref)
    .snapshot(snapshot.ref)
    .remove({ removeChildren: opts.children === true });
  await task.wait();
  return { dom, snapshot };
}

/** The `<domainsnapshot>` document of a snapshot, as libvirt's ESX driver prints it (creationTime in Unix seconds). */
export function snapshotDefOf(snap: DomainSnapshot, domainUuid: string): SnapshotDef {
  const def: SnapshotDef = { name: snap.name, description: snap.description, state: snap.state };
  if (snap.parent !== undefined) def.parent = snap.parent;
  def.creationTime = Math.floor(snap.createTime.getTime() / 1000);
  def.domainUuid = domainUuid;
  return def;
}

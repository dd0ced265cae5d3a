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
  /**
   * Keep the guest's memory in the snapshot. Default libvirt's rule: a running domain's snapshot keeps its memory
   * unless the snapshot is disk-only; a domain that is off has none to keep.
   */
  memory?: boolean;
  /** virsh's --disk-only: never the memory. */
  diskOnly?: boolean;
}

/** Whether a snapshot of a domain in `state` keeps the memory, by libvirt's rule (see CreateSnapshotOptions). */
export function snapshotKeepsMemory(state: DomainRef['state'], opts: Pick<CreateSnapshotOptions, 'memory' | 'diskOnly'>): boolean {
  if (opts.diskOnly === true) return false;
  return opts.memory ?? state === 'running';
}

/** Creates a snapshot (with memory per libvirt's rule); a name the domain already has is refused, as libvirt does. */
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
    memory: snapshotKeepsMemory(list.dom.state, opts),
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

/** virsh snapshot-info's facts about one snapshot. */
export interface SnapshotInfo {
  name: string;
  domain: string;
  current: boolean;
  state: DomainSnapshot['state'];
  /** Where the snapshot lives: ESX keeps it with the VM ('internal'). */
  location: 'internal';
  parent: string | undefined;
  children: number;
  descendants: number;
  /** libvirt-side metadata: ESX keeps none (virsh prints 'no'). */
  metadata: false;
}

/** Every descendant of `name` in a snapshot list (children, grandchildren …), depth-first. */
export function descendantsOf(snapshots: readonly DomainSnapshot[], name: string): DomainSnapshot[] {
  const byName = new Map(snapshots.map((s) => [s.name, s]));
  const out: DomainSnapshot[] = [];
  const walk = (n: string): void => {
    for (const c of byName.get(n)?.children ?? []) {
      const child = byName.get(c);
      if (child === undefined) continue;
      out.push(child);
      walk(c);
    }
  };
  walk(name);
  return out;
}

/** The facts of virsh snapshot-info about snapshot `name` of the domain (or its current one when `name` is undefined). */
export async function getSnapshotInfo(conn: Connection, text: string, name: string | undefined): Promise<SnapshotInfo> {
  const list = await listSnapshots(conn, text);
  const snap = name === undefined ? list.snapshots.find((s) => s.current) : findSnapshot(list, name);
  if (snap === undefined) throw new NotFoundError(`domain '${list.dom.name}' has no current snapshot`);
  return {
    name: snap.name,
    domain: list.dom.name,
    current: snap.current,
    state: snap.state,
    location: 'internal',
    parent: snap.parent,
    children: snap.children.length,
    descendants: descendantsOf(list.snapshots, snap.name).length,
    metadata: false,
  };
}

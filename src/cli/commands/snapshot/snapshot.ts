/** snapshot-create-as, snapshot-list, snapshot-current, snapshot-dumpxml, snapshot-revert, snapshot-delete. */
import {
  createSnapshot,
  currentSnapshot,
  deleteSnapshot,
  getSnapshot,
  listSnapshots,
  revertSnapshot,
  snapshotDefOf,
  type DomainSnapshot,
} from '../../../driver/snapshot/snapshot.js';
import { formatSnapshotXml } from '../../../conf/index.js';
import { parseArgs } from '../../args.js';
import { withConnection } from '../../connect.js';
import { formatJson, formatTable } from '../../output.js';
import type { Command } from '../types.js';

/** virsh's snapshot time format, local time: '2024-05-01 12:00:00 +0000'. */
export function formatSnapshotTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${sign}${p(Math.floor(a / 60))}${p(a % 60)}`;
}

/** virsh's `snapshot-list --tree` (vshTreePrint): roots flush left, children under "  |" and "  +- ". */
export function formatSnapshotTree(snaps: readonly DomainSnapshot[]): string {
  const byParent = new Map<string | undefined, DomainSnapshot[]>();
  for (const s of snaps) {
    const list = byParent.get(s.parent) ?? [];
    list.push(s);
    byParent.set(s.parent, list);
  }
  let out = '';
  const walk = (s: DomainSnapshot, indent: string, root: boolean, last: boolean): void => {
    out += `${indent}${root ? '' : '+- '}${s.name}\n`;
    const mine = root ? indent : `${indent}${last ? ' ' : '|'} `;
    const kids = byParent.get(s.name) ?? [];
    if (kids.length > 0) out += `${mine}  |\n`;
    kids.forEach((k, i) => walk(k, `${mine}  `, false, i === kids.length - 1));
    if (kids.length === 0 && last) out += `${mine}\n`;
  };
  for (const r of byParent.get(undefined) ?? []) walk(r, '', true, true);
  return out;
}

function toJson(s: DomainSnapshot): Record<string, unknown> {
  return { name: s.name, description: s.description, state: s.state, parent: s.parent ?? null, creationTime: s.createTime.toISOString(), current: s.current };
}

const byName = (a: DomainSnapshot, b: DomainSnapshot): number => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const snapshotCreateAs: Command = {
  help: 'create a snapshot (disk only) from a name and a description',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'snapshot-create-as', positionals: ['domain', 'name?', 'description?'], flags: ['quiesce', 'disk-only', 'atomic'] }, argv);
    // virsh names an unnamed snapshot after the current time in seconds
    const name = a.positionals.name ?? String(Math.floor(Date.now() / 1000));
    const { snapshot } = await withConnection(global, io, (conn) =>
      createSnapshot(conn, a.positionals.domain as string, name, {
        quiesce: a.flags.has('quiesce'),
        ...(a.positionals.description !== undefined ? { description: a.positionals.description } : {}),
      }),
    );
    if (global.json) io.out(formatJson(toJson(snapshot)));
    else if (!global.quiet) io.out(`Domain snapshot ${snapshot.name} created\n`);
    return 0;
  },
};

const snapshotList: Command = {
  help: 'list snapshots of a domain',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'snapshot-list', positionals: ['domain'], flags: ['tree', 'name', 'parent', 'roots', 'leaves', 'no-leaves'] }, argv);
    const { snapshots } = await withConnection(global, io, (conn) => listSnapshots(conn, a.positionals.domain as string));
    if (a.flags.has('tree')) {
      if (global.json) io.out(formatJson(snapshots.map(toJson)));
      else io.out(formatSnapshotTree(snapshots));
      return 0;
    }
    const wanted = snapshots
      .filter((s) => !a.flags.has('roots') || s.parent === undefined)
      .filter((s) => !a.flags.has('leaves') || s.children.length === 0)
      .filter((s) => !a.flags.has('no-leaves') || s.children.length > 0)
      .sort(byName);
    if (global.json) io.out(formatJson(wanted.map(toJson)));
    else if (a.flags.has('name')) io.out(wanted.map((s) => `${s.name}\n`).join(''));
    else if (a.flags.has('parent')) io.out(formatTable(['Name', 'Creation Time', 'State', 'Parent'], wanted.map((s) => [s.name, formatSnapshotTime(s.createTime), s.state, s.parent ?? ''])));
    else io.out(formatTable(['Name', 'Creation Time', 'State'], wanted.map((s) => [s.name, formatSnapshotTime(s.createTime), s.state])));
    return 0;
  },
};

const snapshotCurrent: Command = {
  help: 'the current snapshot of a domain (XML, or its name with --name)',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'snapshot-current', positionals: ['domain'], flags: ['name', 'security-info'] }, argv);
    const { dom, snapshot } = await withConnection(global, io, (conn) => currentSnapshot(conn, a.positionals.domain as string));
    if (global.json) io.out(formatJson(toJson(snapshot)));
    else if (a.flags.has('name')) io.out(`${snapshot.name}\n`);
    else io.out(formatSnapshotXml(snapshotDefOf(snapshot, dom.uuid)));
    return 0;
  },
};

const snapshotDumpxml: Command = {
  help: 'snapshot information in XML',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'snapshot-dumpxml', positionals: ['domain', 'snapshotname'], flags: ['security-info'] }, argv);
    const { dom, snapshot } = await withConnection(global, io, (conn) => getSnapshot(conn, a.positionals.domain as string, a.positionals.snapshotname as string));
    io.out(formatSnapshotXml(snapshotDefOf(snapshot, dom.uuid)));
    return 0;
  },
};

const snapshotRevert: Command = {
  help: 'revert a domain to a snapshot',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'snapshot-revert', positionals: ['domain', 'snapshotname'] }, argv);
    await withConnection(global, io, (conn) => revertSnapshot(conn, a.positionals.domain as string, a.positionals.snapshotname as string));
    // virsh prints nothing when a revert succeeds
    return 0;
  },
};

const snapshotDelete: Command = {
  help: 'delete a domain snapshot (and its descendants with --children)',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'snapshot-delete', positionals: ['domain', 'snapshotname'], flags: ['children'] }, argv);
    const { snapshot } = await withConnection(global, io, (conn) =>
      deleteSnapshot(conn, a.positionals.domain as string, a.positionals.snapshotname as string, { children: a.flags.has('children') }),
    );
    if (!global.quiet) io.out(`Domain snapshot ${snapshot.name} deleted\n`);
    return 0;
  },
};

/** name → command. */
export const snapshotCommands: Record<string, Command> = {
  'snapshot-create-as': snapshotCreateAs,
  'snapshot-list': snapshotList,
  'snapshot-current': snapshotCurrent,
  'snapshot-dumpxml': snapshotDumpxml,
  'snapshot-revert': snapshotRevert,
  'snapshot-delete': snapshotDelete,
};

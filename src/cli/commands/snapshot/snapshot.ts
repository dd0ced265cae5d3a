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
} from '../../../driver/snapshot/index.js';
import { formatSnapshotXml } from '../../../conf/index.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { tableLines } from '../../output.js';

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
  return {
    name: s.name,
    description: s.description,
    state: s.state,
    parent: s.parent ?? null,
    creationTime: s.createTime.toISOString(),
    current: s.current,
  };
}

const byName = (a: DomainSnapshot, b: DomainSnapshot): number =>
  a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const snapshotName = (help = 'snapshot name') => opt.string('snapshotname', help, { required: true, positional: true });

const snapshotCreateAs = defineCommand({
  name: 'snapshot-create-as',
  group: 'snapshot',
  help: 'create a snapshot (disk only) from a name and a description',
  description: 'Create a snapshot of the domain; an unnamed one is named after the current time in seconds, as virsh does.',
  options: [
    opt.domain(),
    opt.string('name', 'name of snapshot', { positional: true }),
    opt.string('description', 'description of snapshot', { positional: true }),
    opt.bool('quiesce', "quiesce guest's file systems (VMware Tools)"),
    opt.bool('disk-only', 'accepted for virsh compatibility'),
    opt.bool('atomic', 'accepted for virsh compatibility: ESX snapshots are atomic'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    // virsh names an unnamed snapshot after the current time in seconds
    const name = args.name ?? String(Math.floor(Date.now() / 1000));
    const { snapshot } = await createSnapshot(conn, args.domain, name, {
      quiesce: args.quiesce,
      ...(args.description !== undefined ? { description: args.description } : {}),
    });
    return { ...toJson(snapshot), message: `Domain snapshot ${snapshot.name} created` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
  trailer: 'none',
});

const snapshotList = defineCommand({
  name: 'snapshot-list',
  group: 'snapshot',
  help: 'list snapshots of a domain',
  description: 'Snapshot List: sorted by name, or as a tree with --tree.',
  options: [
    opt.domain(),
    opt.bool('parent', 'add a column showing parent snapshot'),
    opt.bool('roots', 'list only snapshots without parents'),
    opt.bool('leaves', 'list only snapshots without children'),
    opt.bool('no-leaves', 'list only snapshots that are not leaves (with children)'),
    opt.bool('tree', 'list snapshots in a tree'),
    opt.bool('name', 'list snapshot names only'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    const { snapshots } = await listSnapshots(conn, args.domain);
    if (args.tree) return snapshots;
    return snapshots
      .filter((s) => !args.roots || s.parent === undefined)
      .filter((s) => !args.leaves || s.children.length === 0)
      .filter((s) => !args['no-leaves'] || s.children.length > 0)
      .sort(byName);
  },
  text(snaps, { args }) {
    if (args.tree) return formatSnapshotTree(snaps);
    if (args.name) return snaps.map((s) => `${s.name}\n`).join('');
    if (args.parent)
      return tableLines(
        ['Name', 'Creation Time', 'State', 'Parent'],
        snaps.map((s) => [s.name, formatSnapshotTime(s.createTime), s.state, s.parent ?? '']),
      );
    return tableLines(
      ['Name', 'Creation Time', 'State'],
      snaps.map((s) => [s.name, formatSnapshotTime(s.createTime), s.state]),
    );
  },
  json: (snaps) => snaps.map(toJson),
  trailer: (_snaps, { args }) => (args.tree || args.name ? 'none' : 'always'),
});

const snapshotCurrent = defineCommand({
  name: 'snapshot-current',
  group: 'snapshot',
  help: 'the current snapshot of a domain (XML, or its name with --name)',
  description: 'Get the current snapshot of the domain.',
  options: [
    opt.domain(),
    opt.bool('name', 'list the name, rather than the full xml'),
    opt.bool('security-info', 'accepted for virsh compatibility'),
  ],
  connection: 'required',
  run: ({ args, conn }) => currentSnapshot(conn, args.domain),
  text: ({ dom, snapshot }, { args }) => (args.name ? `${snapshot.name}\n` : formatSnapshotXml(snapshotDefOf(snapshot, dom.uuid))),
  json: ({ snapshot }) => toJson(snapshot),
  trailer: 'none',
});

const snapshotDumpxml = defineCommand({
  name: 'snapshot-dumpxml',
  group: 'snapshot',
  help: 'snapshot information in XML',
  description: 'Snapshot Dump XML.',
  options: [opt.domain(), snapshotName(), opt.bool('security-info', 'accepted for virsh compatibility')],
  connection: 'required',
  async run({ args, conn }) {
    const { dom, snapshot } = await getSnapshot(conn, args.domain, args.snapshotname);
    return { xml: formatSnapshotXml(snapshotDefOf(snapshot, dom.uuid)) };
  },
  text: (d) => d.xml,
  trailer: 'none',
});

const snapshotRevert = defineCommand({
  name: 'snapshot-revert',
  group: 'snapshot',
  help: 'revert a domain to a snapshot',
  description: 'Revert domain to snapshot.',
  options: [opt.domain(), snapshotName()],
  connection: 'required',
  async run({ args, conn }) {
    const { dom, snapshot } = await revertSnapshot(conn, args.domain, args.snapshotname);
    return { domain: dom.name, name: snapshot.name, result: 'reverted' };
  },
  // virsh prints nothing when a revert succeeds
  text: () => '',
  trailer: 'none',
});

const snapshotDelete = defineCommand({
  name: 'snapshot-delete',
  group: 'snapshot',
  help: 'delete a domain snapshot (and its descendants with --children)',
  description: 'Snapshot Delete.',
  options: [opt.domain(), snapshotName(), opt.bool('children', 'delete snapshot and all children')],
  connection: 'required',
  async run({ args, conn }) {
    const { dom, snapshot } = await deleteSnapshot(conn, args.domain, args.snapshotname, { children: args.children });
    return { domain: dom.name, name: snapshot.name, result: 'deleted', message: `Domain snapshot ${snapshot.name} deleted` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
  trailer: 'none',
});

/** The snapshot commands. */
export const snapshotCommands: readonly Command[] = [
  snapshotCreateAs,
  snapshotList,
  snapshotCurrent,
  snapshotDumpxml,
  snapshotRevert,
  snapshotDelete,
];

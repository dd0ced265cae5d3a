/** snapshot-create-as, snapshot-list, snapshot-current, snapshot-dumpxml, snapshot-revert, snapshot-delete. */
import {
  createSnapshot,
  currentSnapshot,
  deleteSnapshot,
  getSnapshot,
  listSnapshots,
  revertSnapshot,
  snapshotDefOf,
  descendantsOf,
  getSnapshotInfo,
  type DomainSnapshot,
} from '../../../driver/snapshot/index.js';
import { formatSnapshotXml, parseSnapshotXml } from '../../../conf/index.js';
import { NotFoundError, UnsupportedError } from '../../../errors.js';
import { UsageError } from '../../exit-codes.js';
import { readInput } from '../../io.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { formatKeyValues, tableLines } from '../../output.js';

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
  help: 'Create a snapshot from a set of args',
  description:
    "Create a snapshot of the domain; an unnamed one is named after the current time in seconds, as virsh does. A running domain's snapshot keeps its memory unless --disk-only.",
  options: [
    opt.domain(),
    opt.string('name', 'name of snapshot', { positional: true }),
    opt.string('description', 'description of snapshot', { positional: true }),
    opt.bool('quiesce', "quiesce guest's file systems (VMware Tools)"),
    opt.bool('disk-only', "disk state only: not the guest's memory"),
    opt.bool('atomic', 'accepted for virsh compatibility: ESX snapshots are atomic'),
  ],
  connection: 'required',
  async run({ args, conn }) {
    // virsh names an unnamed snapshot after the current time in seconds
    const name = args.name ?? String(Math.floor(Date.now() / 1000));
    const { snapshot } = await createSnapshot(conn, args.domain, name, {
      quiesce: args.quiesce,
      diskOnly: args['disk-only'],
      ...(args.description !== undefined ? { description: args.description } : {}),
    });
    return { ...toJson(snapshot), message: `Domain snapshot ${snapshot.name} created` };
  },
  // virsh prints this message without a newline of its own: the line ends with the newline after every command
  text: (d, { quiet }) => (quiet ? '' : d.message),
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
    opt.string('from', 'limit list to children of given snapshot'),
    opt.bool('current', 'limit list to children of current snapshot'),
    opt.bool('descendants', 'with --from, list all descendants'),
  ],
  exclusive: [
    ['from', 'current'],
    ['tree', 'parent'],
  ],
  connection: 'required',
  async run({ args, conn }) {
    const { dom, snapshots: all } = await listSnapshots(conn, args.domain);
    let snapshots = all;
    const from = args.current ? all.find((s) => s.current)?.name : args.from;
    if (args.current && from === undefined) throw new NotFoundError(`domain '${dom.name}' has no current snapshot`);
    if (from !== undefined) {
      const start = all.find((s) => s.name === from);
      if (start === undefined) throw new NotFoundError(`Domain snapshot not found: no domain snapshot with matching name '${from}'`);
      snapshots = args.descendants ? descendantsOf(all, from) : all.filter((s) => s.parent === from);
      // a tree of a subtree has its start as the root
      if (args.tree) return [{ ...start, parent: undefined }, ...descendantsOf(all, from)];
    }
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
  // virsh prints the name without a newline of its own
  text: ({ dom, snapshot }, { args }) => (args.name ? snapshot.name : formatSnapshotXml(snapshotDefOf(snapshot, dom.uuid))),
  json: ({ snapshot }) => toJson(snapshot),
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
    return { domain: dom.name, name: snapshot.name, result: 'reverted', message: `Domain snapshot ${snapshot.name} reverted` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
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
});

const snapshotCreate = defineCommand({
  name: 'snapshot-create',
  group: 'snapshot',
  help: 'Create a snapshot from XML',
  description:
    "Create a snapshot from a <domainsnapshot> XML document (name, description, <memory snapshot='no|internal'>); without one, a snapshot named after the current time.",
  options: [
    opt.domain(),
    opt.string('xmlfile', "domain snapshot XML ('-': standard input)", { positional: true }),
    opt.bool('disk-only', "disk state only: not the guest's memory"),
    opt.bool('quiesce', "quiesce guest's file systems (VMware Tools)"),
    opt.bool('atomic', 'accepted for virsh compatibility: ESX snapshots are atomic'),
  ],
  connection: 'required',
  prepare: async ({ args }) =>
    args.xmlfile === undefined ? undefined : parseSnapshotXml((await readInput(args.xmlfile)).toString('utf8')),
  async run({ args, conn, input }) {
    if (input?.memory === 'external')
      throw new UnsupportedError("<memory snapshot='external'> is not supported by ESX: snapshots keep the memory with the VM");
    const name = input?.name ?? String(Math.floor(Date.now() / 1000));
    const { snapshot } = await createSnapshot(conn, args.domain, name, {
      quiesce: args.quiesce,
      diskOnly: args['disk-only'] || input?.memory === 'no',
      ...(input?.memory === 'internal' ? { memory: true } : {}),
      ...(input?.description !== undefined ? { description: input.description } : {}),
    });
    const message =
      args.xmlfile === undefined
        ? `Domain snapshot ${snapshot.name} created`
        : `Domain snapshot ${snapshot.name} created from '${args.xmlfile}'`;
    return { ...toJson(snapshot), message };
  },
  text: (d, { quiet }) => (quiet ? '' : d.message),
});

const snapshotInfo = defineCommand({
  name: 'snapshot-info',
  group: 'snapshot',
  help: 'snapshot information',
  description: 'Returns basic information about a snapshot.',
  options: [
    opt.domain(),
    opt.string('snapshotname', 'snapshot name', { positional: true }),
    opt.bool('current', 'info on current snapshot'),
  ],
  exclusive: [['snapshotname', 'current']],
  connection: 'required',
  prepare({ args }) {
    if (args.snapshotname === undefined && !args.current) throw new UsageError('--snapshotname or --current is required');
  },
  run: ({ args, conn }) => getSnapshotInfo(conn, args.domain, args.current ? undefined : args.snapshotname),
  text: (i) =>
    formatKeyValues([
      ['Name', i.name],
      ['Domain', i.domain],
      ['Current', i.current ? 'yes' : 'no'],
      ['State', i.state],
      ['Location', i.location],
      ['Parent', i.parent ?? '-'],
      ['Children', i.children],
      ['Descendants', i.descendants],
      ['Metadata', i.metadata ? 'yes' : 'no'],
    ]),
  json: (i) => ({ ...i, parent: i.parent ?? null }),
});

const snapshotParent = defineCommand({
  name: 'snapshot-parent',
  group: 'snapshot',
  help: 'Get the name of the parent of a snapshot',
  description: 'Extract the name of the parent snapshot.',
  options: [
    opt.domain(),
    opt.string('snapshotname', 'find parent of snapshot name', { positional: true }),
    opt.bool('current', 'find parent of current snapshot'),
  ],
  exclusive: [['snapshotname', 'current']],
  connection: 'required',
  prepare({ args }) {
    if (args.snapshotname === undefined && !args.current) throw new UsageError('--snapshotname or --current is required');
  },
  async run({ args, conn }) {
    const i = await getSnapshotInfo(conn, args.domain, args.current ? undefined : args.snapshotname);
    if (i.parent === undefined) throw new NotFoundError(`snapshot '${i.name}' has no parent`, { bare: true });
    return { name: i.name, parent: i.parent };
  },
  // virsh prints the name without a newline of its own
  text: (d) => d.parent,
});

/** The snapshot commands. */
export const snapshotCommands: readonly Command[] = [
  snapshotCreateAs,
  snapshotList,
  snapshotCurrent,
  snapshotDumpxml,
  snapshotRevert,
  snapshotCreate,
  snapshotInfo,
  snapshotParent,
  snapshotDelete,
];

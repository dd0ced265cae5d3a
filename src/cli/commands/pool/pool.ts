/** pool-list, pool-info, pool-dumpxml, pool-refresh, pool-uuid, pool-name, pool-autostart (virsh's help group 'pool'). */
import { formatPoolXml } from '../../../conf/index.js';
import { listPools, lookupPool, poolDefOf, refreshPool, setPoolAutostart, type StoragePool } from '../../../driver/storage/index.js';
import { defineCommand, unlessQuiet, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { formatKeyValues, tableLines } from '../../output.js';
import { byName, poolArg, poolJson, prettyCapacity } from '../volume/shared.js';

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

const poolList = defineCommand({
  name: 'pool-list',
  group: 'pool',
  help: 'list pools',
  description: 'Returns list of pools (datastores, and the targets of the iSCSI adapter).',
  options: [
    opt.bool('inactive', 'list inactive pools'),
    opt.bool('all', 'list inactive & active pools'),
    opt.bool('transient', 'list transient pools'),
    opt.bool('persistent', 'list persistent pools'),
    opt.bool('autostart', 'list pools with autostart enabled'),
    opt.bool('no-autostart', 'list pools with autostart disabled'),
    opt.string('type', 'only list pool of specified type(s) (if supported)'),
    opt.bool('details', 'display extended details for pools'),
    opt.bool('uuid', 'list UUID of active pools only'),
    opt.bool('name', 'list name of active pools only'),
  ],
  exclusive: [
    ['details', 'name'],
    ['details', 'uuid'],
    ['uuid', 'name'],
  ],
  connection: 'required',
  async run({ args, conn }) {
    const types = args.type?.split(',').map((t) => t.trim()) ?? [];
    // ESX pools are always active, persistent and autostarted (libvirt's ESX driver).
    const empty = (args.inactive && !args.all) || args.transient || args['no-autostart'];
    const pools = empty ? [] : await listPools(conn);
    return pools.filter((p) => types.length === 0 || types.includes(p.type)).sort(byName);
  },
  text(pools, { args }) {
    if (args.name) return pools.map((p) => `${p.name.padEnd(20)}\n`).join('');
    if (args.uuid) return pools.map((p) => `${p.uuid.padEnd(36)}\n`).join('');
    if (args.details)
      return tableLines(
        ['Name', 'State', 'Autostart', 'Persistent', 'Capacity', 'Allocation', 'Available'],
        pools.map((p) => {
          const running = p.state === 'running';
          return [
            p.name,
            p.state,
            yesNo(p.autostart),
            yesNo(p.persistent),
            running ? prettyCapacity(p.capacity) : '-',
            running ? prettyCapacity(p.allocation) : '-',
            running ? prettyCapacity(p.available) : '-',
          ];
        }),
      );
    return tableLines(
      ['Name', 'State', 'Autostart'],
      pools.map((p) => [p.name, p.state === 'running' ? 'active' : 'inactive', yesNo(p.autostart)]),
    );
  },
  json: (pools) => pools.map(poolJson),
});

const poolInfo = defineCommand({
  name: 'pool-info',
  group: 'pool',
  help: 'storage pool information',
  description: 'Returns basic information about the storage pool.',
  options: [poolArg(), opt.bool('bytes', 'Reture pool info in bytes')],
  connection: 'required',
  run: ({ args, conn }) => lookupPool(conn, args.pool),
  text(p, { args }) {
    const size = (n: number): string => (args.bytes ? String(n) : prettyCapacity(n));
    const rows: [string, string][] = [
      ['Name', p.name],
      ['UUID', p.uuid],
      ['State', p.state],
      ['Persistent', yesNo(p.persistent)],
      ['Autostart', yesNo(p.autostart)],
    ];
    // virsh shows sizes of running pools only.
    if (p.state === 'running')
      rows.push(['Capacity', size(p.capacity)], ['Allocation', size(p.allocation)], ['Available', size(p.available)]);
    return formatKeyValues(rows);
  },
  json: poolJson,
});

const poolDumpxml = defineCommand({
  name: 'pool-dumpxml',
  group: 'pool',
  help: 'pool information in XML',
  description: 'Output the pool information as an XML dump to stdout.',
  options: [poolArg(), opt.bool('inactive', 'show inactive defined XML (the same: ESX pools are always active)')],
  connection: 'required',
  run: async ({ args, conn }) => ({ xml: formatPoolXml(poolDefOf(await lookupPool(conn, args.pool))) }),
  text: (d) => d.xml,
});

const poolRefresh = defineCommand({
  name: 'pool-refresh',
  group: 'pool',
  help: 'refresh a pool',
  description: "Refresh a given pool: the server rereads a datastore's capacity, or rescans the iSCSI adapter.",
  options: [poolArg()],
  connection: 'required',
  async run({ args, conn }) {
    const p = await refreshPool(conn, args.pool);
    return { name: p.name, result: 'refreshed', message: `Pool ${p.name} refreshed` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

const poolUuid = defineCommand({
  name: 'pool-uuid',
  group: 'pool',
  help: 'convert a pool name to pool UUID',
  description: 'Returns UUID of a pool (the MD5 sum of its mount path, as libvirt makes it).',
  options: [poolArg('pool name')],
  connection: 'required',
  run: async ({ args, conn }) => ({ uuid: (await lookupPool(conn, args.pool)).uuid }),
  text: (d) => `${d.uuid}\n`,
});

const poolName = defineCommand({
  name: 'pool-name',
  group: 'pool',
  help: 'convert a pool UUID to pool name',
  options: [poolArg('pool uuid')],
  connection: 'required',
  run: async ({ args, conn }) => ({ name: (await lookupPool(conn, args.pool)).name }),
  text: (d) => `${d.name}\n`,
});

const poolAutostart = defineCommand({
  name: 'pool-autostart',
  group: 'pool',
  help: 'autostart a pool',
  description: 'Configure a pool to be automatically started at boot: ESX pools always are, and that cannot be turned off.',
  options: [poolArg(), opt.bool('disable', 'disable autostarting')],
  connection: 'required',
  async run({ args, conn }) {
    const p: StoragePool = await setPoolAutostart(conn, args.pool, !args.disable);
    return { name: p.name, autostart: true, message: `Pool ${p.name} marked as autostarted` };
  },
  text: (d, ctx) => unlessQuiet(ctx, d.message),
});

/** The pool commands. */
export const poolCommands: readonly Command[] = [poolList, poolInfo, poolDumpxml, poolRefresh, poolUuid, poolName, poolAutostart];

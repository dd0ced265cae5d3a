/** list, domid, domname, domuuid. */
import { listDomains, lookupDomain, type DomainRef } from '../../../driver/domain/index.js';
import { defineCommand, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { tableLines } from '../../output.js';

const idOf = (d: { id: number }): number | null => (d.id >= 0 ? d.id : null);

const list = defineCommand({
  name: 'list',
  group: 'monitor',
  help: 'list domains',
  description: 'Returns list of domains (running ones unless --all or --inactive).',
  options: [
    opt.bool('inactive', 'list inactive domains'),
    opt.bool('all', 'list inactive & active domains'),
    opt.bool('transient', 'list transient domains (ESX has none)'),
    opt.bool('persistent', 'list persistent domains (every ESX domain is)'),
    opt.bool('with-snapshot', 'list domains with existing snapshot'),
    opt.bool('without-snapshot', 'list domains without a snapshot'),
    opt.bool('state-running', 'list domains in running state'),
    opt.bool('state-paused', 'list domains in paused state'),
    opt.bool('state-shutoff', 'list domains in shutoff state'),
    opt.bool('state-other', 'list domains in other states'),
    opt.bool('autostart', 'list domains with autostart enabled'),
    opt.bool('no-autostart', 'list domains with autostart disabled'),
    opt.bool('with-managed-save', 'list domains with managed save state (ESX has none)'),
    opt.bool('without-managed-save', 'list domains without managed save'),
    opt.bool('uuid', "list uuid's only"),
    opt.bool('name', 'list domain names only'),
    opt.bool('id', 'list domain IDs only'),
    opt.bool('table', 'list table (default)'),
    opt.bool('managed-save', 'mark inactive domains with managed save state (ESX has none)'),
    opt.bool('title', 'show domain title'),
  ],
  exclusive: [
    ['transient', 'persistent'],
    ['with-snapshot', 'without-snapshot'],
    ['autostart', 'no-autostart'],
    ['with-managed-save', 'without-managed-save'],
    ['table', 'name'],
    ['table', 'uuid'],
    ['table', 'id'],
  ],
  connection: 'required',
  // listing needs no host context on esx:// (a vpx:// connection resolves it anyway)
  deferHost: true,
  async run({ args, conn, global }) {
    const states = (
      [
        ['state-running', 'running'],
        ['state-paused', 'paused'],
        ['state-shutoff', 'shut off'],
        ['state-other', 'no state'],
      ] as const
    )
      .filter(([flag]) => args[flag])
      .map(([, state]) => state);
    // ESX keeps no managed save: asking for domains with one lists none
    if (args['with-managed-save']) return [];
    return listDomains(conn, {
      all: args.all || args['without-managed-save'],
      inactive: args.inactive,
      // UUIDs are read only when printed: the plain table moves half the bytes without them
      uuid: global.json || args.uuid,
      ...(states.length > 0 ? { states } : {}),
      ...(args.persistent || args.transient ? { persistent: args.persistent } : {}),
      ...(args.autostart || args['no-autostart'] ? { autostart: args.autostart } : {}),
      ...(args['with-snapshot'] || args['without-snapshot'] ? { snapshot: args['with-snapshot'] } : {}),
    });
  },
  text(doms, { args }) {
    if ((args.name || args.uuid || args.id) && !args.table) {
      // virsh prints the chosen columns of each domain, id, then uuid, then name; inactive domains have no id
      return doms
        .filter((d) => !args.id || args.name || args.uuid || d.id >= 0)
        .map(
          (d) =>
            `${[args.id ? (d.id >= 0 ? String(d.id) : '-') : '', args.uuid ? d.uuid : '', args.name ? d.name : ''].filter(Boolean).join(' ')}\n`,
        )
        .join('');
    }
    const header = args.title ? ['Id', 'Name', 'State', 'Title'] : ['Id', 'Name', 'State'];
    // ESX domains have no <title>: the column is empty, as for any domain without one
    return tableLines(
      header,
      doms.map((d) => [d.id >= 0 ? String(d.id) : '-', d.name, d.state, ...(args.title ? [''] : [])]),
    );
  },
  json: (doms) => doms.map((d) => ({ id: idOf(d), name: d.name, uuid: d.uuid, state: d.state })),
});

function identity(name: string, pick: (d: DomainRef) => string, help: string): Command {
  return defineCommand({
    name,
    group: 'domain',
    help,
    options: [opt.domain()],
    connection: 'required',
    run: async ({ args, conn }) => (await lookupDomain(conn, args.domain)).dom,
    text: (dom) => `${pick(dom)}\n`,
    json: (dom) => ({ id: idOf(dom), name: dom.name, uuid: dom.uuid }),
  });
}

/** The listing and identity commands. */
export const domainListCommands: readonly Command[] = [
  list,
  identity('domid', (d) => (d.id >= 0 ? String(d.id) : '-'), 'convert a domain name or UUID to domain id'),
  identity('domname', (d) => d.name, 'convert a domain id or UUID to domain name'),
  identity('domuuid', (d) => d.uuid, 'convert a domain name or id to domain UUID'),
];

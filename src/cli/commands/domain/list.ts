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
    opt.bool('uuid', "list uuid's only"),
    opt.bool('name', 'list domain names only'),
    opt.bool('table', 'list table (default)'),
  ],
  connection: 'required',
  // listing needs no host context on esx:// (a vpx:// connection resolves it anyway)
  deferHost: true,
  run: ({ args, conn, global }) =>
    // UUIDs are read only when printed: the plain table moves half the bytes without them
    listDomains(conn, { all: args.all, inactive: args.inactive, uuid: global.json || args.uuid }),
  text(doms, { args }) {
    if ((args.name || args.uuid) && !args.table) {
      return doms.map((d) => `${[args.uuid ? d.uuid : '', args.name ? d.name : ''].filter(Boolean).join(' ')}\n`).join('');
    }
    return tableLines(
      ['Id', 'Name', 'State'],
      doms.map((d) => [d.id >= 0 ? String(d.id) : '-', d.name, d.state]),
    );
  },
  json: (doms) => doms.map((d) => ({ id: idOf(d), name: d.name, uuid: d.uuid, state: d.state })),
  trailer: 'always',
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
    trailer: 'always',
  });
}

/** The listing and identity commands. */
export const domainListCommands: readonly Command[] = [
  list,
  identity('domid', (d) => (d.id >= 0 ? String(d.id) : '-'), 'convert a domain name or UUID to domain id'),
  identity('domname', (d) => d.name, 'convert a domain id or UUID to domain name'),
  identity('domuuid', (d) => d.uuid, 'convert a domain name or id to domain UUID'),
];

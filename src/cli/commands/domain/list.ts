/** list, domid, domname, domuuid. */
import { listDomains } from '../../../driver/domain/list.js';
import { lookupDomain } from '../../../driver/domain/ref.js';
import { parseArgs } from '../../args.js';
import { withConnection } from '../../connect.js';
import { formatJson, formatTable } from '../../output.js';
import type { Command } from '../types.js';

const list: Command = {
  help: 'list domains',
  async run(argv, io, global) {
    const a = parseArgs({ name: 'list', positionals: [], flags: ['all', 'inactive', 'name', 'uuid', 'table'] }, argv);
    // UUIDs are read only when printed: the plain table moves half the bytes without them
    const uuid = global.json || a.flags.has('uuid');
    // listing needs no host context on esx:// (a vpx:// connection resolves it anyway)
    const doms = await withConnection(global, io, (conn) => listDomains(conn, { all: a.flags.has('all'), inactive: a.flags.has('inactive'), uuid }), { deferHost: true });
    if (global.json) {
      io.out(formatJson(doms.map((d) => ({ id: d.id >= 0 ? d.id : null, name: d.name, uuid: d.uuid, state: d.state }))));
    } else if ((a.flags.has('name') || a.flags.has('uuid')) && !a.flags.has('table')) {
      const lines = doms.map((d) => [a.flags.has('uuid') ? d.uuid : '', a.flags.has('name') ? d.name : ''].filter(Boolean).join(' '));
      io.out(lines.map((l) => `${l}\n`).join('') + '\n');
    } else {
      io.out(formatTable(['Id', 'Name', 'State'], doms.map((d) => [d.id >= 0 ? String(d.id) : '-', d.name, d.state])));
    }
    return 0;
  },
};

function identity(name: string, pick: (d: { id: number; name: string; uuid: string }) => string, help: string): Command {
  return {
    help,
    async run(argv, io, global) {
      const a = parseArgs({ name, positionals: ['domain'] }, argv);
      const { dom } = await withConnection(global, io, (conn) => lookupDomain(conn, a.positionals.domain as string));
      if (global.json) io.out(formatJson({ id: dom.id >= 0 ? dom.id : null, name: dom.name, uuid: dom.uuid }));
      else io.out(`${pick(dom)}\n\n`);
      return 0;
    },
  };
}

/** name → command. */
export const domainListCommands: Record<string, Command> = {
  list,
  domid: identity('domid', (d) => (d.id >= 0 ? String(d.id) : '-'), 'convert a domain name or UUID to domain id'),
  domname: identity('domname', (d) => d.name, 'convert a domain id or UUID to domain name'),
  domuuid: identity('domuuid', (d) => d.uuid, 'convert a domain name or id to domain UUID'),
};

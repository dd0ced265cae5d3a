/** vcpucount, maxvcpus, memtune, desc. */
import { UnsupportedError } from '../../../errors.js';
import { getDescription, getMemoryTune, getVcpuCount, maxVcpus, setDescription, setMemoryTune } from '../../../driver/domain/index.js';
import { defineCommand, type Command } from '../../command.js';
import { opt } from '../../options.js';
import { MODIFY_EXCLUSIVE, MODIFY_OPTIONS } from './tuning.js';

const row = (what: string, where: string, n: number): string => `${what.padEnd(12)} ${where.padEnd(12)} ${String(n).padStart(3)}\n`;

const vcpucount = defineCommand({
  name: 'vcpucount',
  group: 'domain',
  help: 'domain vcpu counts',
  description: 'Returns the number of virtual CPUs used by the domain (live only while it is active).',
  options: [
    opt.domain(),
    opt.bool('maximum', 'get maximum count of vcpus'),
    opt.bool('active', 'get number of currently active vcpus'),
    opt.bool('live', 'get value from running domain'),
    opt.bool('config', 'get value to be used on next boot'),
    opt.bool('current', 'get value according to current domain state'),
    opt.bool('guest', 'retrieve vcpu count from the guest instead of the hypervisor (not on ESX)'),
  ],
  exclusive: [['maximum', 'active'], ...MODIFY_EXCLUSIVE],
  connection: 'required',
  async run({ args, conn }) {
    if (args.guest) throw new UnsupportedError('vcpucount --guest needs a guest agent: VMware Tools report no vCPU count');
    return getVcpuCount(conn, args.domain);
  },
  text(c, { args }) {
    const kinds = args.maximum ? (['maximum'] as const) : args.active ? (['current'] as const) : (['maximum', 'current'] as const);
    const active = c.current.live !== undefined;
    const wheres = args.live
      ? (['live'] as const)
      : args.config
        ? (['config'] as const)
        : args.current
          ? active
            ? (['live'] as const)
            : (['config'] as const)
          : (['config', 'live'] as const);
    let out = '';
    for (const k of kinds) {
      for (const w of wheres) {
        const n = c[k][w];
        if (n !== undefined) out += row(k, w, n);
      }
    }
    return out;
  },
  json: (c) => ({ name: c.dom.name, maximum: c.maximum, current: c.current }),
});

const maxvcpus = defineCommand({
  name: 'maxvcpus',
  group: 'host',
  help: 'connection vcpu maximum',
  description: 'Get the maximum number of virtual CPUs a domain may have on this host (by the hardware version it creates).',
  options: [opt.string('type', 'domain type (vmware)')],
  connection: 'required',
  run({ args, conn }) {
    if (args.type !== undefined && args.type !== 'vmware')
      throw new UnsupportedError(`domain type '${args.type}' is not offered by ESX: only 'vmware' is`);
    return { maxVcpus: maxVcpus(conn) };
  },
  text: (d) => `${d.maxVcpus}\n`,
});

const memtune = defineCommand({
  name: 'memtune',
  group: 'domain',
  help: 'Get or set memory parameters',
  description: "Get or set the current memory parameters of a domain; ESX has min_guarantee (the VM's memory reservation).",
  options: [
    opt.domain(),
    opt.size('hard-limit', 'Max memory, as scaled integer (not on ESX)'),
    opt.size('soft-limit', 'Memory during contention, as scaled integer (not on ESX)'),
    opt.size('swap-hard-limit', 'Max memory plus swap, as scaled integer (not on ESX)'),
    opt.size('min-guarantee', 'Min guaranteed memory, as scaled integer (default KiB)'),
    ...MODIFY_OPTIONS,
  ],
  exclusive: MODIFY_EXCLUSIVE,
  connection: 'required',
  async run({ args, conn }) {
    for (const name of ['hard-limit', 'soft-limit', 'swap-hard-limit'] as const) {
      if (args[name] !== undefined)
        throw new UnsupportedError(`memtune --${name} is not supported on ESX: only --min-guarantee (the memory reservation) is`);
    }
    const mg = args['min-guarantee'];
    if (mg !== undefined) return { set: true, ...(await setMemoryTune(conn, args.domain, mg, { live: args.live, config: args.config })) };
    return { set: false, ...(await getMemoryTune(conn, args.domain)) };
  },
  // virsh prints the parameters when it sets none, and nothing else when it sets some
  text: (t) => (t.set ? '' : `${'min_guarantee'.padEnd(15)}: ${t.minGuaranteeKiB}\n`),
  json: (t) => ({ name: t.dom.name, minGuaranteeKiB: t.minGuaranteeKiB }),
});

const desc = defineCommand({
  name: 'desc',
  group: 'domain',
  help: "show or set domain's description or title",
  description: "Allows setting or modifying the description of a domain (the VM's annotation); vSphere VMs have no title.",
  options: [
    opt.domain(),
    ...MODIFY_OPTIONS,
    opt.bool('title', 'modify/get the title instead of description'),
    opt.bool('edit', 'open an editor to modify the description (not supported: use --new-desc)'),
    opt.argv('new-desc', 'message', { positional: true }),
  ],
  exclusive: MODIFY_EXCLUSIVE,
  connection: 'required',
  async run({ args, conn }) {
    if (args.edit) throw new UnsupportedError('desc --edit is not supported: give the text with --new-desc');
    const what = args.title ? 'title' : 'description';
    if (args['new-desc'].length > 0) {
      const dom = await setDescription(conn, args.domain, args['new-desc'].join(' '), {
        title: args.title,
        live: args.live,
        config: args.config,
      });
      return { name: dom.name, [what]: args['new-desc'].join(' '), message: `Domain ${what} updated successfully` };
    }
    const { dom, text } = await getDescription(conn, args.domain, { title: args.title });
    return { name: dom.name, [what]: text, message: text === '' ? `No ${what} for domain: ${dom.name}` : undefined };
  },
  // virsh prints the text (or its message) without a newline of its own
  text: (d, { quiet, args }) => {
    const value = (args.title ? d.title : d.description) as string;
    if (d.message !== undefined) return quiet ? '' : d.message;
    return value;
  },
});

/** The settings commands. */
export const domainSettingsCommands: readonly Command[] = [vcpucount, maxvcpus, memtune, desc];

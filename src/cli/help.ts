/** virsh's help layouts from the command declarations: the grouped listing, one command's page, and --help. */
import { VERSION } from '../version.js';
import { GROUPS, type Command, type CommandTable, type GroupKeyword } from './command.js';
import { GLOBAL_OPTIONS_HELP } from './global-options.js';
import type { AnyOption } from './options.js';

/** One help group with its commands (aliases not listed, as virsh). */
export interface GroupListing {
  keyword: GroupKeyword;
  title: string;
  commands: { name: string; help: string }[];
}

/** The groups that have commands, in GROUPS order, or only `only`; commands sorted by name. */
export function groupListings(table: CommandTable, only?: GroupKeyword): GroupListing[] {
  const keywords = Object.keys(GROUPS).filter((k): k is GroupKeyword => k in GROUPS && (only === undefined || k === only));
  return keywords
    .map((keyword) => ({
      keyword,
      title: GROUPS[keyword],
      commands: table.commands
        .filter((c) => c.group === keyword)
        .map((c) => ({ name: c.name, help: c.help }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    }))
    .filter((g) => g.commands.length > 0);
}

/** Groups as `virsh help` prints them: " Title (help keyword 'kw'):", "    %-30s %s" lines, an empty line after each. */
export function formatGroups(groups: readonly GroupListing[], colon = true): string {
  return groups
    .map(
      (g) =>
        ` ${g.title} (help keyword '${g.keyword}')${colon ? ':' : ''}\n${g.commands.map((c) => `    ${c.name.padEnd(30)} ${c.help}\n`).join('')}\n`,
    )
    .join('');
}

/** One option on a command's help page. */
export interface OptionHelp {
  name: string;
  kind: AnyOption['kind'];
  required: boolean;
  positional: boolean;
  help: string;
  /** An enum's words. */
  values?: string[];
  /** Its SYNOPSIS form, e.g. `<domain>`, `[--all]`, `[--hw-version <number>]`. */
  synopsis: string;
  /** Its OPTIONS column, e.g. `[--domain] <string>`, `--mode <string>`. */
  label: string;
}

/** One command's help page. */
export interface CommandHelp {
  name: string;
  aliases: string[];
  group: GroupKeyword;
  help: string;
  description: string;
  synopsis: string;
  options: OptionHelp[];
}

const TYPE: Record<AnyOption['kind'], string> = {
  bool: '',
  string: 'string',
  domain: 'string',
  int: 'number',
  size: 'number',
  enum: 'string',
  argv: 'string',
};

function optionHelp(o: AnyOption): OptionHelp {
  const type = `<${TYPE[o.kind]}>`;
  const positional = o.kind !== 'bool' && o.positional;
  const required = o.kind !== 'bool' && o.required;
  let synopsis: string;
  let label: string;
  if (o.kind === 'bool') [synopsis, label] = [`[--${o.name}]`, `--${o.name}`];
  else if (o.kind === 'argv')
    [synopsis, label] = positional
      ? [`[[--${o.name}] ${type}]...`, `[--${o.name}] ${type}`]
      : [`[--${o.name} ${type}]...`, `--${o.name} ${type}`];
  else if (positional) [synopsis, label] = [required ? `<${o.name}>` : `[<${o.name}>]`, `[--${o.name}] ${type}`];
  else [synopsis, label] = [required ? `--${o.name} ${type}` : `[--${o.name} ${type}]`, `--${o.name} ${type}`];
  const values = o.kind === 'enum' ? { values: [...o.values] } : {};
  return { name: o.name, kind: o.kind, required, positional, help: o.help, ...values, synopsis, label };
}

/** The help page of `cmd`. */
export function commandHelp(cmd: Command): CommandHelp {
  const options = cmd.options.map(optionHelp);
  return {
    name: cmd.name,
    aliases: [...(cmd.aliases ?? [])],
    group: cmd.group,
    help: cmd.help,
    description: cmd.description ?? cmd.help,
    synopsis: [cmd.name, ...options.map((o) => o.synopsis)].join(' '),
    options,
  };
}

/** virsh's per-command layout: NAME, SYNOPSIS, DESCRIPTION, OPTIONS ("    %-15s  %s"). */
export function formatCommandHelp(h: CommandHelp): string {
  const aliases = h.aliases.length > 0 ? ` (also: ${h.aliases.join(', ')})` : '';
  let out = `  NAME\n    ${h.name} - ${h.help}${aliases}\n\n  SYNOPSIS\n    ${h.synopsis}\n\n  DESCRIPTION\n    ${h.description}\n`;
  if (h.options.length > 0) {
    out += '\n  OPTIONS\n';
    for (const o of h.options) out += `    ${o.label.padEnd(15)}  ${o.help}${o.values ? ` (${o.values.join('|')})` : ''}\n`;
  }
  return `${out}\n`;
}

/** `esxvirt --help` (and `esxvirt` alone): usage, the global options, every group. */
export function usage(table: CommandTable): string {
  return [
    `esxvirt ${VERSION}: manage VMware ESX/ESXi, GSX and vCenter hosts the way virsh does`,
    '',
    'Usage: esxvirt [OPTIONS] COMMAND [ARGS...]',
    '',
    '  options:',
    ...GLOBAL_OPTIONS_HELP.map(([flags, help]) => `    ${flags.padEnd(22)}  ${help}`),
    '',
    '  commands:',
    '',
    formatGroups(groupListings(table), false) + '  (specify help <group> for details about the commands in the group)',
    '',
    '  (specify help <command> for details about the command)',
    '',
    '',
  ].join('\n');
}

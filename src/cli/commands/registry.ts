/** The command table: every group folder's declarations, checked once at load (a clash is a bug, not a choice). */
import type { Command, CommandTable } from '../command.js';
import { domainCommands } from './domain/index.js';
import { hostCommands } from './host/index.js';
import { interfaceCommands } from './interface/index.js';
import { networkCommands } from './network/index.js';
import { migrateGroupCommands } from './migrate/index.js';
import { poolCommands } from './pool/index.js';
import { snapshotCommands } from './snapshot/index.js';
import { virshCommands } from './virsh/index.js';
import { volumeCommands } from './volume/index.js';

/** Throws when a command's options cannot be parsed unambiguously. */
function checkOptions(cmd: Command): void {
  const seen = new Set<string>();
  let optionalSeen = false;
  let argvSeen = false;
  for (const o of cmd.options) {
    if (seen.has(o.name)) throw new Error(`command '${cmd.name}' declares option --${o.name} twice`);
    seen.add(o.name);
    if (o.kind === 'bool' || !o.positional) continue;
    if (argvSeen)
      throw new Error(`command '${cmd.name}': positional option --${o.name} follows a positional argv option, which takes every word`);
    if (o.required && optionalSeen)
      throw new Error(`command '${cmd.name}': required positional option --${o.name} follows an optional one`);
    optionalSeen ||= !o.required;
    argvSeen ||= o.kind === 'argv';
  }
  for (const pair of cmd.exclusive ?? []) {
    for (const n of pair) if (!seen.has(n)) throw new Error(`command '${cmd.name}': exclusive option --${n} is not declared`);
  }
}

/** Builds the table; throws on a duplicate name or alias, or an ambiguous option list. */
export function buildTable(commands: readonly Command[]): CommandTable {
  const byName = new Map<string, Command>();
  for (const cmd of commands) {
    checkOptions(cmd);
    for (const n of [cmd.name, ...(cmd.aliases ?? [])]) {
      const other = byName.get(n);
      if (other !== undefined) throw new Error(`duplicate command name '${n}' (commands '${other.name}' and '${cmd.name}')`);
      byName.set(n, cmd);
    }
  }
  return { commands, get: (name) => byName.get(name), names: () => [...byName.keys()] };
}

/** All commands. */
export const COMMANDS: CommandTable = buildTable([
  ...domainCommands,
  ...snapshotCommands,
  ...hostCommands,
  ...interfaceCommands,
  ...networkCommands,
  ...migrateGroupCommands,
  ...poolCommands,
  ...volumeCommands,
  ...virshCommands,
]);

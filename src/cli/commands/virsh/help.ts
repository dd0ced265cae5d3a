/** `help`, `help GROUP`, `help COMMAND` (also `COMMAND --help`): virsh's help from the command declarations. */
import { defineCommand, GROUPS, type Command, type GroupKeyword } from '../../command.js';
import { commandHelp, formatCommandHelp, formatGroups, groupListings, type CommandHelp, type GroupListing } from '../../help.js';
import { opt } from '../../options.js';
import { unknownCommand } from '../../suggest.js';

const isGroup = (word: string): word is GroupKeyword => Object.hasOwn(GROUPS, word);

/** The help command. */
export const help = defineCommand({
  name: 'help',
  group: 'virsh',
  help: 'print help',
  description: 'Prints global help, command specific help, or help for a group of related commands.',
  options: [
    opt.string('command', 'prints global help, command specific help, or help for a group of related commands', { positional: true }),
  ],
  connection: 'none',
  run({ args, table }): { groups: GroupListing[]; all: boolean } | { command: CommandHelp } {
    const word = args.command;
    if (word === undefined) return { groups: groupListings(table), all: true };
    const cmd = table.get(word);
    if (cmd !== undefined) return { command: commandHelp(cmd) };
    const groups = isGroup(word) ? groupListings(table, word) : [];
    if (groups.length > 0) return { groups, all: false };
    throw unknownCommand(word, table.names());
  },
  text: (d) => ('command' in d ? formatCommandHelp(d.command) : `${d.all ? 'Grouped commands:\n\n' : ''}${formatGroups(d.groups)}`),
  json: (d) => ('command' in d ? d.command : { groups: d.groups }),
});

/** The 'virsh' group's declarations. */
export const virshCommands: readonly Command[] = [help];

/**
 * esxvirt's command line: virsh's command names and layouts. Owns what is common to every command: global options,
 * help, --version, parsing, the connection, --json and --quiet, and errors as one line and an exit code.
 */
import { parseCommandLine } from './args.js';
import { COMMANDS } from './commands/registry.js';
import { describeError, EXIT_OK, EXIT_USAGE, UsageError } from './exit-codes.js';
import { parseGlobalOptions, type GlobalOptions } from './global-options.js';
import { usage } from './help.js';
import { processStreams, type Streams } from './io.js';
import { formatJson } from './output.js';
import { runCommand } from './run.js';
import { unknownCommand } from './suggest.js';
import { VERSION } from '../version.js';

export type { GlobalOptions };

/** `--version`: esxvirt's own version, as the offline `version` command prints it. */
function printVersion(io: Streams, json: boolean): void {
  io.out(json ? formatJson({ library: { name: 'esxvirt', version: VERSION } }) : `esxvirt ${VERSION}\n`);
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Streams = processStreams, table = COMMANDS): Promise<number> {
  let debug = argv.includes('--debug') || argv.includes('-d');
  try {
    const { global, help, version, rest } = parseGlobalOptions(argv);
    debug = global.debug;
    if (help) {
      io.out(usage(table));
      return EXIT_OK;
    }
    if (version) {
      printVersion(io, global.json);
      return EXIT_OK;
    }
    const [name, ...args] = rest;
    if (name === undefined) {
      io.out(usage(table));
      return EXIT_USAGE;
    }
    const cmd = table.get(name);
    if (cmd === undefined) throw unknownCommand(name, table.names());
    const parsed = parseCommandLine(cmd, args);
    if (parsed.json) global.json = true;
    if (parsed.help) {
      // `CMD --help` is `help CMD`
      const helpCmd = table.get('help');
      if (helpCmd === undefined) throw new UsageError(`command '${cmd.name}' doesn't support option --help`);
      await runCommand(helpCmd, { command: cmd.name }, global, io, table);
    } else await runCommand(cmd, parsed.values, global, io, table);
    return EXIT_OK;
  } catch (e) {
    const { code, message } = describeError(e);
    io.err(`error: ${message}\n`);
    if (debug && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return code;
  }
}

/** esxvirt's command line: virsh's command names and layout; errors end here as exit codes. */
import { describeError, EXIT_OK, EXIT_USAGE, UsageError } from './exit-codes.js';
import { processStreams, type Streams } from './io.js';
import { COMMANDS } from './commands/registry.js';
import type { GlobalOptions } from './commands/types.js';
import { VERSION } from '../version.js';

export type { GlobalOptions };

function usage(): string {
  const names = Object.keys(COMMANDS).sort();
  const width = Math.max(...names.map((n) => n.length));
  return [
    `esxvirt ${VERSION}: manage VMware ESX/ESXi, GSX and vCenter hosts the way virsh does`,
    '',
    'Usage: esxvirt [-c URI] [--debug] [--json] COMMAND [ARGS...]',
    '',
    'Commands:',
    ...names.map((n) => `    ${n.padEnd(width)}  ${COMMANDS[n]?.help ?? ''}`),
    '',
  ].join('\n');
}

function parseGlobal(argv: string[]): { global: GlobalOptions; rest: string[] } {
  const global: GlobalOptions = { debug: false, json: false, quiet: false };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-c' || a === '--connect') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option ${a} requires a URI`);
      global.connect = v;
    } else if (a.startsWith('--connect=')) global.connect = a.slice(10);
    else if (a === '-d' || a === '--debug') global.debug = true;
    else if (a === '--json') global.json = true;
    else if (a === '-q' || a === '--quiet') global.quiet = true;
    else break;
  }
  return { global, rest: argv.slice(i) };
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Streams = processStreams): Promise<number> {
  let debug = argv.includes('--debug') || argv.includes('-d');
  try {
    const { global, rest } = parseGlobal(argv);
    debug = global.debug;
    const [name, ...args] = rest;
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      io.out(usage());
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (name === 'version' && !COMMANDS.version) {
      io.out(`esxvirt ${VERSION}\n`);
      return EXIT_OK;
    }
    const cmd = COMMANDS[name];
    if (!cmd) throw new UsageError(`unknown command: '${name}'`);
    // `--json` is accepted after the command too, like `virsh list --json` would read
    const jsonAt = args.indexOf('--json');
    if (jsonAt >= 0) {
      global.json = true;
      args.splice(jsonAt, 1);
    }
    return await cmd.run(args, io, global);
  } catch (e) {
    const { code, message } = describeError(e);
    io.err(`error: ${message}\n`);
    if (debug && e instanceof Error && e.stack) io.err(`${e.stack}\n`);
    return code;
  }
}

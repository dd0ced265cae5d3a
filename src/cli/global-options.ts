/** The options before the command, as virsh's: -c URI, -d, -q, -h, -v/-V, plus esxvirt's --json. */
import { UsageError } from './exit-codes.js';

/** Options that precede the command (`--json` may also follow it). */
export interface GlobalOptions {
  connect?: string;
  debug: boolean;
  json: boolean;
  quiet: boolean;
}

/** The global options, what `-h` and `-v` asked for, and the command with its arguments. */
export interface GlobalCommandLine {
  global: GlobalOptions;
  help: boolean;
  version: boolean;
  /** The command name and its arguments. */
  rest: string[];
}

/** The global options' lines of `esxvirt --help`, in virsh's layout. */
export const GLOBAL_OPTIONS_HELP: readonly [string, string][] = [
  ['-c | --connect=URI', 'hypervisor connection URI (esx://, gsx://, vpx://)'],
  ['-d | --debug', 'print debugging messages, and stack traces of errors'],
  ['-h | --help', 'this help'],
  ['-q | --quiet', 'quiet mode'],
  ['     --json', 'one JSON document on stdout instead of text (also after the command)'],
  ['-v | -V | --version', 'print the version'],
];

/** Reads global options up to the first word that is not one (the command). */
export function parseGlobalOptions(argv: readonly string[]): GlobalCommandLine {
  const global: GlobalOptions = { debug: false, json: false, quiet: false };
  let help = false;
  let version = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-c' || a === '--connect') {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`option ${a} requires a URI`);
      global.connect = v;
    } else if (a.startsWith('--connect=')) global.connect = a.slice('--connect='.length);
    else if (a === '-d' || a === '--debug') global.debug = true;
    else if (a === '--json') global.json = true;
    else if (a === '-q' || a === '--quiet') global.quiet = true;
    else if (a === '-h' || a === '--help') help = true;
    else if (a === '-v' || a === '-V' || a === '--version') version = true;
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}': see esxvirt --help`);
    else break;
  }
  return { global, help, version, rest: argv.slice(i) };
}

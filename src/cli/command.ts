/**
 * A CLI command as a declaration, in the spirit of virsh's command definitions: name, help group, help text, typed
 * options, whether it needs a connection, run() returning data and text() rendering it. main.ts does the rest
 * (parsing, connecting, --json, --quiet, errors), so a command never parses argv or writes to stdout itself.
 */
import type { Connection } from '../driver/connect/index.js';
import type { GlobalOptions } from './global-options.js';
import type { AnyOption, ArgsOf } from './options.js';

/** virsh's help groups ("help keyword 'domain'"), in the order `esxvirt help` lists them. */
export const GROUPS = {
  domain: 'Domain Management',
  monitor: 'Domain Monitoring',
  host: 'Host and Hypervisor',
  interface: 'Interface',
  network: 'Networking',
  snapshot: 'Snapshot',
  pool: 'Storage Pool',
  volume: 'Storage Volume',
  virsh: 'Virsh itself',
} as const;

/** A help group's keyword. */
export type GroupKeyword = keyof typeof GROUPS;

/** 'required': opened before run(); 'optional': opened when a URI is given (-c or the environment); 'none': never. */
export type ConnectionNeed = 'required' | 'optional' | 'none';

/** The connection run() gets for a ConnectionNeed. */
export type ConnectionFor<N extends ConnectionNeed> = N extends 'required'
  ? Connection
  : N extends 'optional'
    ? Connection | undefined
    : undefined;

/** What prepare() sees: the arguments and the global options, no connection yet. */
export interface PrepareContext<A> {
  args: A;
  global: GlobalOptions;
  /** True with --debug. */
  debugging: boolean;
  /** "warning: …" on stderr. */
  warn(message: string): void;
  /** "debug: …" on stderr, only with --debug. */
  debug(message: string): void;
}

/** What run() sees: prepare()'s result as `input`, the connection, and the command table (for `help`). */
export interface RunContext<A, C, P> extends PrepareContext<A> {
  conn: C;
  input: P;
  table: CommandTable;
}

/** What text() and json() see. */
export interface TextContext<A> {
  args: A;
  quiet: boolean;
}

/** A command declaration: `Os` its options, `N` its connection need, `P` what prepare() returns, `D` its data. */
export interface CommandDef<Os extends readonly AnyOption[], N extends ConnectionNeed, P, D> {
  name: string;
  /** Other names it answers to (not listed by `help`). */
  aliases?: readonly string[];
  group: GroupKeyword;
  /** One line for `esxvirt help`. */
  help: string;
  /** More for `help COMMAND` (DESCRIPTION). */
  description?: string;
  options: Os;
  /** Pairs of options that cannot be given together (virsh: "Options --a and --b are mutually exclusive"). */
  exclusive?: readonly (readonly [Os[number]['name'], Os[number]['name']])[];
  connection: N;
  /** Open the connection without resolving the host (listing on esx:// needs no host context). */
  deferHost?: boolean;
  /** Offline work before the connection opens (reading input files), so bad input fails without a login. */
  prepare?(ctx: PrepareContext<ArgsOf<Os>>): P | Promise<P>;
  run(ctx: RunContext<ArgsOf<Os>, ConnectionFor<N>, P>): D | Promise<D>;
  /**
   * The data for humans, exactly as virsh's command prints it; main.ts adds the empty line virsh prints after every
   * command (unless --quiet), so a one-line message comes without its newline when virsh prints it so.
   */
  text(data: D, ctx: TextContext<ArgsOf<Os>>): string;
  /** The data for --json when it differs from `data` itself. */
  json?(data: D, ctx: TextContext<ArgsOf<Os>>): unknown;
}

/** A command with its types erased, as the table holds it. */
export type Command = CommandDef<readonly AnyOption[], ConnectionNeed, unknown, unknown>;

/** The commands by name and alias. */
export interface CommandTable {
  /** In registration order. */
  readonly commands: readonly Command[];
  get(name: string): Command | undefined;
  /** Every name and alias. */
  names(): string[];
}

/** Declares a command; the declaration's types flow from `options` into run(), and from run()'s data into text(). */
export function defineCommand<const Os extends readonly AnyOption[], N extends ConnectionNeed, P = undefined, D = unknown>(
  def: CommandDef<Os, N, P, D>,
): Command {
  return def;
}

/** virsh's informational line ("Domain 'x' started"): printed unless --quiet. */
export function unlessQuiet(ctx: { quiet: boolean }, line: string): string {
  return ctx.quiet ? '' : `${line}\n`;
}

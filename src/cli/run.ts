/** Running one command: prepare, connect when it needs to (always closing), run, print its data as text or JSON. */
import type { ArgValues } from './args.js';
import type { Command, CommandTable, TextContext } from './command.js';
import { hasConnectionUri, withConnection } from './connect.js';
import type { GlobalOptions } from './global-options.js';
import type { Streams } from './io.js';
import { formatJson } from './output.js';

/** Runs `cmd` with parsed `values` and writes its output (one JSON document with --json). */
export async function runCommand(cmd: Command, values: ArgValues, global: GlobalOptions, io: Streams, table: CommandTable): Promise<void> {
  const base = {
    args: values,
    global,
    debugging: global.debug,
    warn: (m: string) => io.err(`warning: ${m}\n`),
    debug: (m: string) => {
      if (global.debug) io.err(`debug: ${m}\n`);
    },
  };
  // virsh prints an empty line after every command it ran, even one that failed (not after a usage error or a
  // failed connection, which stop it before the command runs), unless --quiet.
  const failed = (e: unknown): never => {
    if (!global.quiet && !global.json) io.out('\n');
    throw e;
  };
  const input = cmd.prepare ? await Promise.resolve(cmd.prepare(base)).catch(failed) : undefined;
  const connect = cmd.connection === 'required' || (cmd.connection === 'optional' && hasConnectionUri(global));
  const run = (conn: Parameters<typeof cmd.run>[0]['conn']): Promise<unknown> =>
    Promise.resolve()
      .then(() => cmd.run({ ...base, conn, input, table }))
      .catch(failed);
  const data = connect ? await withConnection(global, io, run, cmd.deferHost ? { deferHost: true } : {}) : await run(undefined);
  const out = render(cmd, data, { args: values, quiet: global.quiet }, global.json);
  if (out !== '') io.out(out);
}

/** The command's output: JSON, or its text plus virsh's empty line after it (the one place that line is added). */
export function render(cmd: Command, data: unknown, ctx: TextContext<ArgValues>, json: boolean): string {
  if (json) return formatJson(cmd.json ? cmd.json(data, ctx) : data);
  return cmd.text(data, ctx) + (ctx.quiet ? '' : '\n');
}

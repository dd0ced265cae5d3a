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
  const input = cmd.prepare ? await cmd.prepare(base) : undefined;
  const connect = cmd.connection === 'required' || (cmd.connection === 'optional' && hasConnectionUri(global));
  const data = connect
    ? await withConnection(
        global,
        io,
        (conn) => Promise.resolve(cmd.run({ ...base, conn, input, table })),
        cmd.deferHost ? { deferHost: true } : {},
      )
    : await cmd.run({ ...base, conn: undefined, input, table });
  const out = render(cmd, data, { args: values, quiet: global.quiet }, global.json);
  if (out !== '') io.out(out);
}

/** The command's output: JSON, or its text plus virsh's empty line after it (the one place that line is added). */
export function render(cmd: Command, data: unknown, ctx: TextContext<ArgValues>, json: boolean): string {
  if (json) return formatJson(cmd.json ? cmd.json(data, ctx) : data);
  const trailer = typeof cmd.trailer === 'function' ? cmd.trailer(data, ctx) : (cmd.trailer ?? 'unless-quiet');
  const blank = trailer === 'always' || (trailer === 'unless-quiet' && !ctx.quiet);
  return cmd.text(data, ctx) + (blank ? '\n' : '');
}

/** The shape of a CLI command. */
import type { Streams } from '../io.js';

/** Options that precede the command, as in virsh. */
export interface GlobalOptions {
  connect?: string;
  debug: boolean;
  json: boolean;
  quiet: boolean;
}

/** One command: runs with its own argv and returns the exit code. */
export interface Command {
  run(argv: string[], io: Streams, global: GlobalOptions): Promise<number>;
  /** One line for `esxvirt help`. */
  help: string;
}

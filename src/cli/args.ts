/** A small virsh-like argument parser: positionals, `--flag`, `--opt value` and `--opt=value`. */
import { UsageError } from './exit-codes.js';

/** What a command accepts. */
export interface CommandSpec {
  name: string;
  /** Positional argument names in order; a trailing '?' marks an optional one. */
  positionals: string[];
  /** Boolean flags (without leading dashes). */
  flags?: string[];
  /** Options taking a value. */
  options?: string[];
  /** Options that may be repeated (values collected into arrays). */
  repeatable?: string[];
}

/** Parsed arguments. */
export interface ParsedArgs {
  positionals: Record<string, string | undefined>;
  flags: Set<string>;
  options: Record<string, string | undefined>;
  repeated: Record<string, string[]>;
}

/** Parses argv for `spec`; virsh also accepts named positionals (`--domain NAME`). */
export function parseArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const flags = new Set<string>();
  const options: Record<string, string | undefined> = {};
  const repeated: Record<string, string[]> = {};
  const pos: string[] = [];
  const named: Record<string, string> = {};
  const posNames = spec.positionals.map((p) => p.replace(/\?$/, ''));
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (onlyPositionals || !a.startsWith('--') || a === '-') {
      if (a === '--' && !onlyPositionals) {
        onlyPositionals = true;
        continue;
      }
      pos.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (spec.flags?.includes(name)) {
      if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
      flags.add(name);
      continue;
    }
    const takesValue = spec.options?.includes(name) || spec.repeatable?.includes(name) || posNames.includes(name);
    if (!takesValue) throw new UsageError(`command '${spec.name}' doesn't support option --${name}`);
    let value = inline;
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} requires a value`);
    }
    if (spec.repeatable?.includes(name)) (repeated[name] ??= []).push(value);
    else if (posNames.includes(name) && !spec.options?.includes(name)) named[name] = value;
    else options[name] = value;
  }
  const positionals: Record<string, string | undefined> = {};
  let k = 0;
  for (let j = 0; j < spec.positionals.length; j++) {
    const p = spec.positionals[j] as string;
    const n = posNames[j] as string;
    if (named[n] !== undefined) positionals[n] = named[n];
    else if (k < pos.length) positionals[n] = pos[k++];
    else if (!p.endsWith('?')) throw new UsageError(`command '${spec.name}' requires <${n}> option`);
  }
  if (k < pos.length) throw new UsageError(`unexpected data '${pos[k]}'`);
  return { positionals, flags, options, repeated };
}

/**
 * virsh's argument rules for one command, driven by its option declarations: `--opt value`, `--opt=value`,
 * flags, positional options (also by name: `--domain NAME`), repeatable options, `--` ends options. Values are
 * converted by kind (integers, sizes with units, enums) after the layout checks, in declaration order.
 */
import { parseSizeKiB } from '../driver/domain/index.js';
import { UsageError } from './exit-codes.js';
import type { AnyOption, OptionValue } from './options.js';

/** Parsed values by option name; ArgsOf<options> is the typed view of the same record. */
export type ArgValues = { readonly [name: string]: OptionValue | undefined };

/** What a command line asked for: the values, and whether `--json` or `--help` followed the command. */
export interface ParsedCommandLine {
  values: ArgValues;
  json: boolean;
  help: boolean;
}

/** The parts of a command declaration the parser reads. */
export interface ParseSpec {
  name: string;
  options: readonly AnyOption[];
  exclusive?: readonly (readonly [string, string])[];
}

/** Parses `argv` (the words after the command name) for `spec`. */
export function parseCommandLine(spec: ParseSpec, argv: readonly string[]): ParsedCommandLine {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  // `CMD --help` shows the command's help whatever else is on the line
  if (!byName.has('help') && head.includes('--help'))
    return { values: {}, json: !byName.has('json') && head.includes('--json'), help: true };

  let json = false;
  const raw = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const flags = new Set<string>();
  const words: string[] = [];
  let onlyWords = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!onlyWords && a === '--') {
      onlyWords = true;
      continue;
    }
    if (onlyWords || !a.startsWith('--')) {
      words.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const o = byName.get(name);
    if (o === undefined) {
      // `--json` is accepted after the command too
      if (name === 'json' && inline === undefined) {
        json = true;
        continue;
      }
      throw new UsageError(`command '${spec.name}' doesn't support option --${name}`);
    }
    if (o.kind === 'bool') {
      if (inline !== undefined) throw new UsageError(`option --${name} takes no value`);
      flags.add(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} requires a value`);
    }
    if (o.kind === 'argv') lists.set(name, [...(lists.get(name) ?? []), value]);
    else raw.set(name, value);
  }

  // positional words fill the positional options not given by name, in declaration order
  let k = 0;
  for (const o of spec.options) {
    if (o.kind === 'bool' || !o.positional) continue;
    if (o.kind === 'argv') {
      lists.set(o.name, [...(lists.get(o.name) ?? []), ...words.slice(k)]);
      k = words.length;
    } else if (!raw.has(o.name) && k < words.length) raw.set(o.name, words[k++] as string);
    else if (!raw.has(o.name) && o.required) throw new UsageError(`command '${spec.name}' requires <${o.name}> option`);
  }
  if (k < words.length) throw new UsageError(`unexpected data '${words[k]}'`);
  for (const o of spec.options) {
    if (o.kind !== 'bool' && o.required && !raw.has(o.name)) throw new UsageError(`command '${spec.name}' requires <${o.name}> option`);
  }
  const given = (name: string): boolean => flags.has(name) || raw.has(name) || (lists.get(name)?.length ?? 0) > 0;
  for (const [a, b] of spec.exclusive ?? []) {
    if (given(a) && given(b)) throw new UsageError(`Options --${a} and --${b} are mutually exclusive`);
  }

  const values: Record<string, OptionValue | undefined> = {};
  for (const o of spec.options) {
    if (o.kind === 'bool') values[o.name] = flags.has(o.name);
    else if (o.kind === 'argv') values[o.name] = lists.get(o.name) ?? [];
    else {
      const text = raw.get(o.name);
      values[o.name] = text === undefined ? undefined : convert(o, text);
    }
  }
  return { values, json, help: false };
}

/** A valued option's text as its kind's value. */
function convert(o: Exclude<AnyOption, { kind: 'bool' | 'argv' }>, text: string): string | number {
  switch (o.kind) {
    case 'string':
    case 'domain':
      return text;
    case 'int': {
      const n = /^\s*-?\d+\s*$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n) || (o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
        throw o.invalid?.(text) ?? new UsageError(`numeric value for <${o.name}> option is malformed or out of range`);
      }
      return n;
    }
    case 'size': {
      const kib = parseSizeKiB(text, o.name);
      if (o.min !== undefined && kib < o.min)
        throw new UsageError(`invalid ${o.name} '${text}': ${o.min === 1 ? 'must be greater than 0' : `must be at least ${o.min} KiB`}`);
      return kib;
    }
    case 'enum':
      if (!o.values.includes(text))
        throw (
          o.invalid?.(text) ??
          new UsageError(`invalid value '${text}' for option --${o.name}: expecting ${o.values.map((v) => `'${v}'`).join(', ')}`)
        );
      return text;
  }
}

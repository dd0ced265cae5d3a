/**
 * virsh's option kinds as declarations (a command lists its options in order), and the typed record a command's
 * run() receives: `ArgsOf<typeof options>` gives `args.domain: string`, `args['hw-version']: number | undefined`.
 */

/** Where an option's value may come from and whether it must be there. */
interface Placement<R extends boolean> {
  /** Must be given, by position or by name (virsh: "command 'X' requires <name> option"). */
  readonly required: R;
  /** May be given without its `--name`, in declaration order (virsh's positional options). */
  readonly positional: boolean;
}

interface Named<N extends string> {
  readonly name: N;
  /** One line for `help COMMAND`. */
  readonly help: string;
}

/** `--name`: present or not. */
export interface BoolOption<N extends string = string> extends Named<N> {
  readonly kind: 'bool';
}

/** Free text. */
export interface StringOption<N extends string = string, R extends boolean = boolean> extends Named<N>, Placement<R> {
  readonly kind: 'string';
}

/** A domain by name, id or UUID (the driver resolves it). */
export interface DomainOption<N extends string = string, R extends boolean = boolean> extends Named<N>, Placement<R> {
  readonly kind: 'domain';
}

/** A decimal integer within [min, max]; `invalid` replaces the default usage error (commands keep their wording). */
export interface IntOption<N extends string = string, R extends boolean = boolean> extends Named<N>, Placement<R> {
  readonly kind: 'int';
  readonly min?: number;
  readonly max?: number;
  readonly invalid?: (text: string) => Error;
}

/** A size with an optional unit (KiB by default, as virsh's scaled integers); the value is in KiB. */
export interface SizeOption<N extends string = string, R extends boolean = boolean> extends Named<N>, Placement<R> {
  readonly kind: 'size';
  /** Smallest accepted size in KiB. */
  readonly min?: number;
}

/** One of a fixed set of words; `invalid` replaces the default usage error. */
export interface EnumOption<N extends string = string, R extends boolean = boolean, V extends string = string>
  extends Named<N>, Placement<R> {
  readonly kind: 'enum';
  readonly values: readonly V[];
  readonly invalid?: (text: string) => Error;
}

/** Repeatable (`--name a --name b`); when positional, it also takes every remaining positional word (virsh's argv). */
export interface ArgvOption<N extends string = string> extends Named<N>, Placement<false> {
  readonly kind: 'argv';
}

/** Any option declaration. */
export type AnyOption = BoolOption | StringOption | DomainOption | IntOption | SizeOption | EnumOption | ArgvOption;

/** What an option kind parses to. */
export type OptionValue = boolean | string | number | string[];

type ValueOf<O> = O extends { kind: 'bool' }
  ? boolean
  : O extends { kind: 'argv' }
    ? string[]
    : O extends { kind: 'int' | 'size' }
      ? number
      : O extends EnumOption<string, boolean, infer V>
        ? V
        : string;

// flags are false and argv lists empty when absent; other options are undefined unless required
type AlwaysSet<O> = O extends { kind: 'bool' | 'argv' } ? true : O extends { required: true } ? true : false;

/** The parsed arguments of a command with options `Os`, keyed by option name. */
export type ArgsOf<Os extends readonly AnyOption[]> = {
  readonly [O in Os[number] as O['name']]: AlwaysSet<O> extends true ? ValueOf<O> : ValueOf<O> | undefined;
};

/** How a valued option is placed: `{ required: true, positional: true }` is virsh's mandatory data argument. */
export interface PlacementInput<R extends boolean> {
  required?: R;
  positional?: boolean;
}

function place<R extends boolean>(p: PlacementInput<R>): Placement<R> {
  // `required` absent means R's default, false; the generic cannot see that
  return { required: (p.required ?? false) as R, positional: p.positional ?? false };
}

/**
 * Builders for option declarations; each keeps the name and requiredness as literal types for ArgsOf (NoInfer: the
 * declaration's context, a list of AnyOption, must not widen them).
 */
export const opt = {
  /** A boolean flag. */
  bool: <N extends string>(name: N, help: string): BoolOption<NoInfer<N>> => ({ kind: 'bool', name, help }),
  /** A string. */
  string: <N extends string, R extends boolean = false>(
    name: N,
    help: string,
    p: PlacementInput<R> = {},
  ): StringOption<NoInfer<N>, NoInfer<R>> => ({ kind: 'string', name, help, ...place(p) }),
  /** The usual first argument: `<domain>`, required and positional, as virsh's `[--domain] <string>`. */
  domain: (help = 'domain name, id or uuid'): DomainOption<'domain', true> => ({
    kind: 'domain',
    name: 'domain',
    help,
    required: true,
    positional: true,
  }),
  /** An integer, optionally bounded. */
  int: <N extends string, R extends boolean = false>(
    name: N,
    help: string,
    p: PlacementInput<R> & { min?: number; max?: number; invalid?: (text: string) => Error } = {},
  ): IntOption<NoInfer<N>, NoInfer<R>> => ({
    kind: 'int',
    name,
    help,
    ...place(p),
    ...bounds(p),
    ...(p.invalid ? { invalid: p.invalid } : {}),
  }),
  /** A size with units, parsed to KiB. */
  size: <N extends string, R extends boolean = false>(
    name: N,
    help: string,
    p: PlacementInput<R> & { min?: number } = {},
  ): SizeOption<NoInfer<N>, NoInfer<R>> => ({
    kind: 'size',
    name,
    help,
    ...place(p),
    ...(p.min !== undefined ? { min: p.min } : {}),
  }),
  /** One of `values`. */
  enum: <N extends string, const V extends string, R extends boolean = false>(
    name: N,
    values: readonly V[],
    help: string,
    p: PlacementInput<R> & { invalid?: (text: string) => Error } = {},
  ): EnumOption<NoInfer<N>, NoInfer<R>, NoInfer<V>> => ({
    kind: 'enum',
    name,
    help,
    values,
    ...place(p),
    ...(p.invalid ? { invalid: p.invalid } : {}),
  }),
  /** A repeatable option; positional ones take the remaining words. */
  argv: <N extends string>(name: N, help: string, p: { positional?: boolean } = {}): ArgvOption<NoInfer<N>> => ({
    kind: 'argv',
    name,
    help,
    required: false,
    positional: p.positional ?? false,
  }),
};

function bounds(p: { min?: number; max?: number }): { min?: number; max?: number } {
  return { ...(p.min !== undefined ? { min: p.min } : {}), ...(p.max !== undefined ? { max: p.max } : {}) };
}

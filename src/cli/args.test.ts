import assert from 'node:assert/strict';
import test from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { parseCommandLine, type ParseSpec } from './args.js';
import { defineCommand } from './command.js';
import { UsageError } from './exit-codes.js';
import { opt, type ArgsOf } from './options.js';

const options = [
  opt.domain(),
  opt.string('name', 'a name', { positional: true }),
  opt.bool('all', 'all of them'),
  opt.int('count', 'how many', { min: 1, max: 10 }),
  opt.size('size', 'how big', { min: 1 }),
  opt.enum('mode', ['agent', 'acpi'], 'how'),
  opt.argv('set', 'assignments', { positional: true }),
] as const;
const spec: ParseSpec = { name: 'demo', options, exclusive: [['all', 'count']] };

const usageError = (message: string) => (e: unknown) => e instanceof UsageError && e.message === message;

test('kinds: flags false when absent, argv lists empty, others undefined unless given', () => {
  assert.deepEqual(parseCommandLine(spec, ['vm']), {
    values: { domain: 'vm', name: undefined, all: false, count: undefined, size: undefined, mode: undefined, set: [] },
    json: false,
    help: false,
  });
  const v = parseCommandLine(spec, ['vm', 'n1', '--all', '--size', '2M', '--mode=acpi', 'a=1', '--set', 'b=2']).values;
  assert.deepEqual(v, { domain: 'vm', name: 'n1', all: true, count: undefined, size: 2048, mode: 'acpi', set: ['b=2', 'a=1'] });
  assert.equal(parseCommandLine(spec, ['vm', '--count', ' 7 ']).values.count, 7);
});

test('positional options may be given by name, in any order; the rest fill up in declaration order', () => {
  assert.deepEqual(parseCommandLine(spec, ['--name', 'n1', 'vm']).values.domain, 'vm');
  const v = parseCommandLine(spec, ['--domain', 'vm', 'n1', 'x=1']).values;
  assert.deepEqual([v.domain, v.name, v.set], ['vm', 'n1', ['x=1']]);
  assert.equal(parseCommandLine(spec, ['--domain=a=b']).values.domain, 'a=b');
});

test('`--` ends options: later words are positional even when they look like options', () => {
  const v = parseCommandLine(spec, ['--', '--all', '--json', '-']).values;
  assert.deepEqual([v.domain, v.name, v.all, v.set], ['--all', '--json', false, ['-']]);
  // a single dash is data (standard input), as are negative-looking words
  assert.equal(parseCommandLine(spec, ['-']).values.domain, '-');
  assert.equal(parseCommandLine({ name: 'x', options: [opt.string('size', 's', { positional: true })] }, ['-5M']).values.size, '-5M');
});

test("--json after the command sets JSON output; --help asks for the command's help whatever else is there", () => {
  assert.deepEqual(parseCommandLine(spec, ['vm', '--json']), { values: parseCommandLine(spec, ['vm']).values, json: true, help: false });
  assert.deepEqual(parseCommandLine(spec, ['--bogus', '--help']), { values: {}, json: false, help: true });
  assert.equal(parseCommandLine(spec, ['--help', '--json']).json, true);
  // after `--` they are data
  assert.equal(parseCommandLine(spec, ['--', '--help']).values.domain, '--help');
});

test("virsh's wording for bad command lines", () => {
  const cases: [string[], string][] = [
    [['vm', '--bogus'], "command 'demo' doesn't support option --bogus"],
    [['vm', '--all=yes'], 'option --all takes no value'],
    [['vm', '--count'], 'option --count requires a value'],
    [[], "command 'demo' requires <domain> option"],
    [['--name', 'n'], "command 'demo' requires <domain> option"],
    [['vm', '--all', '--count', '3'], 'Options --all and --count are mutually exclusive'],
    [['vm', '--count', 'x'], 'numeric value for <count> option is malformed or out of range'],
    [['vm', '--count', '0'], 'numeric value for <count> option is malformed or out of range'],
    [['vm', '--count', '11'], 'numeric value for <count> option is malformed or out of range'],
    [['vm', '--count', '1e3'], 'numeric value for <count> option is malformed or out of range'],
    [['vm', '--size', '0'], "invalid size '0': must be greater than 0"],
    [['vm', '--mode', 'bogus'], "invalid value 'bogus' for option --mode: expecting 'agent', 'acpi'"],
  ];
  for (const [argv, message] of cases) assert.throws(() => parseCommandLine(spec, argv), usageError(message), argv.join(' '));
  const noArgv: ParseSpec = { name: 'two', options: [opt.domain(), opt.string('name', 'n', { positional: true })] };
  assert.throws(() => parseCommandLine(noArgv, ['a', 'b', 'c']), usageError("unexpected data 'c'"));
  // sizes report the driver's own errors
  assert.throws(
    () => parseCommandLine(spec, ['vm', '--size', '12x']),
    (e: unknown) => e instanceof InvalidArgumentError && e.message === "invalid size '12x': unknown unit 'x'",
  );
});

test('a declaration may bring its own error for a bad int or enum value (commands keep their wording)', () => {
  const own: ParseSpec = {
    name: 'own',
    options: [
      opt.int('hw', 'hw', { min: 4, invalid: (t) => new InvalidArgumentError(`bad hw '${t}'`) }),
      opt.enum('fmt', ['vmx'], 'fmt', { invalid: (t) => new InvalidArgumentError(`bad format '${t}'`) }),
    ],
  };
  assert.throws(() => parseCommandLine(own, ['--hw', '3']), /^InvalidArgumentError: bad hw '3'$/);
  assert.throws(() => parseCommandLine(own, ['--fmt', 'ovf']), /^InvalidArgumentError: bad format 'ovf'$/);
  assert.deepEqual(parseCommandLine(own, ['--hw=13', '--fmt', 'vmx']).values, { hw: 13, fmt: 'vmx' });
});

test('args are typed end to end: required positionals are strings, others may be undefined', () => {
  type Args = ArgsOf<typeof options>;
  const a: Args = { domain: 'vm', name: undefined, all: false, count: undefined, size: undefined, mode: 'agent', set: [] };
  const domain: string = a.domain;
  const all: boolean = a.all;
  const set: string[] = a.set;
  const mode: 'agent' | 'acpi' | undefined = a.mode;
  // @ts-expect-error an optional integer may be undefined
  const count: number = a.count;
  // @ts-expect-error an enum holds only its words
  const bad: typeof a.mode = 'signal';
  assert.deepEqual([domain, all, set, mode, count, bad], ['vm', false, [], 'agent', undefined, 'signal']);

  const cmd = defineCommand({
    name: 't',
    group: 'virsh',
    help: 'typed',
    options: [opt.domain(), opt.int('n', 'n', { required: true })],
    connection: 'none',
    run: ({ args, conn }) => {
      const n: number = args.n;
      const c: undefined = conn;
      return { domain: args.domain, n, c };
    },
    text: (d) => `${d.domain.toUpperCase()} ${d.n.toFixed(0)}\n`,
  });
  assert.equal(cmd.text({ domain: 'vm', n: 2 }, { args: {}, quiet: false }), 'VM 2\n');
});

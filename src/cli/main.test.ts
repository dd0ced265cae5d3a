// main() in-process with captured streams: global options, help, --version, unknown commands, and what main.ts adds
// around every command (--json, --quiet, virsh's empty line, errors and exit codes).
import assert from 'node:assert/strict';
import test from 'node:test';
import { NotFoundError } from '../errors.js';
import { VERSION } from '../version.js';
import { defineCommand } from './command.js';
import { buildTable, COMMANDS } from './commands/registry.js';
import { help } from './commands/virsh/help.js';
import { main } from './main.js';
import { opt } from './options.js';

async function run(argv: string[], table = COMMANDS): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) }, table);
  return { code, out, err };
}

test("--version, -v and -V print esxvirt's version; with --json one document", async () => {
  for (const flag of ['--version', '-v', '-V']) assert.deepEqual(await run([flag]), { code: 0, out: `esxvirt ${VERSION}\n`, err: '' });
  assert.deepEqual(JSON.parse((await run(['--json', '--version'])).out), { library: { name: 'esxvirt', version: VERSION } });
});

test('-h/--help: usage with global options and every group; no command: the same, exit 2', async () => {
  const h = await run(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /^esxvirt .*\n\nUsage: esxvirt \[OPTIONS\] COMMAND \[ARGS\.\.\.\]\n/);
  for (const g of ['domain', 'monitor', 'host', 'interface', 'network', 'snapshot', 'virsh'])
    assert.match(h.out, new RegExp(`\\(help keyword '${g}'\\)\\n`));
  assert.equal((await run(['-h'])).out, h.out);
  assert.deepEqual(await run([]), { code: 2, out: h.out, err: '' });
});

test('help: every command grouped; help GROUP; help CMD equals CMD --help; --quiet drops the empty line after it', async () => {
  const all = await run(['help']);
  assert.equal(all.code, 0);
  assert.match(all.out, /^Grouped commands:\n\n Domain Management \(help keyword 'domain'\):\n {4}autostart {22}autostart a domain\n/);
  assert.match(all.out, /\n {4}help {27}print help\n\n\n$/);
  const names = [...all.out.matchAll(/^ {4}(\S+) /gm)].map((m) => m[1]);
  assert.deepEqual([...names].sort(), COMMANDS.commands.map((c) => c.name).sort());
  assert.equal((await run(['-q', 'help'])).out, all.out.slice(0, -1));
  const snap = await run(['help', 'snapshot']);
  assert.match(
    snap.out,
    /^ Snapshot \(help keyword 'snapshot'\):\n {4}snapshot-create {16}Create a snapshot from XML\n {4}snapshot-create-as /,
  );
  assert.doesNotMatch(snap.out, /dominfo/);
  const page = await run(['help', 'setmem']);
  assert.equal(page.code, 0);
  assert.match(
    page.out,
    /^ {2}NAME\n {4}setmem - change memory allocation\n\n {2}SYNOPSIS\n {4}setmem <domain> <size> \[--config\] \[--live\] \[--current\]\n\n {2}DESCRIPTION\n/,
  );
  assert.match(page.out, /\n {2}OPTIONS\n {4}\[--domain\] <string> {2}domain name, id or uuid\n {4}\[--size\] <number> {2}new memory size/);
  for (const argv of [
    ['setmem', '--help'],
    ['setmem', 'vm', '--bogus', '--help'],
    ['help', '--command', 'setmem'],
  ])
    assert.deepEqual(await run(argv), page, argv.join(' '));
  // an alias shows its command's page
  assert.match((await run(['help', 'node-cpu-stats'])).out, /^ {2}NAME\n {4}nodecpustats - .*\(also: node-cpu-stats\)\n/);
  const json = JSON.parse((await run(['setmem', '--help', '--json'])).out) as { name: string; options: { name: string; kind: string }[] };
  assert.deepEqual(
    json.options.map((o) => [o.name, o.kind]),
    [
      ['domain', 'domain'],
      ['size', 'size'],
      ['config', 'bool'],
      ['live', 'bool'],
      ['current', 'bool'],
    ],
  );
  const groups = JSON.parse((await run(['--json', 'help'])).out) as { groups: { keyword: string }[] };
  assert.deepEqual(
    groups.groups.map((g) => g.keyword),
    ['domain', 'monitor', 'host', 'interface', 'network', 'snapshot', 'pool', 'volume', 'virsh'],
  );
});

test('unknown commands: one line, exit 2, a suggestion when one is close; `help` says the same', async () => {
  assert.deepEqual(await run(['lst']), { code: 2, out: '', err: "error: unknown command 'lst'; did you mean 'list'?\n" });
  // `help` ran and failed: virsh's empty line follows, as after any command that ran
  assert.deepEqual(await run(['help', 'lst']), { code: 2, out: '\n', err: "error: unknown command 'lst'; did you mean 'list'?\n" });
  assert.deepEqual(await run(['frobnicate']), { code: 2, out: '', err: "error: unknown command 'frobnicate'\n" });
  assert.deepEqual(await run(['help', 'frobnicate']), { code: 2, out: '\n', err: "error: unknown command 'frobnicate'\n" });
  // a group keyword without commands is no help topic
  assert.equal((await run(['help', 'interface'])).code, 2);
  assert.deepEqual(await run(['--bogus', 'list']), { code: 2, out: '', err: "error: unknown option '--bogus': see esxvirt --help\n" });
  assert.deepEqual(await run(['-c']), { code: 2, out: '', err: 'error: option -c requires a URI\n' });
});

test("around every command: text plus virsh's empty line, --quiet, one JSON document, errors as one line and an exit code", async () => {
  const echo = defineCommand({
    name: 'echo',
    group: 'virsh',
    help: 'echo',
    options: [opt.string('word', 'a word', { required: true, positional: true }), opt.bool('fail', 'fail'), opt.bool('warn', 'warn')],
    connection: 'none',
    run({ args, warn, debug }) {
      if (args.fail) throw new NotFoundError(`no ${args.word}`);
      if (args.warn) warn('careful');
      debug('only with --debug');
      return { word: args.word, message: `said ${args.word}` };
    },
    text: (d, ctx) => (ctx.quiet ? '' : `${d.message}\n`),
    json: (d) => ({ ...d, json: true }),
  });
  const table = buildTable([echo, help]);
  assert.deepEqual(await run(['echo', 'hi'], table), { code: 0, out: 'said hi\n\n', err: '' });
  assert.deepEqual(await run(['-q', 'echo', 'hi'], table), { code: 0, out: '', err: '' });
  for (const argv of [
    ['--json', 'echo', 'hi'],
    ['echo', 'hi', '--json'],
    ['-q', '--json', 'echo', 'hi'],
  ]) {
    const r = await run(argv, table);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.out), { word: 'hi', message: 'said hi', json: true }, argv.join(' '));
  }
  assert.deepEqual(await run(['echo', '--warn', 'hi'], table), { code: 0, out: 'said hi\n\n', err: 'warning: careful\n' });
  assert.deepEqual(await run(['-d', 'echo', 'hi'], table), { code: 0, out: 'said hi\n\n', err: 'debug: only with --debug\n' });
  // a command that ran and failed still ends with virsh's empty line (not with --quiet or --json); usage errors do not
  assert.deepEqual(await run(['echo', 'hi', '--fail'], table), { code: 1, out: '\n', err: 'error: no hi\n' });
  assert.deepEqual(await run(['-q', 'echo', 'hi', '--fail'], table), { code: 1, out: '', err: 'error: no hi\n' });
  assert.deepEqual(await run(['--json', 'echo', 'hi', '--fail'], table), { code: 1, out: '', err: 'error: no hi\n' });
  assert.deepEqual(await run(['echo'], table), { code: 2, out: '', err: "error: command 'echo' requires <word> option\n" });
  assert.deepEqual(await run(['echo', '--', '--json'], table), { code: 0, out: 'said --json\n\n', err: '' });
  const debugged = await run(['--debug', 'echo', 'hi', '--fail'], table);
  assert.match(debugged.err, /^error: no hi\nNotFoundError: no hi\n\s+at /);
});

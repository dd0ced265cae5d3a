// The whole command table: every declaration is complete (help for the command and each option, a known group),
// and the table refuses what would make a command line ambiguous. --json of every command: test/integration/cli-json.test.ts.
import assert from 'node:assert/strict';
import test from 'node:test';
import { defineCommand, GROUPS, type Command } from '../command.js';
import { commandHelp, formatCommandHelp } from '../help.js';
import { opt } from '../options.js';
import { buildTable, COMMANDS } from './registry.js';

test('every command and every option has one line of help, and a known group', () => {
  assert.ok(COMMANDS.commands.length >= 40, `${COMMANDS.commands.length} commands`);
  for (const c of COMMANDS.commands) {
    assert.match(c.name, /^[a-z][a-z0-9-]*$/, c.name);
    assert.ok(c.help.trim().length > 0 && !c.help.includes('\n'), `${c.name}: help`);
    assert.ok(c.description === undefined || (c.description.trim().length > 0 && !c.description.includes('\n')), `${c.name}: description`);
    assert.ok(Object.hasOwn(GROUPS, c.group), `${c.name}: group ${c.group}`);
    for (const o of c.options) {
      assert.match(o.name, /^[a-z][a-z0-9-]*$/, `${c.name} --${o.name}`);
      assert.ok(o.help.trim().length > 0 && !o.help.includes('\n'), `${c.name} --${o.name}: help`);
    }
    const page = formatCommandHelp(commandHelp(c));
    for (const o of c.options) assert.ok(page.includes(`--${o.name}`), `${c.name}: --${o.name} on its help page`);
  }
});

test('every name and alias resolves to its command', () => {
  for (const c of COMMANDS.commands) for (const n of [c.name, ...(c.aliases ?? [])]) assert.equal(COMMANDS.get(n), c, n);
  assert.equal(COMMANDS.names().length, new Set(COMMANDS.names()).size);
});

const cmd = (name: string, extra: Partial<Command> = {}): Command => ({
  ...defineCommand({ name, group: 'host', help: name, options: [], connection: 'none', run: () => ({}), text: () => '' }),
  ...extra,
});

test('a duplicate name or alias fails when the table is built', () => {
  assert.throws(() => buildTable([cmd('uri'), cmd('uri')]), /^Error: duplicate command name 'uri' \(commands 'uri' and 'uri'\)$/);
  assert.throws(
    () => buildTable([cmd('nodecpustats', { aliases: ['ncs'] }), cmd('ncs')]),
    /duplicate command name 'ncs' \(commands 'nodecpustats' and 'ncs'\)/,
  );
  assert.throws(() => buildTable([cmd('a', { aliases: ['b'] }), cmd('c', { aliases: ['b'] })]), /duplicate command name 'b'/);
  assert.doesNotThrow(() => buildTable([cmd('a', { aliases: ['b'] }), cmd('c')]));
});

test('option lists that cannot be parsed unambiguously fail when the table is built', () => {
  const d = opt.domain();
  const cases: [Command['options'], RegExp][] = [
    [[d, d], /declares option --domain twice/],
    [[opt.argv('set', 's', { positional: true }), d], /positional option --domain follows a positional argv option/],
    [[opt.string('name', 'n', { positional: true }), d], /required positional option --domain follows an optional one/],
  ];
  for (const [options, re] of cases) assert.throws(() => buildTable([cmd('x', { options })]), re);
  assert.throws(() => buildTable([cmd('x', { options: [d], exclusive: [['domain', 'nope']] })]), /exclusive option --nope is not declared/);
});

import assert from 'node:assert/strict';
import test from 'node:test';
import { defineCommand, type Command } from './command.js';
import { buildTable } from './commands/registry.js';
import { commandHelp, formatCommandHelp, formatGroups, groupListings, usage } from './help.js';
import { opt } from './options.js';

const cmd = (name: string, group: Command['group'], extra: Partial<Command> = {}): Command => ({
  ...defineCommand({ name, group, help: `${name} help`, options: [], connection: 'none', run: () => ({}), text: () => '' }),
  ...extra,
});

test('virsh\'s grouped listing: groups in virsh\'s order, names sorted, "    %-30s %s", an empty line after each group', () => {
  const table = buildTable([
    cmd('uri', 'host'),
    cmd('start', 'domain'),
    cmd('define', 'domain'),
    cmd('list', 'monitor', { aliases: ['ls'] }),
  ]);
  assert.equal(
    formatGroups(groupListings(table)),
    [
      " Domain Management (help keyword 'domain'):",
      `    ${'define'.padEnd(30)} define help`,
      `    ${'start'.padEnd(30)} start help`,
      '',
      " Domain Monitoring (help keyword 'monitor'):",
      `    ${'list'.padEnd(30)} list help`,
      '',
      " Host and Hypervisor (help keyword 'host'):",
      `    ${'uri'.padEnd(30)} uri help`,
      '',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    groupListings(table, 'host').map((g) => g.commands.map((c) => c.name)),
    [['uri']],
  );
  assert.deepEqual(groupListings(table, 'snapshot'), []);
  const u = usage(table);
  assert.match(u, /^esxvirt \d+\.\d+\.\d+: /);
  assert.match(u, /\n {4}-c \| --connect=URI {6}hypervisor connection URI/);
  assert.match(u, /\n Domain Monitoring \(help keyword 'monitor'\)\n {4}list {27}list help\n/);
  assert.match(u, /\(specify help <command> for details about the command\)\n\n$/);
});

test('a command\'s page in virsh\'s layout: NAME, SYNOPSIS, DESCRIPTION, OPTIONS ("    %-15s  %s")', () => {
  const c = defineCommand({
    name: 'demo',
    aliases: ['dm'],
    group: 'domain',
    help: 'do a demo',
    description: 'Does a demo, at length.',
    options: [
      opt.domain(),
      opt.size('size', 'new size', { required: true, positional: true }),
      opt.string('name', 'a name', { positional: true }),
      opt.bool('all', 'all of them'),
      opt.int('count', 'how many'),
      opt.enum('mode', ['agent', 'acpi'], 'how'),
      opt.argv('set', 'field=value', { positional: true }),
    ],
    connection: 'required',
    run: () => ({}),
    text: () => '',
  });
  assert.equal(
    formatCommandHelp(commandHelp(c)),
    [
      '  NAME',
      '    demo - do a demo (also: dm)',
      '',
      '  SYNOPSIS',
      '    demo <domain> <size> [<name>] [--all] [--count <number>] [--mode <string>] [[--set] <string>]...',
      '',
      '  DESCRIPTION',
      '    Does a demo, at length.',
      '',
      '  OPTIONS',
      '    [--domain] <string>  domain name, id or uuid',
      '    [--size] <number>  new size',
      '    [--name] <string>  a name',
      '    --all            all of them',
      '    --count <number>  how many',
      '    --mode <string>  how (agent|acpi)',
      '    [--set] <string>  field=value',
      '',
      '',
    ].join('\n'),
  );
  // without a description the one-line help stands in; without options there is no OPTIONS part
  assert.equal(
    formatCommandHelp(commandHelp(cmd('uri', 'host'))),
    '  NAME\n    uri - uri help\n\n  SYNOPSIS\n    uri\n\n  DESCRIPTION\n    uri help\n\n',
  );
});

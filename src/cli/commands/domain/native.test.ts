// The offline converter commands as users run them: the real bin/esxvirt in a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';

const bin = join(process.cwd(), 'bin/esxvirt');
const run = (args: string[], input?: string) =>
  spawnSync(bin, args, { input, encoding: 'utf8', env: { ...process.env, ESXVIRT_NODE: process.execPath } });
const fixture = (p: string) => join(process.cwd(), 'test/fixtures/golden', p);

test('domxml-from-native prints domain XML; bare names resolve beside --vmx-path', () => {
  const r = run(['domxml-from-native', 'vmware-vmx', fixture('vmx2xml/floppy-mixed.vmx'), '--vmx-path', '[ds] dir/rule.vmx']);
  assert.equal(r.status, 0, r.stderr);
  // the document, then the empty line virsh prints after every command
  assert.equal(r.stdout, `${readFileSync(fixture('vmx2xml/floppy-mixed.xml'), 'utf8')}\n`);
  assert.equal(r.stderr, '');
});

test("'-' reads standard input, for both directions", () => {
  const vmx = readFileSync(fixture('vmx2xml/smbios-host.vmx'), 'utf8');
  const a = run(['domxml-from-native', 'vmware-vmx', '-'], vmx);
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /<smbios mode='host'\/>/);
  const b = run(['domxml-to-native', 'vmware-vmx', '-', '--hw-version', '7'], a.stdout);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /^\.encoding = "UTF-8"\nconfig\.version = "8"\nvirtualHW\.version = "7"\n/);
  assert.match(b.stdout, /smbios\.reflecthost = "true"/);
});

test('domxml-to-native defaults to virtualHW.version 4 offline', () => {
  const r = run(['domxml-to-native', 'vmware-vmx', fixture('xml2vmx/floppies.xml')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /virtualHW\.version = "4"/);
  assert.doesNotMatch(r.stdout, /pciBridge/);
});

test('bad input: one line "error: …", non-zero exit, nothing on stdout, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-'));
  const bad = join(dir, 'bad.vmx');
  writeFileSync(bad, 'config.version = "8"\nvirtualHW.version = "4"\ndisplayName = "x"\nmemsize = "30"\n');
  const cases: [string[], RegExp, number][] = [
    [['domxml-from-native', 'vmware-vmx', bad], /^error: .*'memsize'.*30\n$/, 1],
    [
      ['domxml-from-native', 'vmware-vmx', join(dir, 'missing.vmx')],
      /^error: cannot read '.*missing\.vmx': No such file or directory\n$/,
      1,
    ],
    [['domxml-from-native', 'vmware-vmx', dir], /^error: cannot read '.*': Is a directory\n$/, 1],
    [['domxml-from-native', 'qemu-argv', bad], /^error: unsupported config type 'qemu-argv'/, 2],
    [['domxml-from-native', 'vmware-vmx'], /^error: command 'domxml-from-native' requires <config> option\n$/, 2],
    [['domxml-to-native', 'vmware-vmx', fixture('errors/hostdev.xml')], /^error: unsupported configuration: .*<hostdev>/, 1],
    [['domxml-to-native', 'vmware-vmx', fixture('errors/malformed.xml')], /^error: malformed domain XML/, 1],
    [['domxml-to-native', 'vmware-vmx', bad, '--hw-version', 'x'], /^error: --hw-version must be an integer/, 2],
    [['domxml-to-native', 'vmware-vmx', bad, '--bogus'], /^error: command 'domxml-to-native' doesn't support option --bogus\n$/, 2],
    [['no-such-command'], /^error: unknown command 'no-such-command'\n$/, 2],
  ];
  for (const [args, re, code] of cases) {
    const r = run(args);
    assert.equal(r.status, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, 'exactly one line');
    // usage errors print nothing on stdout; a command that ran and failed prints virsh's empty line
    assert.equal(r.stdout, code === 2 ? '' : '\n', args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('--debug adds the stack trace for bug reports', () => {
  const r = run(['--debug', 'domxml-to-native', 'vmware-vmx', fixture('errors/malformed.xml')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^error: malformed domain XML/);
  assert.match(r.stderr, /\n\s+at /);
});

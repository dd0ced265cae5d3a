/**
 * Every registered command in --json mode through bin/esxvirt against an ESX simulator: stdout is exactly one JSON
 * document (nothing else), stderr is empty, exit 0. The steps below run in order (a domain is defined, snapshotted
 * and undefined; a VM goes through its power states); a command without a step fails the first test, so commands
 * added later must be covered here. Run `npm run build` first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../src/cli/commands/registry.js';
import { uploadDatastoreFile } from '../../src/vim25/index.js';
import { runCli } from './cli-support.js';
import { setGuestInfo, startTarget, type CliTarget } from './cli-domain-support.js';

const DOM = 'jsondom';
const VM = 'ha-host_VM0';
const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-json-'));
const file = (name: string, text: string): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const XML = file(
  'dom.xml',
  `<domain type='vmware'>
  <name>${DOM}</name>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='[LocalDS_0] ${DOM}/${DOM}.vmdk'/><target dev='sda' bus='scsi'/></disk>
    <controller type='scsi' index='0' model='lsilogic'/>
  </devices>
</domain>
`,
);
const VMX = file('in.vmx', 'config.version = "8"\nvirtualHW.version = "13"\ndisplayName = "in"\nmemsize = "64"\nguestOS = "other-64"\n');

/** One CLI run: the command, its arguments, and optionally work before it and a check of its JSON. */
interface Step {
  command: string;
  args: string[];
  /** Run without -c (the offline form of a command whose connection is optional). */
  offline?: boolean;
  setup?(t: CliTarget): Promise<void>;
  check?(json: unknown): void;
}

const has =
  (fields: Record<string, unknown>) =>
  (json: unknown): void => {
    assert.ok(typeof json === 'object' && json !== null);
    for (const [k, v] of Object.entries(fields)) assert.deepEqual((json as Record<string, unknown>)[k], v, k);
  };
const xmlStartingWith =
  (start: string) =>
  (json: unknown): void => {
    assert.deepEqual(Object.keys(json as object), ['xml']);
    assert.ok((json as { xml: string }).xml.startsWith(start), JSON.stringify(json));
  };
const vmx = (json: unknown): void => {
  assert.deepEqual(Object.keys(json as object), ['vmx']);
  assert.match((json as { vmx: string }).vmx, /^\.encoding = "UTF-8"\n/);
};

const STEPS: Step[] = [
  { command: 'help', args: [] },
  { command: 'help', args: ['snapshot-list'], check: has({ name: 'snapshot-list', group: 'snapshot' }) },
  { command: 'version', args: [], offline: true, check: (j) => assert.deepEqual(Object.keys(j as object), ['library']) },
  { command: 'version', args: [], check: (j) => assert.deepEqual(Object.keys(j as object), ['library', 'api', 'hypervisor']) },
  { command: 'uri', args: [] },
  { command: 'hostname', args: [], check: has({ hostname: 'localhost.localdomain' }) },
  { command: 'nodeinfo', args: [] },
  { command: 'capabilities', args: [] },
  { command: 'sysinfo', args: [] },
  { command: 'freecell', args: ['--all'] },
  { command: 'nodememstats', args: [] },
  { command: 'nodecpustats', args: ['0'], check: has({ cpu: 0 }) },
  { command: 'list', args: ['--all'] },
  { command: 'domid', args: [VM] },
  { command: 'domname', args: [VM], check: has({ name: VM }) },
  { command: 'domuuid', args: [VM] },
  { command: 'dominfo', args: [VM], check: has({ name: VM, state: 'running' }) },
  { command: 'domstate', args: [VM], check: has({ state: 'running' }) },
  { command: 'domifaddr', args: [VM] },
  {
    command: 'domhostname',
    args: [VM],
    setup: (t) => setGuestInfo(t, VM, { hostName: 'vm0.example.com' }),
    check: has({ hostname: 'vm0.example.com' }),
  },
  { command: 'dumpxml', args: [VM], check: xmlStartingWith("<domain type='vmware'") },
  { command: 'domxml-from-native', args: ['vmware-vmx', VMX], offline: true, check: xmlStartingWith("<domain type='vmware'>") },
  {
    command: 'domxml-from-native',
    args: ['vmware-vmx', VMX, '--vmx-path', '[LocalDS_0] in/in.vmx'],
    check: xmlStartingWith("<domain type='vmware'"),
  },
  { command: 'domxml-to-native', args: ['vmware-vmx', XML], offline: true, check: vmx },
  { command: 'domxml-to-native', args: ['vmware-vmx', XML], check: vmx },
  // before reboot: vcsim's FindByDatastorePath (RegisterVM) panics once the harness's RebootGuest helper object exists
  {
    command: 'define',
    args: [XML],
    async setup(t) {
      const conn = await t.open();
      try {
        // the disk, and what vcsim's RegisterVM opens beside the VMX (see cli-define.test.ts)
        for (const f of [`${DOM}.vmdk`, `${DOM}.nvram`, 'vmware.log']) {
          await uploadDatastoreFile(
            conn.client,
            { datastore: 'LocalDS_0', path: `${DOM}/${f}`, dcPath: conn.host.datacenter.path },
            Buffer.alloc(0),
          );
        }
      } finally {
        await conn.close();
      }
    },
    check: has({ name: DOM, vmxPath: `[LocalDS_0] ${DOM}/${DOM}.vmx`, message: `Domain '${DOM}' defined from ${XML}` }),
  },
  {
    command: 'snapshot-create-as',
    args: [DOM, 's1', 'first'],
    check: has({ name: 's1', description: 'first', message: 'Domain snapshot s1 created' }),
  },
  {
    command: 'snapshot-list',
    args: [DOM],
    check: (j) =>
      assert.deepEqual(
        (j as { name: string }[]).map((s) => s.name),
        ['s1'],
      ),
  },
  { command: 'snapshot-current', args: [DOM], check: has({ name: 's1', current: true }) },
  { command: 'snapshot-dumpxml', args: [DOM, 's1'], check: xmlStartingWith('<domainsnapshot>\n  <name>s1</name>\n') },
  { command: 'snapshot-revert', args: [DOM, 's1'], check: (j) => assert.deepEqual(j, { domain: DOM, name: 's1', result: 'reverted' }) },
  {
    command: 'snapshot-delete',
    args: [DOM, 's1'],
    check: (j) => assert.deepEqual(j, { domain: DOM, name: 's1', result: 'deleted', message: 'Domain snapshot s1 deleted' }),
  },
  { command: 'undefine', args: [DOM], check: has({ name: DOM, message: `Domain '${DOM}' has been undefined` }) },
  { command: 'suspend', args: [VM], check: has({ name: VM, result: 'suspended', message: `Domain '${VM}' suspended` }) },
  { command: 'resume', args: [VM], check: has({ result: 'resumed' }) },
  { command: 'reset', args: [VM], check: has({ result: 'reset' }) },
  {
    command: 'reboot',
    args: [VM],
    setup: (t) => setGuestInfo(t, VM, { toolsRunningStatus: 'guestToolsRunning' }),
    check: has({ result: 'reboot requested' }),
  },
  { command: 'shutdown', args: [VM], check: has({ result: 'shutdown requested', message: `Domain '${VM}' is being shutdown` }) },
  { command: 'start', args: [VM], check: has({ result: 'started' }) },
  { command: 'destroy', args: [VM], check: has({ result: 'destroyed' }) },
  { command: 'setmaxmem', args: [VM, '256M'], check: has({ name: VM, maxMemoryKiB: 262144 }) },
  { command: 'setmem', args: [VM, '128M'], check: has({ name: VM, memoryKiB: 131072 }) },
  { command: 'setvcpus', args: [VM, '2'], check: has({ vcpus: 2, warnings: [] }) },
  { command: 'schedinfo', args: [VM, 'shares=1000'], check: has({ scheduler: 'allocation', shares: 1000 }) },
  { command: 'autostart', args: [VM], check: has({ name: VM, autostart: true }) },
];

describe('CLI --json: every command prints exactly one JSON document (esx://)', () => {
  let t: CliTarget;

  before(async () => {
    t = await startTarget('esx');
  });
  after(async () => {
    await t?.stop();
  });

  it('every registered command has a step here, and every step names a registered command', () => {
    const covered = new Set(STEPS.map((s) => s.command));
    const missing = COMMANDS.commands.map((c) => c.name).filter((n) => !covered.has(n));
    assert.deepEqual(missing, [], `commands without a --json step in test/integration/cli-json.test.ts: ${missing.join(', ')}`);
    for (const s of STEPS) assert.equal(COMMANDS.get(s.command)?.name, s.command, `step for unknown command '${s.command}'`);
  });

  for (const step of STEPS) {
    it(`${step.offline ? '(offline) ' : ''}${[step.command, ...step.args].join(' ').replace(tmp, '…')}`, async () => {
      await step.setup?.(t);
      const r = step.offline ? await runCli(['--json', step.command, ...step.args]) : await t.cli('--json', step.command, ...step.args);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      // one document and nothing else: the output is exactly the pretty-printed form of what it parses to
      const json: unknown = JSON.parse(r.stdout);
      assert.equal(r.stdout, `${JSON.stringify(json, null, 2)}\n`);
      assert.ok(typeof json === 'object' && json !== null, 'an object or an array');
      step.check?.(json);
    });
  }
});

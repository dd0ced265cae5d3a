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
import { startTask, uploadDatastoreFile, VimClient, type MoRef } from '../../src/vim25/index.js';
import { startMigrationLab, type MigrationLab } from '../harness/migration-lab.js';
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
const NETXML = file('net.xml', "<network><name>jsonnet</name><portgroup name='json-pg'><vlan><tag id='5'/></vlan></portgroup></network>\n");
const SNAP_XML = file(
  'snap.xml',
  "<domainsnapshot><name>s2</name><description>from XML</description><memory snapshot='no'/></domainsnapshot>",
);
// Storage: a volume XML for vol-create / vol-create-from, an ISO to upload, a flat VMDK (descriptor + extent) to import.
const VOLXML = file('vol.xml', "<volume><name>json/b.vmdk</name><capacity unit='M'>1</capacity><allocation>0</allocation></volume>");
const VOLXML2 = file('vol2.xml', "<volume><name>json/from.vmdk</name><capacity unit='M'>4</capacity></volume>");
const ISO = file('x.iso', 'an ISO image');
const FLAT = file('img.vmdk', 'version=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="monolithicFlat"\nRW 2048 FLAT "img-flat.vmdk" 0\n');
file('img-flat.vmdk', '\0'.repeat(1024 * 1024));
const VMX = file('in.vmx', 'config.version = "8"\nvirtualHW.version = "13"\ndisplayName = "in"\nmemsize = "64"\nguestOS = "other-64"\n');

/** One CLI run: the command, its arguments, and optionally work before it and a check of its JSON. */
interface Step {
  command: string;
  /** Arguments; a function for lab steps (the destination URI needs the lab's port). */
  args: string[] | ((lab: MigrationLab) => string[]);
  /** Run without -c (the offline form of a command whose connection is optional). */
  offline?: boolean;
  /** Run against the migration lab (a vCenter) as vpx://…/DC0/DC0_C0/DC0_C0_H0: migration needs a vCenter. */
  lab?: boolean;
  setup?(t: CliTarget, lab: MigrationLab): Promise<void>;
  check?(json: unknown): void;
  /** A command that refuses by design (as libvirt's ESX driver does): no JSON, one error line matching this. */
  fails?: RegExp;
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
  { command: 'vcpucount', args: [VM], check: has({ name: VM, current: { config: 1, live: 1 } }) },
  { command: 'maxvcpus', args: [], check: has({ maxVcpus: 128 }) },
  { command: 'memtune', args: [VM, '--min-guarantee', '16M'], check: has({ name: VM, minGuaranteeKiB: 16384 }) },
  { command: 'memtune', args: [VM], check: has({ name: VM, minGuaranteeKiB: 16384 }) },
  { command: 'desc', args: [VM, '--new-desc', 'web', 'server'], check: has({ name: VM, description: 'web server' }) },
  { command: 'desc', args: [VM], check: has({ name: VM, description: 'web server' }) },
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
  {
    command: 'snapshot-create',
    args: [DOM, SNAP_XML],
    check: has({ name: 's2', description: 'from XML', parent: 's1', message: `Domain snapshot s2 created from '${SNAP_XML}'` }),
  },
  { command: 'snapshot-info', args: [DOM, 's2'], check: has({ name: 's2', domain: DOM, current: true, parent: 's1', children: 0 }) },
  { command: 'snapshot-parent', args: [DOM, 's2'], check: has({ name: 's2', parent: 's1' }) },
  { command: 'snapshot-dumpxml', args: [DOM, 's1'], check: xmlStartingWith('<domainsnapshot>\n  <name>s1</name>\n') },
  {
    command: 'snapshot-revert',
    args: [DOM, 's1'],
    check: (j) => assert.deepEqual(j, { domain: DOM, name: 's1', result: 'reverted', message: 'Domain snapshot s1 reverted' }),
  },
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
  {
    command: 'net-list',
    args: ['--all'],
    check: (j) =>
      assert.deepEqual(
        (j as { name: string }[]).map((n) => n.name),
        ['vSwitch0'],
      ),
  },
  { command: 'net-info', args: ['vSwitch0'], check: has({ name: 'vSwitch0', uuid: '2f467347-8b4e-8655-e7d6-c4c3fb968009', active: true }) },
  { command: 'net-dumpxml', args: ['vSwitch0'], check: xmlStartingWith('<network>\n  <name>vSwitch0</name>\n') },
  { command: 'net-uuid', args: ['vSwitch0'], check: has({ uuid: '2f467347-8b4e-8655-e7d6-c4c3fb968009' }) },
  { command: 'net-name', args: ['2f467347-8b4e-8655-e7d6-c4c3fb968009'], check: has({ name: 'vSwitch0' }) },
  { command: 'net-define', args: [NETXML], check: has({ name: 'jsonnet', portgroups: ['json-pg'], created: true }) },
  {
    command: 'net-update',
    args: ['jsonnet', 'add', 'portgroup', "<portgroup name='json-pg2'/>"],
    check: has({ name: 'jsonnet', command: 'add', portgroup: 'json-pg2', message: 'Updated network jsonnet live state' }),
  },
  { command: 'net-autostart', args: ['jsonnet'], check: has({ name: 'jsonnet', autostart: true }) },
  { command: 'net-start', args: ['jsonnet'], fails: /Failed to start network jsonnet: .*virNetworkCreate/ },
  { command: 'net-destroy', args: ['jsonnet'], fails: /Failed to destroy network jsonnet: .*virNetworkDestroy/ },
  { command: 'net-undefine', args: ['jsonnet'], check: has({ name: 'jsonnet', message: 'Network jsonnet has been undefined' }) },
  {
    command: 'iface-list',
    args: ['--all'],
    check: (j) =>
      assert.deepEqual(
        (j as { name: string }[]).map((i) => i.name),
        ['vmnic0', 'vmnic1'],
      ),
  },
  { command: 'iface-dumpxml', args: ['vmnic0'], check: xmlStartingWith("<interface type='ethernet' name='vmnic0'>\n") },
  { command: 'iface-mac', args: ['vmnic0'], check: has({ name: 'vmnic0', mac: '00:0c:29:81:d8:a0' }) },
  { command: 'iface-name', args: ['00:0c:29:81:d8:a0'], check: has({ name: 'vmnic0', mac: '00:0c:29:81:d8:a0' }) },
  { command: 'domjobinfo', args: [VM], check: (j) => assert.deepEqual(j, { domain: VM, type: 'none' }) },
  {
    command: 'migrate',
    lab: true,
    args: (lab) => ['jsonmig', lab.vpx('DC0_C0/DC0_C0_H1')],
    setup: async (_t, lab) => void (await lab.createVm({ name: 'jsonmig', host: 'DC0_C0_H0' })),
    check: has({ dryRun: false, method: 'RelocateVM_Task', live: true }),
  },
  {
    command: 'domjobabort',
    lab: true,
    args: ['jsonjob'],
    async setup(_t, lab) {
      // a slow move started by another client, for domjobabort to cancel
      const vm = await lab.createVm({ name: 'jsonjob', host: 'DC0_C0_H0' });
      await lab.migrationSpeed(10_000);
      const c = await VimClient.connect({ url: lab.sim.url, username: 'user', password: 'pass', thumbprint: lab.sim.thumbprint });
      try {
        const host = (await c.inventory.hostContext('DC0/DC0_C0/DC0_C0_H1')).hostSystem;
        await startTask(c.soap, 'RelocateVM_Task', { type: 'VirtualMachine', value: vm.vm } as MoRef<'VirtualMachine'>, { spec: { host } });
      } finally {
        await c.close();
      }
    },
    check: has({ domain: 'jsonjob', type: 'cancelled', operation: 'Outgoing migration', taskName: 'RelocateVM_Task' }),
  },
  { command: 'pool-list', args: ['--all'], check: (j) => assert.equal((j as { name: string }[])[0]?.name, 'LocalDS_0') },
  { command: 'pool-info', args: ['LocalDS_0'], check: has({ name: 'LocalDS_0', type: 'dir', state: 'running' }) },
  { command: 'pool-dumpxml', args: ['LocalDS_0'], check: xmlStartingWith("<pool type='dir'>\n  <name>LocalDS_0</name>") },
  { command: 'pool-refresh', args: ['LocalDS_0'], check: has({ name: 'LocalDS_0', result: 'refreshed' }) },
  { command: 'pool-uuid', args: ['LocalDS_0'] },
  { command: 'pool-name', args: ['LocalDS_0'], check: has({ name: 'LocalDS_0' }) },
  { command: 'pool-autostart', args: ['LocalDS_0'], check: has({ name: 'LocalDS_0', autostart: true }) },
  {
    command: 'vol-create-as',
    args: ['LocalDS_0', 'json/a.vmdk', '4M', '--allocation', '0'],
    check: has({ name: 'json/a.vmdk', path: '[LocalDS_0] json/a.vmdk', capacity: 4194304, message: 'Vol json/a.vmdk created' }),
  },
  { command: 'vol-create', args: ['LocalDS_0', VOLXML], check: has({ name: 'json/b.vmdk', kind: 'disk' }) },
  {
    command: 'vol-create-from',
    args: ['LocalDS_0', VOLXML2, 'json/a.vmdk', '--inputpool', 'LocalDS_0'],
    check: has({ name: 'json/from.vmdk' }),
  },
  { command: 'vol-clone', args: ['--pool', 'LocalDS_0', 'json/a.vmdk', 'json/c.vmdk'], check: has({ name: 'json/c.vmdk' }) },
  { command: 'vol-list', args: ['LocalDS_0'], check: (j) => assert.ok((j as { name: string }[]).some((v) => v.name === 'json/c.vmdk')) },
  { command: 'vol-info', args: ['--pool', 'LocalDS_0', 'json/a.vmdk'], check: has({ type: 'file', capacity: 4194304 }) },
  { command: 'vol-dumpxml', args: ['--pool', 'LocalDS_0', 'json/a.vmdk'], check: xmlStartingWith("<volume type='file'>") },
  { command: 'vol-key', args: ['[LocalDS_0] json/a.vmdk'], check: (j) => assert.match((j as { key: string }).key, /^[0-9a-f-]{36}$/) },
  { command: 'vol-path', args: ['--pool', 'LocalDS_0', 'json/a.vmdk'], check: has({ path: '[LocalDS_0] json/a.vmdk' }) },
  { command: 'vol-name', args: ['[LocalDS_0] json/a.vmdk'], check: has({ name: 'json/a.vmdk' }) },
  { command: 'vol-pool', args: ['[LocalDS_0] json/a.vmdk'], check: has({ pool: 'LocalDS_0' }) },
  { command: 'vol-resize', args: ['--pool', 'LocalDS_0', 'json/a.vmdk', '8M'], check: has({ capacity: 8388608 }) },
  { command: 'vol-wipe', args: ['--pool', 'LocalDS_0', 'json/a.vmdk'], check: has({ result: 'wiped' }) },
  {
    command: 'vol-upload',
    args: ['--pool', 'LocalDS_0', 'json/x.iso', ISO],
    check: has({ name: 'json/x.iso', format: 'iso', result: 'uploaded' }),
  },
  {
    command: 'vol-download',
    args: ['--pool', 'LocalDS_0', 'json/x.iso', join(tmp, 'x.out')],
    check: has({ bytes: 12, result: 'downloaded' }),
  },
  { command: 'vol-import', args: ['LocalDS_0', FLAT, 'json/img.vmdk'], check: has({ name: 'json/img.vmdk', sourceKind: 'descriptor' }) },
  {
    command: 'vol-export',
    args: ['--pool', 'LocalDS_0', 'json/img.vmdk', join(tmp, 'out.vmdk')],
    check: has({ subformat: 'streamOptimized' }),
  },
  { command: 'vol-delete', args: ['--pool', 'LocalDS_0', 'json/c.vmdk'], check: has({ name: 'json/c.vmdk', result: 'deleted' }) },
];

describe('CLI --json: every command prints exactly one JSON document (esx://)', () => {
  let t: CliTarget;
  let lab: MigrationLab;

  before(async () => {
    [t, lab] = await Promise.all([startTarget('esx'), startMigrationLab()]);
  });
  after(async () => {
    await Promise.all([t?.stop(), lab?.stop()]);
  });

  it('every registered command has a step here, and every step names a registered command', () => {
    const covered = new Set(STEPS.map((s) => s.command));
    const missing = COMMANDS.commands.map((c) => c.name).filter((n) => !covered.has(n));
    assert.deepEqual(missing, [], `commands without a --json step in test/integration/cli-json.test.ts: ${missing.join(', ')}`);
    for (const s of STEPS) assert.equal(COMMANDS.get(s.command)?.name, s.command, `step for unknown command '${s.command}'`);
  });

  for (const step of STEPS) {
    const shown = typeof step.args === 'function' ? ['…'] : step.args;
    it(`${step.offline ? '(offline) ' : step.lab ? '(vCenter) ' : ''}${[step.command, ...shown].join(' ').replace(tmp, '…')}`, async () => {
      await step.setup?.(t, lab);
      const args = typeof step.args === 'function' ? step.args(lab) : step.args;
      const r = step.offline
        ? await runCli(['--json', step.command, ...args])
        : step.lab
          ? await runCli(['-c', lab.vpx('DC0_C0/DC0_C0_H0'), '--json', step.command, ...args], { authFile: lab.authFile })
          : await t.cli('--json', step.command, ...args);
      if (step.fails) {
        assert.notEqual(r.status, 0);
        assert.equal(r.stdout, '');
        assert.match(r.stderr, /^error: [^\n]*\n$/);
        assert.match(r.stderr, step.fails);
        return;
      }
      assert.equal(r.status, 0, r.stderr);
      // stderr carries warnings at most (e.g. what dumpxml leaves out of a vcsim VM)
      assert.match(r.stderr, /^(warning: [^\n]*\n)*$/);
      // one document and nothing else: the output is exactly the pretty-printed form of what it parses to
      const json: unknown = JSON.parse(r.stdout);
      assert.equal(r.stdout, `${JSON.stringify(json, null, 2)}\n`);
      assert.ok(typeof json === 'object' && json !== null, 'an object or an array');
      step.check?.(json);
    });
  }
});

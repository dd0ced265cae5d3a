/**
 * dominfo, domstate, domhostname, domifaddr and the power commands through bin/esxvirt, against an ESX and a
 * vCenter simulator. Run `npm run build` first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getDomainInfo } from '../../src/driver/domain/info.js';
import { setGuestInfo, startTarget, type CliTarget } from './cli-domain-support.js';

const notValid = (msg: string): string => `error: Requested operation is not valid: ${msg}\n`;

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI domain state and lifecycle (${model}://)`, () => {
    let t: CliTarget;
    let vm: string;

    before(async () => {
      t = await startTarget(model);
      vm = t.vms[0] as string;
    });
    after(async () => {
      await t?.stop();
    });

    /** Brings the VM into `state` with the CLI's own commands. */
    async function ensure(state: 'running' | 'shut off'): Promise<void> {
      const cur = (await t.cli('domstate', vm)).stdout.trim();
      if (cur === state) return;
      const run = async (...args: string[]): Promise<void> => {
        const r = await t.cli(...args);
        assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      };
      if (cur === 'paused') await run('resume', vm);
      if (state === 'shut off') await run('destroy', vm);
      else if (cur !== 'paused') await run('start', vm);
    }

    it('domstate, with --reason and --json', async () => {
      await ensure('running');
      assert.deepEqual(await t.cli('domstate', vm), { status: 0, stdout: 'running\n\n', stderr: '' });
      assert.equal((await t.cli('domstate', '--reason', vm)).stdout, 'running (unknown)\n\n');
      assert.equal((await t.cli('domstate', '--domain', vm, '--reason')).stdout, 'running (unknown)\n\n');
      assert.deepEqual(JSON.parse((await t.cli('--json', 'domstate', vm)).stdout), { name: vm, state: 'running', reason: 'unknown' });
    });

    it('dominfo: virsh layout, exact', async () => {
      await ensure('running');
      const uuid = (await t.cli('domuuid', vm)).stdout.trim();
      const id = (await t.cli('domid', vm)).stdout.trim();
      const r = await t.cli('dominfo', vm);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
      assert.equal(
        r.stdout,
        `Id:             ${id}\nName:           ${vm}\nUUID:           ${uuid}\nOS Type:        hvm\nState:          running\nCPU(s):         1\n` +
          'Max memory:     32768 KiB\nUsed memory:    32768 KiB\nPersistent:     yes\nAutostart:      disable\nManaged save:   no\n\n',
      );
      const j = JSON.parse((await t.cli('--json', 'dominfo', vm)).stdout) as Record<string, unknown>;
      assert.deepEqual(j, {
        id: Number(id),
        name: vm,
        uuid,
        osType: 'hvm',
        state: 'running',
        vcpus: 1,
        cpuTimeNs: null,
        maxMemoryKiB: 32768,
        memoryKiB: 32768,
        persistent: true,
        autostart: false,
        managedSave: false,
      });
      // by UUID and by id too
      assert.equal((await t.cli('dominfo', uuid)).stdout, r.stdout);
      assert.equal((await t.cli('dominfo', id)).stdout, r.stdout);
    });

    it('dominfo costs a constant number of calls: lookup, one retrieve, the autostart manager and its config', async () => {
      const conn = await t.open();
      try {
        const counts: Record<string, number>[] = [];
        for (const name of [...t.vms, ...t.vms]) {
          const before = { ...conn.client.stats.byMethod };
          await getDomainInfo(conn, name);
          const after = conn.client.stats.byMethod;
          counts.push(
            Object.fromEntries(
              Object.keys(after)
                .map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)])
                .filter(([, n]) => n !== 0),
            ),
          );
        }
        // first call: find by name (one traversal: from the root folder on ESX, from the host on
        // vCenter), the VM's properties, the manager's ref, its config
        assert.deepEqual(counts[0], { RetrievePropertiesEx: 4 });
        // later calls: the manager's ref is cached
        for (const c of counts.slice(1)) assert.deepEqual(c, { RetrievePropertiesEx: 3 });
      } finally {
        await conn.close();
      }
    });

    it('shutdown and reboot need VMware Tools: the server refuses while they do not run, in one line', async () => {
      await ensure('running');
      await setGuestInfo(t, vm, { toolsRunningStatus: 'guestToolsNotRunning' });
      for (const [cmd, what] of [
        ['shutdown', 'shut down'],
        ['reboot', 'reboot'],
      ] as const) {
        assert.deepEqual(await t.cli(cmd, vm), {
          status: 1,
          stdout: '\n',
          stderr: notValid(`cannot ${what} domain '${vm}': VMware Tools are not running in the guest (use destroy to power it off)`),
        });
      }
      assert.equal((await t.cli('domstate', vm)).stdout, 'running\n\n');
      const bad = await t.cli('shutdown', '--mode', 'acpi', vm);
      assert.equal(bad.status, 1);
      assert.equal(
        bad.stderr,
        "error: unsupported configuration: shutdown mode 'acpi' is not supported on ESX: only 'agent' (VMware Tools) is\n",
      );
    });

    it('reboot and shutdown with tools running', async () => {
      await ensure('running');
      await setGuestInfo(t, vm, { toolsRunningStatus: 'guestToolsRunning' });
      assert.deepEqual(await t.cli('reboot', vm), { status: 0, stdout: `Domain '${vm}' is being rebooted\n\n`, stderr: '' });
      assert.equal((await t.cli('domstate', vm)).stdout, 'running\n\n');
      assert.deepEqual(await t.cli('shutdown', '--mode', 'agent', vm), {
        status: 0,
        stdout: `Domain '${vm}' is being shutdown\n\n`,
        stderr: '',
      });
      assert.equal((await t.cli('domstate', '--reason', vm)).stdout, 'shut off (unknown)\n\n');
      await setGuestInfo(t, vm, { toolsRunningStatus: 'guestToolsNotRunning' });
    });

    it('wrong states on a shut-off domain', async () => {
      await ensure('shut off');
      for (const cmd of ['shutdown', 'reboot', 'reset', 'destroy', 'suspend', 'resume']) {
        const message = cmd === 'resume' ? 'Domain is not suspended' : 'Domain is not powered on';
        assert.deepEqual(await t.cli(cmd, vm), { status: 1, stdout: '\n', stderr: notValid(message) }, cmd);
      }
      const info = (await t.cli('dominfo', vm)).stdout;
      assert.ok(info.startsWith('Id:             -\n'), info);
      assert.ok(info.includes('\nState:          shut off\n'), info);
    });

    it('start, then start again', async () => {
      await ensure('shut off');
      assert.deepEqual(await t.cli('start', vm), { status: 0, stdout: `Domain '${vm}' started\n\n`, stderr: '' });
      assert.equal((await t.cli('domstate', vm)).stdout, 'running\n\n');
      assert.deepEqual(await t.cli('start', vm), { status: 1, stdout: '\n', stderr: 'error: Domain is already active\n' });
      assert.deepEqual(await t.cli('resume', vm), { status: 1, stdout: '\n', stderr: notValid('Domain is not suspended') });
    });

    it('suspend, the paused state, resume', async () => {
      await ensure('running');
      assert.deepEqual(await t.cli('suspend', vm), { status: 0, stdout: `Domain '${vm}' suspended\n\n`, stderr: '' });
      assert.equal((await t.cli('domstate', '--reason', vm)).stdout, 'paused (unknown)\n\n');
      const info = (await t.cli('dominfo', vm)).stdout;
      assert.ok(info.includes('\nState:          paused\n'), info);
      // libvirt's ESX driver has no managed save: virsh 9.0 prints 'no' for a suspended VM too
      assert.ok(info.includes('\nManaged save:   no\n'), info);
      assert.deepEqual(await t.cli('suspend', vm), { status: 1, stdout: '\n', stderr: notValid('Domain is not powered on') });
      assert.deepEqual(await t.cli('start', vm), { status: 1, stdout: '\n', stderr: 'error: Domain is already active\n' });
      assert.deepEqual(await t.cli('reset', vm), { status: 1, stdout: '\n', stderr: notValid('Domain is not powered on') });
      assert.deepEqual(await t.cli('shutdown', vm), { status: 1, stdout: '\n', stderr: notValid('Domain is not powered on') });
      assert.deepEqual(await t.cli('resume', vm), { status: 0, stdout: `Domain '${vm}' resumed\n\n`, stderr: '' });
      assert.equal((await t.cli('domstate', vm)).stdout, 'running\n\n');
    });

    it('destroy a suspended domain', async () => {
      await ensure('running');
      assert.equal((await t.cli('suspend', vm)).status, 0);
      assert.deepEqual(await t.cli('destroy', vm), { status: 0, stdout: `Domain '${vm}' destroyed\n\n`, stderr: '' });
      assert.equal((await t.cli('domstate', vm)).stdout, 'shut off\n\n');
    });

    it('reset and destroy a running domain; --quiet and --json', async () => {
      await ensure('running');
      assert.deepEqual(await t.cli('reset', vm), { status: 0, stdout: `Domain '${vm}' was reset\n\n`, stderr: '' });
      assert.equal((await t.cli('domstate', vm)).stdout, 'running\n\n');
      assert.deepEqual(await t.cli('--quiet', 'destroy', vm), { status: 0, stdout: '', stderr: '' });
      assert.equal((await t.cli('domstate', vm)).stdout, 'shut off\n\n');
      const j = await t.cli('--json', 'start', vm);
      assert.equal(JSON.parse(j.stdout).result, 'started');
    });

    it('start goes through the question handling of runVmTask (auto_answer)', async () => {
      await ensure('shut off');
      const conn = await t.open();
      const ref = (await conn.client.inventory.findVmByName(vm))?.value;
      await conn.close();
      await t.sim.armQuestion(ref as string, { kind: 'serial' });
      const refused = await t.cli('start', vm);
      assert.equal(refused.status, 1);
      assert.match(
        refused.stderr,
        /^error: PowerOnVM_Task on VM '[^']+' \(task \S+ left blocked.*\): pending question blocks the task: 'msg\.serial\.file\.open:.*auto_answer=1/,
      );
      // The blocked power-on is left running on the server; auto_answer answers it but refuses a second task.
      const auto = await t.cli('-c', `${t.uri}&auto_answer=1`, 'start', vm);
      assert.equal((await t.cli('domstate', vm)).stdout, 'running\n\n', auto.stderr);
      // A question the power-on runs into is answered while the task runs.
      await ensure('shut off');
      await t.sim.armQuestion(ref as string, { kind: 'serial' });
      assert.deepEqual(await t.cli('-c', `${t.uri}&auto_answer=1`, 'start', vm), {
        status: 0,
        stdout: `Domain '${vm}' started\n\n`,
        stderr: '',
      });
      const answered = (await t.sim.questions()).answered.filter((a) => a.vm === ref);
      assert.equal(answered.at(-1)?.label, 'Append');
    });

    it('domhostname and domifaddr: what the tools report', async () => {
      await ensure('running');
      const none = await t.cli('domhostname', vm);
      assert.deepEqual(none, {
        status: 1,
        stdout: '\n',
        stderr: `error: the host name of domain '${vm}' is unknown: VMware Tools in it do not report one\n`,
      });
      const empty = await t.cli('domifaddr', vm);
      assert.equal(empty.status, 0, empty.stderr);
      const mac = / ethernet0 {2}(\S+)/.exec(empty.stdout)?.[1] as string;
      assert.match(mac, /^00:0c:29(:[0-9a-f]{2}){3}$/);
      assert.equal(
        empty.stdout,
        ` Name       MAC address          Protocol     Address\n${'-'.repeat(79)}\n ethernet0  ${mac}    N/A          N/A\n\n`,
      );
      await setGuestInfo(t, vm, { hostName: 'web1.example.com', ipAddress: '192.168.10.21' });
      assert.deepEqual(await t.cli('domhostname', vm), { status: 0, stdout: 'web1.example.com\n\n', stderr: '' });
      assert.equal(JSON.parse((await t.cli('--json', 'domhostname', vm)).stdout).hostname, 'web1.example.com');
      assert.equal(
        (await t.cli('domifaddr', vm)).stdout,
        ` Name       MAC address          Protocol     Address\n${'-'.repeat(79)}\n ethernet0  ${mac}    ipv4         192.168.10.21\n\n`,
      );
      assert.equal(
        (await t.cli('domifaddr', vm, '--interface', 'ethernet1')).stdout,
        ` Name       MAC address          Protocol     Address\n${'-'.repeat(79)}\n\n`,
      );
      const j = JSON.parse((await t.cli('--json', 'domifaddr', vm)).stdout) as { network: unknown }[];
      // vcsim names the network on ESX only
      assert.deepEqual(j, [
        {
          name: 'ethernet0',
          hwaddr: mac,
          network: model === 'esx' ? 'VM Network' : null,
          addrs: [{ type: 'ipv4', addr: '192.168.10.21', prefix: null }],
        },
      ]);
      const lease = await t.cli('domifaddr', vm, '--source', 'lease');
      assert.equal(
        lease.stderr,
        "error: unsupported configuration: address source 'lease' is not available on ESX: only 'agent' (VMware Tools) is\n",
      );
      await ensure('shut off');
      assert.deepEqual(await t.cli('domifaddr', vm), { status: 1, stdout: '\n', stderr: notValid('domain is not running') });
      await ensure('running');
    });

    it('an unknown domain: every command says so', async () => {
      for (const cmd of [
        'dominfo',
        'domstate',
        'domhostname',
        'domifaddr',
        'start',
        'shutdown',
        'reboot',
        'reset',
        'destroy',
        'suspend',
        'resume',
      ]) {
        assert.deepEqual(
          await t.cli(cmd, 'no-such-vm'),
          { status: 1, stdout: '\n', stderr: "error: Domain not found: no domain with matching name 'no-such-vm'\n" },
          cmd,
        );
      }
      const usage = await t.cli('start');
      assert.deepEqual(usage, { status: 2, stdout: '', stderr: "error: command 'start' requires <domain> option\n" });
    });
  });
}

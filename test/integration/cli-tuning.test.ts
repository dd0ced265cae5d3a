/**
 * setmem, setmaxmem, setvcpus, schedinfo and autostart through bin/esxvirt, against an ESX and a vCenter
 * simulator. Run `npm run build` first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readAutostart } from '../../src/driver/domain/autostart.js';
import { reconfigureVm, startTarget, type CliTarget } from './cli-domain-support.js';

const notValid = (msg: string): string => `error: Requested operation is not valid: ${msg}\n`;
const ok = { status: 0, stdout: '\n', stderr: '' };

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI domain tuning (${model}://)`, () => {
    let t: CliTarget;
    let vm: string;

    before(async () => {
      t = await startTarget(model);
      vm = t.vms[0] as string;
    });
    after(async () => {
      await t?.stop();
    });

    async function run(...args: string[]): Promise<void> {
      const r = await t.cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    async function ensure(state: 'running' | 'shut off'): Promise<void> {
      const cur = (await t.cli('domstate', vm)).stdout.trim();
      if (cur !== state) await run(state === 'running' ? 'start' : 'destroy', vm);
    }
    async function info(field: string): Promise<string> {
      const line = (await t.cli('dominfo', vm)).stdout.split('\n').find((l) => l.startsWith(`${field}:`));
      return (line ?? '').slice(16);
    }

    it('setmaxmem on a shut-off domain: sizes with units, rounded up to 4 MiB', async () => {
      await ensure('shut off');
      assert.deepEqual(await t.cli('setmaxmem', vm, '100M'), ok);
      assert.equal(await info('Max memory'), '102400 KiB');
      assert.deepEqual(await t.cli('setmaxmem', vm, '101M', '--config'), ok);
      assert.equal(await info('Max memory'), '106496 KiB');
      assert.deepEqual(await t.cli('setmaxmem', '--domain', vm, '--size', '262144'), ok);
      assert.equal(await info('Max memory'), '262144 KiB');
      assert.deepEqual(JSON.parse((await t.cli('--json', 'setmaxmem', vm, '1GiB')).stdout), { name: vm, maxMemoryKiB: 1048576 });
      assert.equal(await info('Max memory'), '1048576 KiB');
      assert.deepEqual(await t.cli('setmaxmem', vm, '100M', '--live'), {
        status: 1,
        stdout: '\n',
        stderr: notValid('domain is not running'),
      });
    });

    it('bad sizes and counts are usage errors', async () => {
      assert.deepEqual(await t.cli('setmaxmem', vm, '12x'), {
        status: 2,
        stdout: '',
        stderr: "error: invalid size '12x': unknown unit 'x'\n",
      });
      assert.deepEqual(await t.cli('setmem', vm, '-5M'), {
        status: 2,
        stdout: '',
        stderr: "error: invalid size '-5M': expecting a non-negative integer with an optional unit such as KiB, MiB, GiB, MB, GB\n",
      });
      assert.deepEqual(await t.cli('setmem', vm, '0'), {
        status: 2,
        stdout: '',
        stderr: "error: invalid size '0': must be greater than 0\n",
      });
      assert.deepEqual(await t.cli('setvcpus', vm, '0'), {
        status: 2,
        stdout: '',
        stderr: "error: invalid vCPU count '0': expecting a positive integer\n",
      });
      assert.deepEqual(await t.cli('setvcpus', vm, 'two'), {
        status: 2,
        stdout: '',
        stderr: "error: invalid vCPU count 'two': expecting a positive integer\n",
      });
      assert.deepEqual(await t.cli('setvcpus', vm, '2', '--current', '--live'), {
        status: 2,
        stdout: '',
        stderr: 'error: Options --current and --live are mutually exclusive\n',
      });
      assert.deepEqual(await t.cli('setmem', vm), { status: 2, stdout: '', stderr: "error: command 'setmem' requires <size> option\n" });
    });

    it('setmem sets the limit (Used memory), never above the maximum', async () => {
      await ensure('shut off');
      await run('setmaxmem', vm, '256M');
      assert.deepEqual(await t.cli('setmem', vm, '64M', '--config'), ok);
      assert.equal(await info('Used memory'), '65536 KiB');
      assert.deepEqual(await t.cli('setmem', vm, '1G'), {
        status: 2,
        stdout: '\n',
        stderr: 'error: cannot set memory higher than max memory (262144 KiB)\n',
      });
      assert.deepEqual(await t.cli('setmem', vm, '64M', '--live'), { status: 1, stdout: '\n', stderr: notValid('domain is not running') });
      // the limit applies to a running domain at once
      await ensure('running');
      assert.deepEqual(await t.cli('setmem', vm, '50M'), ok);
      assert.equal(await info('Used memory'), '51200 KiB');
      assert.deepEqual(await t.cli('setmem', vm, '200M', '--live', '--config'), ok);
      assert.equal(await info('Used memory'), '204800 KiB');
      assert.equal(await info('Max memory'), '262144 KiB');
    });

    it('setvcpus on a shut-off domain, --maximum included; no odd-count warning on API >= 4.1', async () => {
      await ensure('shut off');
      assert.deepEqual(await t.cli('setvcpus', vm, '3', '--config'), ok);
      assert.equal(await info('CPU(s)'), '3');
      assert.deepEqual(await t.cli('setvcpus', vm, '2', '--maximum'), ok);
      assert.equal(await info('CPU(s)'), '2');
      assert.deepEqual(JSON.parse((await t.cli('--json', 'setvcpus', vm, '1')).stdout), { name: vm, vcpus: 1, warnings: [] });
      assert.equal(await info('CPU(s)'), '1');
    });

    it('size and count of a running domain without hot-add: a clear error whatever the flag', async () => {
      await ensure('running');
      const cpu = notValid(
        `cannot change the vCPU count of running domain '${vm}': CPU hot-add is not enabled for it; ESX keeps one configuration, so shut the domain off first`,
      );
      const mem = notValid(
        `cannot change the maximum memory of running domain '${vm}': memory hot-add is not enabled for it; ESX keeps one configuration, so shut the domain off first`,
      );
      for (const flags of [[], ['--live'], ['--config'], ['--current']]) {
        assert.deepEqual(await t.cli('setvcpus', vm, '4', ...flags), { status: 1, stdout: '\n', stderr: cpu }, flags.join());
        assert.deepEqual(await t.cli('setmaxmem', vm, '512M', ...flags), { status: 1, stdout: '\n', stderr: mem }, flags.join());
      }
      assert.deepEqual(await t.cli('setvcpus', vm, '4', '--maximum'), {
        status: 1,
        stdout: '\n',
        stderr: notValid('the maximum vCPU count of an active domain cannot be changed: use --config on a shut-off domain'),
      });
      // unchanged values are no change at all
      assert.deepEqual(await t.cli('setvcpus', vm, '1', '--live'), ok);
      assert.equal(await info('CPU(s)'), '1');
    });

    it('with hot-add enabled a running domain grows, but does not shrink', async () => {
      await ensure('running');
      await reconfigureVm(t, vm, { memoryHotAddEnabled: true, cpuHotAddEnabled: true });
      assert.deepEqual(await t.cli('setmaxmem', vm, '512M', '--live'), ok);
      assert.equal(await info('Max memory'), '524288 KiB');
      assert.deepEqual(await t.cli('setmaxmem', vm, '256M'), {
        status: 1,
        stdout: '\n',
        stderr: notValid(
          `cannot change the maximum memory of running domain '${vm}': memory hot-remove is not supported; ESX keeps one configuration, so shut the domain off first`,
        ),
      });
      assert.deepEqual(await t.cli('setvcpus', vm, '2'), ok);
      assert.equal(await info('CPU(s)'), '2');
      assert.deepEqual(await t.cli('setvcpus', vm, '1'), {
        status: 1,
        stdout: '\n',
        stderr: notValid(
          `cannot change the vCPU count of running domain '${vm}': CPU hot-remove is not enabled for it; ESX keeps one configuration, so shut the domain off first`,
        ),
      });
      await reconfigureVm(t, vm, { memoryHotAddEnabled: false, cpuHotAddEnabled: false });
    });

    it('a suspended domain keeps its size', async () => {
      await ensure('running');
      await run('suspend', vm);
      assert.deepEqual(await t.cli('setmaxmem', vm, '1G'), {
        status: 1,
        stdout: '\n',
        stderr: notValid(`cannot change the maximum memory of suspended domain '${vm}'`),
      });
      assert.deepEqual(await t.cli('setvcpus', vm, '4'), {
        status: 1,
        stdout: '\n',
        stderr: notValid(`cannot change the vCPU count of suspended domain '${vm}'`),
      });
      await run('resume', vm);
    });

    it('schedinfo: show, set with --set and bare words, validation', async () => {
      assert.deepEqual(await t.cli('schedinfo', vm), {
        status: 0,
        stdout: 'Scheduler      : allocation\nreservation    : 0\nlimit          : -1\nshares         : -2\n\n',
        stderr: '',
      });
      assert.deepEqual(await t.cli('schedinfo', vm, '--set', 'limit=1000', '--set', 'reservation=500'), {
        status: 0,
        stdout: 'Scheduler      : allocation\nreservation    : 500\nlimit          : 1000\nshares         : -2\n\n',
        stderr: '',
      });
      assert.equal(
        (await t.cli('schedinfo', vm, 'shares=-3')).stdout,
        'Scheduler      : allocation\nreservation    : 500\nlimit          : 1000\nshares         : -3\n\n',
      );
      assert.equal(
        (await t.cli('schedinfo', '--config', vm, 'shares=1234', 'limit=-1')).stdout,
        'Scheduler      : allocation\nreservation    : 500\nlimit          : -1\nshares         : 1234\n\n',
      );
      assert.deepEqual(JSON.parse((await t.cli('--json', 'schedinfo', vm)).stdout), {
        name: vm,
        scheduler: 'allocation',
        reservation: 500,
        limit: -1,
        shares: 1234,
      });
      // values are checked when the command runs (virsh's empty line follows), parameter names while parsing (none)
      const bad: [string[], string, string][] = [
        [['limit=100'], 'error: invalid scheduler parameter limit=100: must be -1 (unlimited) or at least the reservation (500)\n', '\n'],
        [['reservation=-1'], 'error: invalid scheduler parameter reservation=-1: must be 0 or greater\n', '\n'],
        [['shares=-4'], 'error: invalid scheduler parameter shares=-4: must be 0 or greater, or -1, -2, -3 for low, normal, high\n', '\n'],
        [['--set', 'weight=3'], "error: invalid scheduler parameter 'weight': expecting one of reservation, limit, shares\n", ''],
        [['--set', 'limit=lots'], "error: invalid value 'lots' for scheduler parameter limit: expecting an integer\n", ''],
      ];
      for (const [args, stderr, stdout] of bad)
        assert.deepEqual(await t.cli('schedinfo', vm, ...args), { status: 2, stdout, stderr }, args.join(' '));
      await ensure('shut off');
      assert.deepEqual(await t.cli('schedinfo', vm, '--live', 'shares=-1'), {
        status: 1,
        stdout: '\n',
        stderr: notValid('domain is not running'),
      });
      assert.equal(
        (await t.cli('schedinfo', vm, 'reservation=0', 'shares=-1')).stdout,
        'Scheduler      : allocation\nreservation    : 0\nlimit          : -1\nshares         : -1\n\n',
      );
    });

    it('autostart: marks and unmarks, enabling the host autostart', async () => {
      const conn = await t.open();
      try {
        assert.equal((await readAutostart(conn)).config.defaults?.enabled, false);
        assert.equal(await info('Autostart'), 'disable');
        assert.deepEqual(await t.cli('autostart', vm), { status: 0, stdout: `Domain '${vm}' marked as autostarted\n\n`, stderr: '' });
        assert.equal(await info('Autostart'), 'enable');
        const cfg = await readAutostart(conn);
        assert.equal(cfg.config.defaults?.enabled, true);
        const ref = await conn.client.inventory.findVmByName(vm);
        const entry = cfg.config.powerInfo?.find((p) => p.key.value === ref?.value);
        assert.deepEqual(entry && { ...entry, key: undefined }, {
          _type: 'AutoStartPowerInfo',
          key: undefined,
          startOrder: -1,
          startDelay: -1,
          waitForHeartbeat: 'systemDefault',
          startAction: 'powerOn',
          stopDelay: -1,
          stopAction: 'systemDefault',
        });
        if (t.vms[1] !== undefined) assert.equal((await t.cli('dominfo', t.vms[1])).stdout.includes('Autostart:      disable'), true);
        assert.deepEqual(await t.cli('autostart', '--disable', vm), {
          status: 0,
          stdout: `Domain '${vm}' unmarked as autostarted\n\n`,
          stderr: '',
        });
        assert.equal(await info('Autostart'), 'disable');
        // the host's autostart stays on: other domains may rely on it
        assert.equal((await readAutostart(conn)).config.defaults?.enabled, true);
        assert.deepEqual(JSON.parse((await t.cli('--json', 'autostart', vm)).stdout), { name: vm, autostart: true });
        assert.deepEqual(await t.cli('--quiet', 'autostart', '--disable', vm), { status: 0, stdout: '', stderr: '' });
      } finally {
        await conn.close();
      }
    });

    it('an unknown domain: every command says so', async () => {
      const nf = { status: 1, stdout: '\n', stderr: "error: Domain not found: no domain with matching name 'no-such-vm'\n" };
      for (const args of [
        ['setmem', '64M'],
        ['setmaxmem', '64M'],
        ['setvcpus', '2'],
        ['schedinfo'],
        ['schedinfo', 'shares=-1'],
        ['autostart'],
        ['autostart', '--disable'],
      ]) {
        const [cmd, ...rest] = args as [string, ...string[]];
        assert.deepEqual(await t.cli(cmd, 'no-such-vm', ...rest), nf, args.join(' '));
      }
    });
  });
}

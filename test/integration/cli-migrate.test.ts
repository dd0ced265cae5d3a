/**
 * migrate, domjobinfo and domjobabort through bin/esxvirt on the migration lab: the lines printed, progress on
 * stderr (virsh's "Migration: [ 40 %]") with --verbose, --json, --dryrun, refusals as one line with their exit
 * code, Ctrl-C and --timeout cancelling the task, and the job commands from another process. Run `npm run build`
 * first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startMigrationLab, type MigrationLab } from '../harness/migration-lab.js';
import { runCli, type CliResult } from './cli-support.js';

describe('CLI migrate, domjobinfo, domjobabort', () => {
  let lab: MigrationLab;
  const src = (): string => lab.vpx('DC0_C0/DC0_C0_H0');
  const cli = (...args: string[]): Promise<CliResult> => runCli(['-c', src(), ...args], { authFile: lab.authFile });

  before(async () => {
    lab = await startMigrationLab({ migrateMs: 300 });
    for (const name of ['c1', 'c2', 'c3', 'c4', 'c5']) await lab.createVm({ name, host: 'DC0_C0_H0' });
    await lab.createVm({ name: 'cnet', host: 'DC0_C0_H0', network: 'Lab Isolated' });
  });
  after(() => lab?.stop());

  it('migrate prints where the domain is now; --verbose shows virsh progress on stderr; --quiet nothing', async () => {
    const r = await cli('migrate', 'c1', lab.vpx('DC0_C0/DC0_C0_H1'), '--verbose');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "Domain 'c1' migrated to host 'DC0_C0_H1' in cluster 'DC0_C0', datastore 'LocalDS_0'\n\n");
    assert.match(r.stderr, /^(\rMigration: \[ {0,2}\d{1,3} %\])+\n$/);
    assert.ok(r.stderr.endsWith('\rMigration: [100 %]\n'), JSON.stringify(r.stderr));
    const q = await runCli(['-q', '-c', src(), 'migrate', 'c2', lab.vpx('DC0_C0/DC0_C0_H1')], { authFile: lab.authFile });
    assert.deepEqual(q, { status: 0, stdout: '', stderr: '' });
  });

  it('storage and cluster moves: the line names the datastore and how DRS chose', async () => {
    const a = await cli('migrate', 'c3', lab.vpx('DC0_C1'), '--datastore', 'LocalDS_1', '--priority', 'high');
    assert.equal(a.status, 0, a.stderr);
    assert.equal(
      a.stdout,
      "Domain 'c3' migrated to host 'DC0_C1_H0' in cluster 'DC0_C1', datastore 'LocalDS_1' (host recommended by DRS in cluster 'DC0_C1')\n\n",
    );
    const j = await runCli(['-c', lab.vpx('DC0_C1/DC0_C1_H0'), '--json', 'migrate', 'c3', lab.vpx('DC0_C0')], { authFile: lab.authFile });
    assert.equal(j.status, 0, j.stderr);
    assert.equal(j.stderr, '');
    const doc = JSON.parse(j.stdout) as { drs: unknown; to: { host: string }; method: string; message: string; dryRun: boolean };
    assert.deepEqual(doc.drs, { cluster: 'DC0_C0', behavior: 'fullyAutomated', how: 'automatic' });
    assert.equal(doc.method, 'RelocateVM_Task');
    assert.equal(doc.dryRun, false);
    assert.equal(
      doc.message,
      `Domain 'c3' migrated to host '${doc.to.host}' in cluster 'DC0_C0', datastore 'LocalDS_1' (host chosen by DRS in cluster 'DC0_C0')`,
    );
  });

  it('--dryrun says where it would go and moves nothing', async () => {
    const before = (await lab.migrations()).length;
    const r = await cli('migrate', 'c4', lab.vpx('DC0_C1/DC0_C1_H2'), '--dryrun');
    assert.deepEqual(r, {
      status: 0,
      stdout: "Domain 'c4' can migrate to host 'DC0_C1_H2' (CheckRelocate_Task found no error); nothing moved (--dryrun)\n\n",
      stderr: '',
    });
    assert.equal((await lab.migrations()).length, before);
  });

  it('refusals are one line with their exit code', async () => {
    assert.deepEqual(await cli('migrate', 'cnet', lab.vpx('DC0_C0/DC0_C0_H2')), {
      status: 1,
      stdout: '\n',
      stderr:
        "error: the server's checks refuse migrating domain 'cnet' to host 'DC0_C0_H2': Network 'Lab Isolated' of 'ethernet-0' is not accessible on host 'DC0_C0_H2' (CannotAccessNetwork); nothing moved\n",
    });
    assert.deepEqual(await cli('migrate', 'cnet', lab.vpx('DC0_C0/DC0_C0_H0')), {
      status: 2,
      stdout: '\n',
      stderr: "error: the destination is the source: domain is already on host 'DC0_C0_H0'\n",
    });
    assert.deepEqual(await cli('migrate', 'cnet', lab.vpx('DC0_C0/DC0_C0_H1'), '--live', '--offline'), {
      status: 2,
      stdout: '',
      stderr: 'error: Options --live and --offline are mutually exclusive\n',
    });
    assert.deepEqual(await cli('migrate', 'cnet', lab.vpx('DC0_C0/DC0_C0_H1'), '--offline'), {
      status: 1,
      stdout: '\n',
      stderr:
        'error: Requested operation is not valid: domain is running: --offline moves only a shut off or suspended domain (use --live)\n',
    });
    assert.deepEqual(await cli('migrate', 'cnet', lab.vpx('NoSuchCluster')), {
      status: 1,
      stdout: '\n',
      stderr: "error: no cluster, host or folder 'NoSuchCluster' in 'DC0'\n",
    });
    assert.deepEqual(await cli('migrate', 'cnet', lab.vpx('DC0_C0/DC0_C0_H1'), '--datastore', 'nods'), {
      status: 1,
      stdout: '\n',
      stderr: "error: no datastore 'nods' in the destination's datacenter\n",
    });
    assert.deepEqual(await cli('migrate', 'cnet', lab.vpx('DC0_C0/DC0_C0_H1'), '--resource-pool', 'Nope/Web'), {
      status: 1,
      stdout: '\n',
      stderr: "error: no resource pool 'Nope/Web' at the destination\n",
    });
    assert.deepEqual(await cli('migrate', 'cnet'), {
      status: 2,
      stdout: '',
      stderr: "error: command 'migrate' requires <desturi> option\n",
    });
    assert.deepEqual(await cli('domjobabort', 'cnet', '--postcopy'), {
      status: 1,
      stdout: '\n',
      stderr: 'error: unsupported configuration: post-copy migration does not exist on ESX: nothing to interrupt\n',
    });
  });

  it('Ctrl-C cancels the task; the domain stays', async () => {
    await lab.migrationSpeed(5000);
    try {
      const child = spawn(join(process.cwd(), 'bin/esxvirt'), ['-c', src(), 'migrate', 'c5', lab.vpx('DC0_C0/DC0_C0_H2')], {
        env: { ...process.env, LIBVIRT_AUTH_FILE: lab.authFile, ESXVIRT_NODE: process.execPath },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      const exited = new Promise<number | null>((r) => child.on('close', r));
      // interrupt once the task runs
      for (let i = 0; i < 100 && (await lab.migrations()).filter((m) => m.vmName === 'c5').length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      child.kill('SIGINT');
      assert.equal(await exited, 1);
      assert.equal(
        stderr,
        "error: migration of domain 'c5' cancelled (interrupted): it stays on host 'DC0_C0_H0' in cluster 'DC0_C0', datastore 'LocalDS_0'\n",
      );
      assert.equal((await lab.migrations()).filter((m) => m.vmName === 'c5').at(-1)?.outcome, 'cancelled');
    } finally {
      await lab.migrationSpeed(300);
    }
  });

  it('--timeout cancels; domjobinfo shows the running job from another process, domjobabort cancels it', async () => {
    await lab.migrationSpeed(3000);
    try {
      const t = await cli('migrate', 'c5', lab.vpx('DC0_C0/DC0_C0_H2'), '--timeout', '1');
      assert.deepEqual(t, {
        status: 1,
        stdout: '\n',
        stderr:
          "error: migration of domain 'c5' cancelled (--timeout after 1 s): it stays on host 'DC0_C0_H0' in cluster 'DC0_C0', datastore 'LocalDS_0'\n",
      });
      assert.deepEqual(await cli('domjobinfo', 'c5'), { status: 0, stdout: 'Job type:         None        \n\n', stderr: '' });
      const moving = cli('migrate', 'c5', lab.vpx('DC0_C0/DC0_C0_H2'));
      let info: CliResult = await cli('domjobinfo', 'c5');
      for (let i = 0; i < 60 && !info.stdout.includes('Bounded'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        info = await cli('domjobinfo', 'c5');
      }
      assert.match(
        info.stdout,
        /^Job type: {9}Bounded {5}\nOperation: {8}Outgoing migration\nTime elapsed: {5}\d+ +ms\nTime remaining: {3}\d+ +ms\nTask: {13}RelocateVM_Task \(task-\d+\)\nProgress: {9}\d+ %\n\n$/,
      );
      assert.deepEqual(await cli('domjobabort', 'c5'), { status: 0, stdout: '\n', stderr: '' });
      const m = await moving;
      assert.equal(m.status, 1);
      assert.match(m.stderr, /^error: RelocateVM_Task of domain 'c5': RequestCanceled: The task was canceled by a user\.\n$/);
      const done = await cli('domjobinfo', 'c5', '--completed', '--anystats');
      assert.match(
        done.stdout,
        /^Job type: {9}Cancelled {3}\nOperation: {8}Outgoing migration\nTime elapsed: {5}\d+ +ms\nError message: {4}The task was canceled by a user\.\n/,
      );
      assert.equal((await cli('domjobinfo', 'c5', '--completed')).stdout, 'Job type:         Cancelled   \n\n');
    } finally {
      await lab.migrationSpeed(300);
    }
  });

  it('help: virsh group "domain" for all three', async () => {
    const r = await runCli(['help', 'domain']);
    for (const name of ['migrate', 'domjobinfo', 'domjobabort']) assert.match(r.stdout, new RegExp(`^    ${name} +\\S`, 'm'));
    const h = await runCli(['help', 'migrate']);
    assert.match(h.stdout, /migrate <domain> <desturi> \[--live\] \[--offline\]/);
  });
});

/**
 * migrateDomain, placement and the domain job functions against the migration lab of our launcher (a vCenter
 * model with 2 clusters × 3 hosts and 2 shared datastores; test/harness/README.md): live and cold host moves,
 * storage moves (files really moved), host + storage, clusters (DRS automatic and by recommendation), every
 * refusal, the server's checks, cancel mid-way, a question during the move, --dryrun, --live/--offline.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '../../src/driver/connect/connection.js';
import { abortDomainJob, closePlacement, getDomainJob, migrateDomain, placement } from '../../src/driver/migrate/index.js';
import { lookupDomain } from '../../src/driver/domain/ref.js';
import { InvalidArgumentError, InvalidStateError, OperationError, QuestionError } from '../../src/errors.js';
import { startTask } from '../../src/vim25/index.js';
import { startMigrationLab, type MigrationLab } from '../harness/migration-lab.js';

describe('migrateDomain on the migration lab (vpx://)', () => {
  let lab: MigrationLab;
  const conns: Connection[] = [];
  const open = async (path: string, params?: string): Promise<Connection> => {
    const c = await Connection.open(lab.vpx(path, params), { env: { ...process.env, LIBVIRT_AUTH_FILE: lab.authFile } });
    conns.push(c);
    return c;
  };
  const notes: string[] = [];
  const onNote = (m: string): void => void notes.push(m);
  const files = (ds: string, vm: string): string[] => {
    const dir = join(lab.datastoreDir(ds), vm);
    return existsSync(dir) ? readdirSync(dir).sort() : [];
  };
  const VM_FILES = (name: string): string[] => ['disk1-flat.vmdk', 'disk1.vmdk', `${name}.nvram`, `${name}.vmx`, 'vmware.log'].sort();

  before(async () => {
    lab = await startMigrationLab({ migrateMs: 200 });
  });
  after(async () => {
    for (const c of conns) await c.close().catch(() => undefined);
    await lab?.stop();
  });

  it('a running VM moves live to another host of its cluster; its files stay; one task', async () => {
    await lab.createVm({ name: 'live1', host: 'DC0_C0_H0' });
    const conn = await open('DC0_C0/DC0_C0_H0');
    const progress: (number | undefined)[] = [];
    await lab.migrationSpeed(1500);
    const r = await migrateDomain(conn, 'live1', lab.vpx('DC0_C0/DC0_C0_H1'), { onProgress: (p) => progress.push(p.percent) }).finally(() =>
      lab.migrationSpeed(200),
    );
    assert.equal(r.live, true);
    assert.equal(r.method, 'RelocateVM_Task');
    assert.deepEqual(r.from, {
      host: 'DC0_C0_H0',
      computeResource: 'DC0_C0',
      isCluster: true,
      datastores: ['LocalDS_0'],
      vmPathName: '[LocalDS_0] live1/live1.vmx',
    });
    assert.deepEqual(r.to, {
      host: 'DC0_C0_H1',
      computeResource: 'DC0_C0',
      isCluster: true,
      datastores: ['LocalDS_0'],
      vmPathName: '[LocalDS_0] live1/live1.vmx',
    });
    assert.equal(r.checks.by, 'CheckRelocate_Task');
    assert.ok((r.taskMs ?? 0) >= 1400, `taskMs ${r.taskMs}`);
    assert.ok(
      progress.some((p) => p !== undefined && p > 0 && p < 100),
      `progress seen: ${progress.join(',')}`,
    );
    assert.deepEqual(files('LocalDS_0', 'live1'), VM_FILES('live1'));
    const moves = (await lab.migrations()).filter((m) => m.vmName === 'live1');
    assert.deepEqual(
      moves.map((m) => [m.method, m.fromHost, m.toHost, m.outcome]),
      [['RelocateVM_Task', 'DC0_C0_H0', 'DC0_C0_H1', 'success']],
    );
  });

  it('a powered-off and a suspended VM move cold, also across clusters (the pool follows the host)', async () => {
    await lab.createVm({ name: 'cold1', host: 'DC0_C0_H0', power: 'off' });
    await lab.createVm({ name: 'susp1', host: 'DC0_C0_H0', power: 'suspended' });
    const conn = await open('DC0_C0/DC0_C0_H0');
    const a = await migrateDomain(conn, 'cold1', lab.vpx('DC0_C1/DC0_C1_H1'));
    assert.equal(a.live, false);
    assert.equal(a.to.host, 'DC0_C1_H1'); // no vMotion there: a cold move does not need it
    const b = await migrateDomain(conn, 'susp1', lab.vpx('DC0_C1/DC0_C1_H0'));
    assert.equal(b.live, false);
    assert.equal(b.to.host, 'DC0_C1_H0');
  });

  it('--datastore alone moves the files and disks (storage vMotion); the host stays', async () => {
    await lab.createVm({ name: 'store1', host: 'DC0_C0_H1' });
    const conn = await open('DC0_C0/DC0_C0_H1');
    const r = await migrateDomain(conn, 'store1', lab.vpx('DC0_C0/DC0_C0_H1'), { datastore: 'LocalDS_1' });
    assert.deepEqual(r.to, {
      host: 'DC0_C0_H1',
      computeResource: 'DC0_C0',
      isCluster: true,
      datastores: ['LocalDS_1'],
      vmPathName: '[LocalDS_1] store1/store1.vmx',
    });
    assert.deepEqual(files('LocalDS_0', 'store1'), []);
    assert.deepEqual(files('LocalDS_1', 'store1'), VM_FILES('store1'));
  });

  it('host and storage together', async () => {
    await lab.createVm({ name: 'both1', host: 'DC0_C0_H0' });
    const conn = await open('DC0_C0/DC0_C0_H0');
    const r = await migrateDomain(conn, 'both1', lab.vpx('DC0_C1/DC0_C1_H0'), { datastore: 'LocalDS_1' });
    assert.equal(r.to.host, 'DC0_C1_H0');
    assert.deepEqual((r.to as { datastores: string[] }).datastores, ['LocalDS_1']);
    assert.deepEqual(files('LocalDS_1', 'both1'), VM_FILES('both1'));
    assert.deepEqual(files('LocalDS_0', 'both1'), []);
  });

  it('to a fully automated cluster DRS places the VM itself; to a manual one it recommends the host', async () => {
    await lab.createVm({ name: 'drs1', host: 'DC0_C1_H0' });
    const c1 = await open('DC0_C1/DC0_C1_H0');
    const a = await migrateDomain(c1, 'drs1', lab.vpx('DC0_C0'));
    assert.deepEqual(a.drs, { cluster: 'DC0_C0', behavior: 'fullyAutomated', how: 'automatic' });
    assert.equal(a.to.computeResource, 'DC0_C0');
    const rec = (await lab.migrations()).filter((m) => m.vmName === 'drs1');
    assert.equal(rec.at(-1)?.drsChoseHost, true);
    assert.equal(rec.at(-1)?.toHost, a.to.host);
    const c0 = await open(`DC0_C0/${a.to.host as string}`);
    const b = await migrateDomain(c0, 'drs1', lab.vpx('DC0_C1'));
    assert.equal(b.drs?.how, 'recommendation');
    assert.equal(b.drs?.behavior, 'manual');
    // DC0_C1_H1 has no vMotion and the VM runs: DRS recommends another host
    assert.notEqual(b.to.host, 'DC0_C1_H1');
    assert.equal(b.to.host, b.drs?.host);
  });

  it('refusals: the destination is the source; a cluster without DRS is refused by the server', async () => {
    await lab.createVm({ name: 'same1', host: 'DC0_C0_H2' });
    const conn = await open('DC0_C0/DC0_C0_H2');
    await assert.rejects(migrateDomain(conn, 'same1', lab.vpx('DC0_C0/DC0_C0_H2')), (e: Error) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.message, "the destination is the source: domain is already on host 'DC0_C0_H2'");
      return true;
    });
    await assert.rejects(migrateDomain(conn, 'same1', lab.vpx('DC0_C0')), /the destination is the source/);
    await assert.rejects(
      migrateDomain(conn, 'same1', lab.vpx('DC0_C0/DC0_C0_H2'), { datastore: 'LocalDS_0' }),
      /the destination is the source/,
    );
    await lab.setDrs('DC0_C1', { enabled: false });
    try {
      await assert.rejects(
        migrateDomain(conn, 'same1', lab.vpx('DC0_C1')),
        /^OperationError: the server's checks refuse migrating domain 'same1' to cluster 'DC0_C1': Cluster 'DC0_C1' does not have DRS enabled: a target host is required \(InvalidArgument\); nothing moved$/,
      );
    } finally {
      await lab.setDrs('DC0_C1', { behavior: 'manual' });
    }
  });

  it("the server's checks: a missing network or datastore refuses, a disconnected NIC's network only warns", async () => {
    await lab.createVm({ name: 'net1', host: 'DC0_C0_H0', network: 'Lab Isolated' });
    await lab.createVm({ name: 'nic0', host: 'DC0_C0_H0', network: 'Lab Isolated', connected: false });
    await lab.createVm({ name: 'ds1', host: 'DC0_C1_H0', datastore: 'LocalDS_1' });
    const h0 = await open('DC0_C0/DC0_C0_H0');
    await assert.rejects(
      migrateDomain(h0, 'net1', lab.vpx('DC0_C0/DC0_C0_H2')),
      (e: Error) =>
        e instanceof OperationError &&
        e.message ===
          "the server's checks refuse migrating domain 'net1' to host 'DC0_C0_H2': Network 'Lab Isolated' of 'ethernet-0' is not accessible on host 'DC0_C0_H2' (CannotAccessNetwork); nothing moved",
    );
    notes.length = 0;
    const r = await migrateDomain(h0, 'nic0', lab.vpx('DC0_C0/DC0_C0_H2'), { onNote });
    assert.deepEqual(r.checks.warnings, [
      "Network 'Lab Isolated' of 'ethernet-0' is not accessible on host 'DC0_C0_H2' (CannotAccessNetwork)",
    ]);
    assert.deepEqual(notes, [`migration check: ${r.checks.warnings[0]}`]);
    const h2 = await open('DC0_C0/DC0_C0_H2');
    await assert.rejects(
      migrateDomain(h2, 'nic0', lab.vpx('DC0_C1/DC0_C1_H0'), { abortOnWarnings: true }),
      /warn about \(--abort-on-error\)/,
    );
    const c1 = await open('DC0_C1/DC0_C1_H0');
    await assert.rejects(
      migrateDomain(c1, 'ds1', lab.vpx('DC0_C1/DC0_C1_H2')),
      /Datastore 'LocalDS_1' is not accessible from host 'DC0_C1_H2' \(DatastoreNotWritableOnHost\); nothing moved/,
    );
    await assert.rejects(
      migrateDomain(c1, 'ds1', lab.vpx('DC0_C1/DC0_C1_H1')),
      /vMotion is not supported by host 'DC0_C1_H1' \(VMotionNotSupported\)/,
    );
    assert.deepEqual(
      (await lab.migrations()).filter((m) => ['net1', 'ds1'].includes(m.vmName)),
      [],
    );
  });

  it('--live and --offline: MigrateVM_Task lets the server hold the power state; Relocate needs a check here', async () => {
    await lab.createVm({ name: 'lo1', host: 'DC0_C0_H1', power: 'off' });
    await lab.createVm({ name: 'lo2', host: 'DC0_C0_H1' });
    const conn = await open('DC0_C0/DC0_C0_H1');
    await assert.rejects(migrateDomain(conn, 'lo1', lab.vpx('DC0_C0/DC0_C0_H2'), { live: true }), /InvalidPowerState/);
    await assert.rejects(migrateDomain(conn, 'lo1', lab.vpx('DC0_C0/DC0_C0_H2'), { live: true, datastore: 'LocalDS_1' }), (e: Error) => {
      assert.ok(e instanceof InvalidStateError);
      assert.equal(e.message, 'domain is not running: --live moves only a running domain');
      return true;
    });
    await assert.rejects(migrateDomain(conn, 'lo2', lab.vpx('DC0_C0/DC0_C0_H2'), { offline: true }), /domain is running: --offline/);
    const a = await migrateDomain(conn, 'lo2', lab.vpx('DC0_C0/DC0_C0_H2'), { live: true });
    assert.equal(a.method, 'MigrateVM_Task');
    assert.equal(a.checks.by, 'CheckMigrate_Task');
    const b = await migrateDomain(conn, 'lo1', lab.vpx('DC0_C0/DC0_C0_H0'), { offline: true, priority: 'high' });
    assert.equal(b.method, 'MigrateVM_Task');
    assert.equal(b.to.host, 'DC0_C0_H0');
  });

  it('--dryrun runs the checks and changes nothing', async () => {
    await lab.createVm({ name: 'dry1', host: 'DC0_C0_H0' });
    const conn = await open('DC0_C0/DC0_C0_H0');
    const before = (await lab.migrations()).length;
    const r = await migrateDomain(conn, 'dry1', lab.vpx('DC0_C1'), { dryRun: true, datastore: 'LocalDS_1' });
    assert.equal(r.dryRun, true);
    assert.equal(r.checks.by, 'CheckRelocate_Task');
    assert.deepEqual(r.to, { computeResource: 'DC0_C1', isCluster: true, host: r.drs?.host, datastore: 'LocalDS_1', planned: true });
    // DC0_C1_H2 does not mount LocalDS_1 and DC0_C1_H1 has no vMotion: DRS's choice is DC0_C1_H0
    assert.equal(r.drs?.host, 'DC0_C1_H0');
    assert.equal((await lab.migrations()).length, before);
    assert.deepEqual(files('LocalDS_0', 'dry1'), VM_FILES('dry1'));
    const p = await placement(conn, 'dry1', lab.vpx('DC0_C0/DC0_C0_H1'));
    try {
      assert.equal(p.to.host, 'DC0_C0_H1');
      assert.equal(p.method, 'RelocateVM_Task');
      assert.equal(p.from.host, 'DC0_C0_H0');
    } finally {
      await closePlacement(p);
    }
  });

  it('a timeout cancels the task mid-way: the VM and its files stay at the source', async () => {
    await lab.createVm({ name: 'slow1', host: 'DC0_C0_H0' });
    const conn = await open('DC0_C0/DC0_C0_H0');
    await lab.migrationSpeed(3000);
    try {
      await assert.rejects(
        migrateDomain(conn, 'slow1', lab.vpx('DC0_C1/DC0_C1_H0'), { datastore: 'LocalDS_1', timeoutMs: 700 }),
        (e: Error) => {
          assert.ok(e instanceof OperationError);
          assert.equal(
            e.message,
            "migration of domain 'slow1' cancelled (--timeout after 0.7 s): it stays on host 'DC0_C0_H0' in cluster 'DC0_C0', datastore 'LocalDS_0'",
          );
          return true;
        },
      );
    } finally {
      await lab.migrationSpeed(200);
    }
    assert.equal((await lab.migrations()).filter((m) => m.vmName === 'slow1').at(-1)?.outcome, 'cancelled');
    assert.deepEqual(files('LocalDS_0', 'slow1'), VM_FILES('slow1'));
    assert.deepEqual(files('LocalDS_1', 'slow1'), []);
    const job = await getDomainJob(conn, 'slow1', { completed: true });
    assert.equal(job.type, 'cancelled');
    assert.equal(job.operation, 'Outgoing migration');
  });

  it('domjobinfo and domjobabort follow and cancel a running move from another connection', async () => {
    await lab.createVm({ name: 'job1', host: 'DC0_C0_H1' });
    const conn = await open('DC0_C0/DC0_C0_H1');
    const other = await open('DC0_C0/DC0_C0_H1');
    assert.deepEqual(await getDomainJob(other, 'job1'), { domain: 'job1', type: 'none' });
    await assert.rejects(abortDomainJob(other, 'job1'), /no job is active on the domain/);
    await lab.migrationSpeed(4000);
    try {
      const moving = migrateDomain(conn, 'job1', lab.vpx('DC0_C0/DC0_C0_H2'));
      moving.catch(() => undefined);
      let job = await getDomainJob(other, 'job1');
      for (let i = 0; i < 50 && (job.type === 'none' || (job.percent ?? 0) < 10); i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = await getDomainJob(other, 'job1');
      }
      assert.equal(job.type, 'bounded');
      assert.equal(job.operation, 'Outgoing migration');
      assert.equal(job.taskName, 'RelocateVM_Task');
      assert.ok((job.elapsedMs ?? 0) > 0 && (job.remainingMs ?? 0) > 0, JSON.stringify(job));
      // the pending-task rule: a second migration of the same VM is refused while the first runs
      await assert.rejects(migrateDomain(other, 'job1', lab.vpx('DC0_C0/DC0_C0_H0')), /other tasks are pending for this VM/);
      const aborted = await abortDomainJob(other, 'job1');
      assert.equal(aborted.type, 'cancelled');
      await assert.rejects(moving, /cancelled \(.*\): it stays on host 'DC0_C0_H1'|RequestCanceled/);
    } finally {
      await lab.migrationSpeed(200);
    }
  });

  it('domjobinfo and domjobabort work on any task: a power-on blocked by a question', async () => {
    await lab.createVm({ name: 'pq1', host: 'DC0_C0_H0', power: 'off' });
    await lab.sim.armQuestion('pq1', { cancelable: true });
    const conn = await open('DC0_C0/DC0_C0_H0');
    const { dom } = await lookupDomain(conn, 'pq1');
    await startTask(conn.client.soap, 'PowerOnVM_Task', dom.ref, {});
    const job = await getDomainJob(conn, 'pq1');
    assert.equal(job.type, 'unbounded');
    assert.equal(job.operation, 'Start');
    assert.equal(job.state, 'running');
    assert.equal((await abortDomainJob(conn, 'pq1')).type, 'cancelled');
    assert.equal((await lab.sim.questions()).answered.find((q) => q.vmName === 'pq1')?.outcome, 'canceled');
    assert.equal((await getDomainJob(conn, 'pq1', { completed: true })).type, 'cancelled');
  });

  it('a question during the move: answered with auto_answer, else reported and the move cancelled', async () => {
    await lab.createVm({ name: 'q1', host: 'DC0_C0_H0' });
    const conn = await open('DC0_C0/DC0_C0_H0');
    await lab.migrationQuestion('q1');
    await assert.rejects(migrateDomain(conn, 'q1', lab.vpx('DC0_C0/DC0_C0_H1')), (e: Error) => {
      assert.ok(e instanceof QuestionError, e.message);
      assert.match(e.message, /There is no more space for virtual disk disk1\.vmdk.*\(choices: 0:Cancel, 1:Retry \(default\)\)/);
      assert.match(e.message, /task cancelled/);
      return true;
    });
    assert.equal((await lab.migrations()).filter((m) => m.vmName === 'q1').at(-1)?.outcome, 'cancelled');
    await lab.migrationQuestion('q1');
    const auto = await open('DC0_C0/DC0_C0_H0', 'auto_answer=1');
    const r = await migrateDomain(auto, 'q1', lab.vpx('DC0_C0/DC0_C0_H1'));
    assert.equal(r.to.host, 'DC0_C0_H1');
    const answered = ((await lab.sim.questions()).answered as { vmName: string; label: string; outcome: string }[]).filter(
      (q) => q.vmName === 'q1',
    );
    assert.deepEqual(
      answered.map((q) => [q.label, q.outcome]),
      [
        ['', 'canceled'],
        ['Retry', 'migrating'],
      ],
    );
  });
});

/**
 * Faults during a migration converge: a dropped connection (the request lost, or executed and its answer lost) and
 * an expired session while the task starts or runs end with the VM moved once, one task on the server, and the
 * result reported as it is. On our launcher (faults aimed at one method) and on the stock simulator (every Nth
 * call dropped, refused with 503 or with NotAuthenticated; its call log counts the tasks executed).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../../src/driver/connect/connection.js';
import { migrateDomain } from '../../src/driver/migrate/index.js';
import { startMigrationLab, type MigrationLab } from '../harness/migration-lab.js';
import { startStockSimulator, type StockSimulator } from '../harness/stock-vcsim.js';

describe('migration faults on our launcher', () => {
  let lab: MigrationLab;
  let conn: Connection;
  let n = 0;
  before(async () => {
    lab = await startMigrationLab({ migrateMs: 300 });
    conn = await Connection.open(lab.vpx('DC0_C0/DC0_C0_H0', 'auto_answer=0'), {
      env: { ...process.env, LIBVIRT_AUTH_FILE: lab.authFile },
    });
  });
  after(async () => {
    await conn?.close();
    await lab?.stop();
  });

  /** Creates a VM on DC0_C0_H0, arms the fault, migrates it to DC0_C0_H1 and checks one task moved it. */
  async function survives(arm: () => Promise<void>, opts: { during?: boolean } = {}): Promise<void> {
    const name = `fault${n++}`;
    await lab.createVm({ name, host: 'DC0_C0_H0' });
    if (!opts.during) await arm();
    const moving = migrateDomain(conn, name, lab.vpx('DC0_C0/DC0_C0_H1'));
    if (opts.during) {
      await new Promise((r) => setTimeout(r, 150));
      await arm();
    }
    const r = await moving;
    assert.equal((r.to as { host: string }).host, 'DC0_C0_H1');
    const tasks = (await lab.migrations()).filter((m) => m.vmName === name);
    assert.deepEqual(
      tasks.map((m) => [m.method, m.toHost, m.outcome]),
      [['RelocateVM_Task', 'DC0_C0_H1', 'success']],
      'exactly one task, and it moved the VM',
    );
    await lab.sim.reset();
  }

  it('the connection drops on RelocateVM_Task before the server runs it: started once, after looking', async () => {
    const relogins = conn.client.stats.relogins;
    await survives(() => lab.sim.dropNext(1, { method: 'RelocateVM_Task' }));
    assert.equal(conn.client.stats.relogins, relogins);
  });

  it('the server runs RelocateVM_Task and the answer is lost: the running task is adopted, not repeated', async () => {
    await survives(() => lab.sim.dropNext(1, { method: 'RelocateVM_Task', after: true }));
  });

  it('a 503 on RelocateVM_Task, and a reset connection', async () => {
    await survives(() => lab.sim.dropNext(1, { method: 'RelocateVM_Task', status: 503 }));
    await survives(() => lab.sim.dropNext(1, { method: 'RelocateVM_Task', reset: true }));
  });

  it('the session expires when the task starts: logged in again, the refused call repeated once', async () => {
    const relogins = conn.client.stats.relogins;
    await survives(() => lab.sim.dropNext(1, { method: 'RelocateVM_Task', expire: true }));
    assert.equal(conn.client.stats.relogins, relogins + 1);
  });

  it('while the task runs: a dropped wait, and an expired session', async () => {
    await survives(() => lab.sim.dropNext(2, { method: 'WaitForUpdatesEx' }), { during: true });
    const relogins = conn.client.stats.relogins;
    await survives(() => lab.sim.expireSessions().then(() => undefined), { during: true });
    assert.ok(conn.client.stats.relogins > relogins);
  });

  it('the check task is repeated after a lost connection (a check changes nothing)', async () => {
    await survives(() => lab.sim.dropNext(1, { method: 'CheckRelocate_Task' }));
  });
});

describe('migration faults on the stock simulator', () => {
  for (const [fault, every] of [
    ['faultDrop', 4],
    ['fault503', 3],
    ['faultExpire', 4],
  ] as const) {
    describe(`${fault} every ${every} calls`, () => {
      let sim: StockSimulator;
      before(async () => {
        sim = await startStockSimulator({ model: 'vpx', vms: 2, [fault]: every });
      });
      after(() => sim?.stop());

      it('each migration ends moved, with exactly one RelocateVM_Task executed', async () => {
        const env = { ...process.env, LIBVIRT_AUTH_FILE: sim.authFile };
        const base = `vpx://127.0.0.1:${sim.port}/DC0/DC0_C0`;
        const conn = await Connection.open(`${base}/DC0_C0_H0?no_verify=1`, { env });
        try {
          const vms = (await conn.client.inventory.listVms(['name' as never], { container: conn.host.computeResource })).map((r) => r.ref);
          sim.resetCalls();
          let moves = 0;
          for (const [i, ref] of vms.entries()) {
            const dom = { ref: ref as never, name: `vm${i}`, uuid: '', id: -1, state: 'running' as const };
            // whichever host the VM is on, send it to another one
            for (const host of ['DC0_C0_H1', 'DC0_C0_H2']) {
              try {
                const r = await migrateDomain(conn, dom, `${base}/${host}?no_verify=1`);
                assert.equal((r.to as { host: string }).host, host);
                moves++;
                break;
              } catch (e) {
                if (!/the destination is the source/.test((e as Error).message)) throw e;
              }
            }
          }
          assert.equal(moves, vms.length);
          assert.equal(sim.calls().filter((c) => c === 'RelocateVM_Task').length, moves, sim.calls().join(' '));
        } finally {
          await conn.close();
        }
      });
    });
  }
});

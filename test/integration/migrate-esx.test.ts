/**
 * esx:// ends of a migration: ESX endpoints of our launcher stand for hosts of the migration lab's vCenter (same
 * port on 127.0.0.2 and .3, summary.managementServerIp 127.0.0.1, same hardware UUIDs and VM UUIDs), so
 * `esx://…?vcenter=*` finds the vCenter as libvirt's driver does, and esxvirt maps the hosts and the VM into it.
 * Also the refusals that need no vCenter at all, and two different vCenters.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../src/driver/connect/connection.js';
import { migrateDomain } from '../../src/driver/migrate/index.js';
import { InvalidArgumentError, InvalidStateError } from '../../src/errors.js';
import { startMigrationLab, type MigrationLab } from '../harness/migration-lab.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { runCli } from './cli-support.js';

describe('migrate with esx://…?vcenter= ends (ESX endpoints of the lab)', () => {
  let lab: MigrationLab;
  let ep2: Simulator;
  let ep3: Simulator;
  let plainEsx: Simulator;
  let otherVc: Simulator;
  let bundle: string;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, LIBVIRT_AUTH_FILE: lab.authFile });
  const esx = (addr: string, params: string): string => `esx://${addr}:${lab.sim.port}/?cafile=${encodeURIComponent(bundle)}&${params}`;

  before(async () => {
    lab = await startMigrationLab({ migrateMs: 200 });
    await lab.createVm({ name: 'ep1', host: 'DC0_C0_H0' });
    await lab.createVm({ name: 'ep2', host: 'DC0_C0_H0' });
    ep2 = await lab.esxEndpoint('DC0_C0_H0', '127.0.0.2');
    ep3 = await lab.esxEndpoint('DC0_C0_H1', '127.0.0.3');
    plainEsx = await startSimulator({ model: 'esx', quiet: true });
    otherVc = await startSimulator({ model: 'vpx', quiet: true });
    // one CA file trusted for every end: the lab's vCenter and its ESX endpoints
    bundle = join(mkdtempSync(join(tmpdir(), 'esxvirt-ca-')), 'ca.pem');
    writeFileSync(bundle, [lab.sim, ep2, ep3, plainEsx, otherVc].map((s) => readFileSync(s.certPath, 'utf8')).join(''));
  });
  after(async () => {
    await Promise.all([plainEsx?.stop(), otherVc?.stop()]);
    await lab?.stop();
  });

  it('esx://…?vcenter=* on both ends: the host, the VM and the destination are mapped into the vCenter', async () => {
    const conn = await Connection.open(esx('127.0.0.2', 'vcenter=*'), { env: env() });
    try {
      assert.equal(conn.host.hostSystemName, 'DC0_C0_H0');
      const r = await migrateDomain(conn, 'ep1', esx('127.0.0.3', 'vcenter=*'), { open: { env: env() } });
      assert.equal(r.from.host, 'DC0_C0_H0');
      assert.equal((r.to as { host: string }).host, 'DC0_C0_H1');
    } finally {
      await conn.close();
    }
    const moved = (await lab.migrations()).filter((m) => m.vmName === 'ep1');
    assert.deepEqual(
      moved.map((m) => [m.fromHost, m.toHost, m.outcome]),
      [['DC0_C0_H0', 'DC0_C0_H1', 'success']],
    );
  });

  it('the CLI: esx:// source named vCenter, vpx:// destination (mixed ends)', async () => {
    const r = await runCli(['-c', esx('127.0.0.2', 'vcenter=127.0.0.1'), 'migrate', 'ep2', lab.vpx('DC0_C1/DC0_C1_H0')], {
      authFile: lab.authFile,
    });
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, "Domain 'ep2' migrated to host 'DC0_C1_H0' in cluster 'DC0_C1', datastore 'LocalDS_0'\n\n");
    assert.equal(r.status, 0);
  });

  it('refusals: no vcenter parameter, a host no vCenter manages, a vCenter the host does not report, two vCenters', async () => {
    const conn = await Connection.open(esx('127.0.0.2', ''), { env: env() });
    try {
      await assert.rejects(migrateDomain(conn, 'ep1', lab.vpx('DC0_C0/DC0_C0_H2')), (e: Error) => {
        assert.ok(e instanceof InvalidArgumentError);
        assert.match(
          e.message,
          /^a migration needs a vCenter: esx:\/\/127\.0\.0\.2:\d+\/\?cafile=.* names none; add \?vcenter=HOST \(or \?vcenter=\* for the one managing 127\.0\.0\.2\)$/,
        );
        return true;
      });
    } finally {
      await conn.close();
    }
    const plain = await Connection.open(`esx://127.0.0.1:${plainEsx.port}/?vcenter=*&cafile=${encodeURIComponent(bundle)}`, { env: env() });
    try {
      await assert.rejects(migrateDomain(plain, 'ha-host_VM0', lab.vpx('DC0_C0/DC0_C0_H2')), (e: Error) => {
        assert.ok(e instanceof InvalidStateError);
        assert.equal(e.message, 'host 127.0.0.1 is not managed by a vCenter (it reports no management server): vcenter=* finds none');
        return true;
      });
    } finally {
      await plain.close();
    }
    const wrong = await Connection.open(esx('127.0.0.2', 'vcenter=127.0.0.9'), { env: env() });
    try {
      await assert.rejects(
        migrateDomain(wrong, 'ep1', lab.vpx('DC0_C0/DC0_C0_H2')),
        /^InvalidArgumentError: host 127\.0\.0\.2 is managed by the vCenter at 127\.0\.0\.1, but vcenter=127\.0\.0\.9 \(127\.0\.0\.9\) was given$/,
      );
    } finally {
      await wrong.close();
    }
    const vpx = await Connection.open(lab.vpx('DC0_C0/DC0_C0_H1'), { env: env() });
    try {
      const dest = `vpx://127.0.0.1:${otherVc.port}/DC0/DC0_C0/DC0_C0_H0?cafile=${encodeURIComponent(bundle)}`;
      await assert.rejects(
        migrateDomain(vpx, 'ep1', dest, { open: { env: env() } }),
        /^InvalidArgumentError: the migration's source and destination are not managed by the same vCenter \(127\.0\.0\.1:\d+ and 127\.0\.0\.1:\d+\)$/,
      );
      await assert.rejects(
        migrateDomain(vpx, 'ep1', `gsx://127.0.0.1:${plainEsx.port}/`),
        /migration is not possible with VMware GSX\/Server/,
      );
    } finally {
      await vpx.close();
    }
  });
});

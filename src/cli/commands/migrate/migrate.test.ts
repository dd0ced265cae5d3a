import assert from 'node:assert/strict';
import test from 'node:test';
import type { MigrationResult } from '../../../driver/migrate/index.js';
import { formatJob } from './jobs.js';
import { migratedLine, progressLine } from './migrate.js';

test("progress as virsh prints it: '\\rMigration: [%3d %%]', clamped to 0..100", () => {
  assert.equal(progressLine(0), '\rMigration: [  0 %]');
  assert.equal(progressLine(7.9), '\rMigration: [  7 %]');
  assert.equal(progressLine(40), '\rMigration: [ 40 %]');
  assert.equal(progressLine(100), '\rMigration: [100 %]');
  assert.equal(progressLine(130), '\rMigration: [100 %]');
});

const base: Omit<MigrationResult, 'to' | 'dryRun'> = {
  domain: { name: 'web1', uuid: '42' },
  method: 'RelocateVM_Task',
  live: true,
  from: { host: 'h0', computeResource: 'c0', isCluster: true, datastores: ['ds0'], vmPathName: '[ds0] web1/web1.vmx' },
  checks: { by: 'CheckRelocate_Task', errors: [], warnings: [] },
};

test('the success line names the verified place and how DRS took part', () => {
  const to = { host: 'h1', computeResource: 'c1', isCluster: true, datastores: ['ds1'], vmPathName: '[ds1] web1/web1.vmx' };
  assert.equal(migratedLine({ ...base, dryRun: false, to }), "Domain 'web1' migrated to host 'h1' in cluster 'c1', datastore 'ds1'");
  assert.equal(
    migratedLine({ ...base, dryRun: false, to: { ...to, isCluster: false, computeResource: 'h1', datastores: ['ds1', 'ds2'] } }),
    "Domain 'web1' migrated to host 'h1', datastores 'ds1', 'ds2'",
  );
  assert.equal(
    migratedLine({ ...base, dryRun: false, to, drs: { cluster: 'c1', behavior: 'fullyAutomated', how: 'automatic' } }),
    "Domain 'web1' migrated to host 'h1' in cluster 'c1', datastore 'ds1' (host chosen by DRS in cluster 'c1')",
  );
  assert.equal(
    migratedLine({ ...base, dryRun: false, to, drs: { cluster: 'c1', behavior: 'manual', how: 'recommendation', host: 'h1', rating: 5 } }),
    "Domain 'web1' migrated to host 'h1' in cluster 'c1', datastore 'ds1' (host recommended by DRS in cluster 'c1')",
  );
});

test('the --dryrun line: planned host or DRS to pick, the checks that ran', () => {
  const planned = { computeResource: 'c1', isCluster: true, planned: true as const };
  assert.equal(
    migratedLine({ ...base, dryRun: true, to: planned }),
    "Domain 'web1' can migrate to cluster 'c1' (DRS picks the host) (CheckRelocate_Task found no error); nothing moved (--dryrun)",
  );
  assert.equal(
    migratedLine({
      ...base,
      checks: { by: 'none', errors: [], warnings: [] },
      dryRun: true,
      to: { ...planned, host: 'h2', datastore: 'ds1' },
    }),
    "Domain 'web1' can migrate to host 'h2', datastore 'ds1' (the server offers no checks); nothing moved (--dryrun)",
  );
});

test("domjobinfo keeps virsh's '%-17s %-12s' layout, trailing spaces included", () => {
  assert.equal(formatJob({ domain: 'd', type: 'none' }), 'Job type:         None        \n');
  const running = {
    domain: 'd',
    type: 'bounded' as const,
    operation: 'Outgoing migration',
    task: 'task-7',
    taskName: 'RelocateVM_Task',
    state: 'running' as const,
    percent: 40,
    elapsedMs: 1200,
    remainingMs: 1800,
  };
  assert.equal(
    formatJob(running),
    'Job type:         Bounded     \nOperation:        Outgoing migration\nTime elapsed:     1200         ms\n' +
      'Time remaining:   1800         ms\nTask:             RelocateVM_Task (task-7)\nProgress:         40 %\n',
  );
  const failed = { ...running, type: 'failed' as const, remainingMs: undefined, error: 'Network X is not accessible' };
  // virsh shows a failed job's statistics only with --anystats
  assert.equal(formatJob(failed), 'Job type:         Failed      \n');
  assert.match(
    formatJob(failed, true),
    /^Job type: {9}Failed {6}\nOperation: {8}Outgoing migration\n.*Error message: {4}Network X is not accessible\n/s,
  );
});

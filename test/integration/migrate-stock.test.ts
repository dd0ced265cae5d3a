/**
 * migrate, domjobinfo and domjobabort on the stock simulator (govmomi's vcsim 0.24.2 unextended, behind
 * ../shared/vcsim's proxy): it has RelocateVM_Task only (synchronous; it rewrites host/pool/datastore references
 * and leaves the files where they were) and no checks, MigrateVM_Task, DRS recommendations or host capability.
 * esxvirt says once what is missing and goes on, and reports truthfully what the server did. virsh 9.0 (libvirt's
 * own ESX driver) is run on the same server for reference: it refuses all three commands there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startStockSimulator, type StockSimulator } from '../harness/stock-vcsim.js';
import { external, runnable } from '../support/external.js';
import { runCli } from './cli-support.js';

const virsh = external('virsh', () => runnable('virsh', ['--version']), 'install libvirt-clients (Debian)');

describe('migration commands on the stock simulator (vpx://)', () => {
  let sim: StockSimulator;
  let base: string;
  /** The cluster's VMs where vcsim placed them (its RelocateVM_Task leaves HostSystem.vm lists as they were). */
  const placed: { name: string; host: string }[] = [];
  const cli = (src: string, ...args: string[]) => runCli(['-c', `${base}/${src}?no_verify=1`, ...args], { authFile: sim.authFile });
  const dest = (path: string): string => `${base}/${path}?no_verify=1`;
  const other = (host: string): string => (host === 'DC0_C0_H0' ? 'DC0_C0_H1' : 'DC0_C0_H0');

  before(async () => {
    sim = await startStockSimulator({ model: 'vpx', vms: 3, clusters: 2, datastores: 2 });
    base = `vpx://127.0.0.1:${sim.port}/DC0`;
    for (const host of ['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']) {
      const r = await cli(`DC0_C0/${host}`, 'list', '--all', '--name');
      for (const name of r.stdout.split('\n').filter((l) => l.startsWith('DC0_C0_RP0_VM'))) placed.push({ name, host });
    }
    assert.equal(placed.length, 3, JSON.stringify(placed));
  });
  after(() => sim?.stop());

  it('a host move: the absent checks are said once, the move verified; back by UUID with --live', async () => {
    const { name: vm, host } = placed[0] as { name: string; host: string };
    const to = other(host);
    const r = await cli(`DC0_C0/${host}`, 'migrate', vm, dest(`DC0_C0/${to}`));
    assert.equal(
      r.stderr,
      `warning: 127.0.0.1:${sim.port} offers no migration checks (CheckRelocate_Task, QueryVMotionCompatibility): going on without them\n`,
    );
    assert.equal(r.stdout, `Domain '${vm}' migrated to host '${to}' in cluster 'DC0_C0', datastore 'LocalDS_0'\n\n`);
    assert.equal(r.status, 0);
    // --live wants MigrateVM_Task, which this server lacks: the power state is checked here, Relocate moves it
    const uuid = (await cli(`DC0_C0/${host}`, 'domuuid', vm)).stdout.trim();
    const back = await cli(`DC0_C0/${to}`, 'migrate', '--live', uuid, dest(`DC0_C0/${host}`));
    assert.equal(back.status, 0, back.stderr);
    assert.match(back.stderr, /has no MigrateVM_Task: moving with RelocateVM_Task after checking the power state here\n/);
    assert.equal(back.stdout, `Domain '${vm}' migrated to host '${host}' in cluster 'DC0_C0', datastore 'LocalDS_0'\n\n`);
  });

  it('a storage move: the server only rewrites references, and esxvirt says the files did not move', async () => {
    const { name: vm, host } = placed[1] as { name: string; host: string };
    const r = await cli(`DC0_C0/${host}`, 'migrate', vm, dest(`DC0_C0/${host}`), '--datastore', 'LocalDS_1');
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `error: the migration task of domain '${vm}' succeeded, but the domain is on host '${host}' in cluster 'DC0_C0', datastores 'LocalDS_0', 'LocalDS_1', not on host '${host}' with datastore 'LocalDS_1'\\n$`,
      ),
    );
  });

  it('a cluster destination needs DRS recommendations this server lacks: one clear line', async () => {
    const { name: vm, host } = placed[2] as { name: string; host: string };
    const r = await cli(`DC0_C0/${host}`, 'migrate', vm, dest('DC0_C1'));
    assert.deepEqual(r, {
      status: 1,
      stdout: '\n',
      stderr:
        "error: cluster 'DC0_C1' is not fully automated and the server offers no DRS recommendation (RecommendHostsForVm): name one of its hosts\n",
    });
  });

  it('domjobinfo and domjobabort: no task runs (vcsim runs tasks inside the call)', async () => {
    const { name: vm, host } = placed[2] as { name: string; host: string };
    assert.deepEqual(await cli(`DC0_C0/${host}`, 'domjobinfo', vm), {
      status: 0,
      stdout: 'Job type:         None        \n\n',
      stderr: '',
    });
    assert.deepEqual(await cli(`DC0_C0/${host}`, 'domjobabort', vm), {
      status: 1,
      stdout: '\n',
      stderr: 'error: Requested operation is not valid: no job is active on the domain\n',
    });
  });

  it('virsh (reference) refuses these commands on this server', virsh.options, () => {
    const bin = virsh.value();
    const { name: vm, host } = placed[2] as { name: string; host: string };
    const env = { ...process.env, LIBVIRT_AUTH_FILE: sim.authFile, LIBVIRT_DEBUG: '4' };
    const run = (...args: string[]): string =>
      spawnSync(bin, ['-c', `${base}/DC0_C0/${host}?no_verify=1`, ...args], { env, encoding: 'utf8' })
        .stderr.split('\n')
        .filter((l) => l.startsWith('error:'))
        .join('\n');
    assert.equal(
      run('migrate', vm, dest(`DC0_C0/${other(host)}`)),
      "error: internal error: Missing 'capability.vmotionSupported' property",
    );
    assert.equal(run('domjobinfo', vm), 'error: this function is not supported by the connection driver: virDomainGetJobInfo');
    assert.equal(run('domjobabort', vm), 'error: this function is not supported by the connection driver: virDomainAbortJob');
  });
});

describe('migration refusals on the stock simulator (esx://)', () => {
  let sim: StockSimulator;
  before(async () => {
    sim = await startStockSimulator({ model: 'esx' });
  });
  after(() => sim?.stop());

  it('no vcenter parameter; vcenter=* on a host without a vCenter', async () => {
    const uri = `esx://127.0.0.1:${sim.port}/?no_verify=1`;
    const a = await runCli(['-c', uri, 'migrate', 'ha-host_VM0', `vpx://127.0.0.1:${sim.port}/DC0/DC0_C0/DC0_C0_H0`], {
      authFile: sim.authFile,
    });
    assert.deepEqual(a, {
      status: 2,
      stdout: '\n',
      stderr: `error: a migration needs a vCenter: ${uri} names none; add ?vcenter=HOST (or ?vcenter=* for the one managing 127.0.0.1)\n`,
    });
    const b = await runCli(['-c', `${uri}&vcenter=*`, 'migrate', 'ha-host_VM0', `vpx://127.0.0.1:${sim.port}/DC0/DC0_C0/DC0_C0_H0`], {
      authFile: sim.authFile,
    });
    assert.deepEqual(b, {
      status: 1,
      stdout: '\n',
      stderr:
        'error: Requested operation is not valid: host 127.0.0.1 is not managed by a vCenter (it reports no management server): vcenter=* finds none\n',
    });
    assert.deepEqual(await runCli(['-c', uri, 'domjobinfo', 'ha-host_VM0'], { authFile: sim.authFile }), {
      status: 0,
      stdout: 'Job type:         None        \n\n',
      stderr: '',
    });
  });
});

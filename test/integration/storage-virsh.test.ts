/**
 * Byte for byte against virsh 9.0 (Debian's libvirt-clients): every pool and volume command virsh's ESX driver
 * supports, run by both against the same simulator: esxvirt's (a local, a VMFS and an NFS datastore, an iSCSI
 * target) behind a proxy that types its SOAP answers as real hosts do (test/helpers/xsi-proxy.ts); the stock
 * simulator reports no datastore mount path, on which virsh's storage driver crashes. stdout is compared; virsh's
 * warnings about properties it does not know go to its stderr. Commands that change something run once by each
 * tool on its own volume and the outputs are compared with the names swapped. Run `npm run build` first.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { external, runnable } from '../support/external.js';
import { startXsiProxy, type XsiProxy } from '../helpers/xsi-proxy.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { runCli, writeAuthConf } from './cli-support.js';

const virsh = external('virsh', () => runnable('virsh', ['--version']), 'apt-get install libvirt-clients');
const IQN = 'iqn.2024-01.com.example:storage';
const LUN = '/vmfs/devices/disks/naa.60014050000000000000000000000001';
const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-virsh-'));

function runVirsh(uri: string, authFile: string, args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('virsh', ['-c', uri, ...args], {
      env: { ...process.env, LIBVIRT_AUTH_FILE: authFile },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

describe('pool and volume commands byte for byte against virsh 9.0', virsh.options, () => {
  let sim: Simulator;
  let proxy: XsiProxy;
  let uri = '';
  let authFile = '';
  const both = async (...args: string[]): Promise<{ ours: string; theirs: string }> => {
    const ours = await runCli(['-c', uri, ...args], { authFile });
    const theirs = await runVirsh(uri, authFile, args);
    assert.equal(ours.status, 0, `esxvirt ${args.join(' ')}: ${ours.stderr}`);
    assert.equal(theirs.status, 0, `virsh ${args.join(' ')}`);
    return { ours: ours.stdout, theirs: theirs.stdout };
  };
  const same = async (...args: string[]): Promise<void> => {
    const { ours, theirs } = await both(...args);
    assert.equal(ours, theirs, args.join(' '));
  };

  before(async () => {
    virsh.value();
    sim = await startSimulator({
      model: 'esx',
      tls: false,
      quiet: true,
      datastores: 3,
      datastoreKinds: ['local', 'vmfs', 'nfs'],
      iscsi: true,
    });
    proxy = await startXsiProxy(new URL(sim.baseUrl));
    uri = `esx://127.0.0.1:${proxy.port}/?transport=http`;
    authFile = writeAuthConf();
    const ok = async (...args: string[]): Promise<void> => {
      const r = await runCli(['-c', uri, ...args], { authFile });
      assert.equal(r.status, 0, r.stderr);
    };
    await ok('vol-create-as', 'LocalDS_0', 'disks/thin.vmdk', '1G', '--allocation', '0');
    await ok('vol-create-as', 'LocalDS_0', 'disks/thick.vmdk', '2M');
    await ok('vol-create-as', 'LocalDS_0', 'root.vmdk', '4M', '--type', 'eagerzeroedthick');
    const iso = join(tmp, 'x.iso');
    writeFileSync(iso, 'an iso image');
    await ok('vol-upload', '--pool', 'LocalDS_0', 'disks/My File [1] ä%.iso', iso);
    await ok('vol-upload', '--pool', 'LocalDS_0', 'disks/floppy.flp', iso);
  });
  after(async () => {
    await proxy?.close();
    await sim?.stop();
  });

  it('pool-list in every layout', async () => {
    for (const args of [['--all'], ['--details'], ['--name'], ['--uuid'], ['--inactive']]) await same('pool-list', ...args);
  });

  it('pool-info, pool-dumpxml, pool-uuid, pool-name of each kind of pool', async () => {
    for (const pool of ['LocalDS_0', 'LocalDS_1', 'LocalDS_2', IQN]) {
      await same('pool-info', pool);
      await same('pool-info', '--bytes', pool);
      await same('pool-dumpxml', pool);
      await same('pool-uuid', pool);
      const uuid = (await both('pool-uuid', pool)).ours.trim();
      await same('pool-name', uuid);
    }
  });

  it('vol-list, vol-info, vol-dumpxml, vol-key, vol-path, vol-name, vol-pool', async () => {
    await same('vol-list', 'LocalDS_0');
    await same('vol-list', 'LocalDS_0', '--details');
    await same('vol-list', IQN, '--details');
    // The ISO's name as stored: esxvirt escapes new names as VMware escapes datastore items.
    const listed = JSON.parse((await runCli(['-c', uri, '--json', 'vol-list', 'LocalDS_0'], { authFile })).stdout) as { name: string }[];
    const iso = listed.find((v) => v.name.endsWith('.iso'))?.name as string;
    assert.equal(iso, 'disks/My File +Ww-1+XQ- +w6Ql-25.iso');
    for (const vol of ['disks/thin.vmdk', 'disks/thick.vmdk', 'root.vmdk', iso, 'disks/floppy.flp']) {
      await same('vol-info', '--pool', 'LocalDS_0', vol);
      await same('vol-info', '--bytes', '--pool', 'LocalDS_0', vol);
      await same('vol-dumpxml', '--pool', 'LocalDS_0', vol);
      await same('vol-key', '--pool', 'LocalDS_0', vol);
      await same('vol-path', '--pool', 'LocalDS_0', vol);
      await same('vol-name', `[LocalDS_0] ${vol}`);
      await same('vol-pool', `[LocalDS_0] ${vol}`);
      await same('vol-pool', '--uuid', `[LocalDS_0] ${vol}`);
    }
    const key = (await both('vol-key', '--pool', 'LocalDS_0', 'disks/thin.vmdk')).ours.trim();
    await same('vol-path', key);
    await same('vol-name', key);
    await same('vol-info', LUN);
    await same('vol-dumpxml', '--pool', IQN, LUN);
    await same('vol-key', LUN);
  });

  it('--print-xml of vol-create-as and vol-clone', async () => {
    await same('vol-create-as', 'LocalDS_0', 'disks/x.vmdk', '10M', '--format', 'vmdk', '--allocation', '0', '--print-xml');
    await same('vol-create-as', 'LocalDS_0', 'disks/x.vmdk', '10M', '--print-xml');
    await same('vol-clone', '--pool', 'LocalDS_0', 'disks/thin.vmdk', 'disks/y.vmdk', '--print-xml');
  });

  it('commands that change something: each tool on its own volume, the same words', async () => {
    const xml = join(tmp, 'v.xml');
    const run = async (tool: 'ours' | 'theirs', args: string[]): Promise<string> => {
      if (tool === 'ours') {
        const r = await runCli(['-c', uri, ...args], { authFile });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout;
      }
      const r = await runVirsh(uri, authFile, args);
      assert.equal(r.status, 0, `virsh ${args.join(' ')}`);
      return r.stdout;
    };
    const outputs: Record<'ours' | 'theirs', string[]> = { ours: [], theirs: [] };
    for (const tool of ['theirs', 'ours'] as const) {
      const d = `w-${tool}`;
      writeFileSync(
        xml,
        `<volume><name>${d}/fromxml.vmdk</name><capacity unit='M'>8</capacity><allocation>0</allocation><target><format type='vmdk'/></target></volume>`,
      );
      const steps: string[][] = [
        ['vol-create-as', 'LocalDS_0', `${d}/a.vmdk`, '8M', '--format', 'vmdk', '--allocation', '0'],
        ['vol-create', 'LocalDS_0', xml],
        ['vol-clone', '--pool', 'LocalDS_0', `${d}/a.vmdk`, `${d}/b.vmdk`],
        ['vol-create-from', 'LocalDS_1', xml, '--inputpool', 'LocalDS_0', `${d}/a.vmdk`],
        ['vol-wipe', '--pool', 'LocalDS_0', `${d}/a.vmdk`],
        ['vol-delete', '--pool', 'LocalDS_0', `${d}/b.vmdk`],
        ['pool-refresh', 'LocalDS_0'],
        ['pool-autostart', 'LocalDS_0'],
      ];
      for (const s of steps) outputs[tool].push((await run(tool, s)).replaceAll(d, 'DIR').replaceAll(xml, 'XML'));
    }
    assert.deepEqual(outputs.ours, outputs.theirs);
  });
});

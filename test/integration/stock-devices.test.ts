/**
 * The device, edit, console and statistics commands on the STOCK simulator (govmomi's vcsim unextended, behind
 * ../shared/vcsim's proxy): each works or says in one line what the server lacks (no screenshot support); a device
 * change converges under the proxy's injected faults (every Nth call dropped, answered 503, or refused as an expired
 * session); and where virsh (libvirt's own ESX driver) has the command, the output is byte for byte virsh's.
 * Run `npm run build` first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { external, runnable } from '../support/external.js';
import { startStockSimulator, sharedVcsimDir, type StockSimulator } from '../harness/stock-vcsim.js';
import { runCli, type CliResult } from './cli-support.js';
import { Connection } from '../../src/driver/connect/connection.js';
import { uploadDatastoreFile } from '../../src/vim25/index.js';

const stock = external('../shared/vcsim', () => sharedVcsimDir(), 'the shared folder beside the checkout holds the stock simulator');
const virsh = external('virsh', () => runnable('virsh', ['--version']), 'apt-get install libvirt-clients');
const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-stock-dev-'));
const VM = 'ha-host_VM0';

function cli(sim: StockSimulator, ...args: string[]): Promise<CliResult> {
  return runCli(['-c', sim.uri, ...args], { authFile: sim.authFile, env: { VISUAL: '', EDITOR: 'true' } });
}

async function ok(sim: StockSimulator, ...args: string[]): Promise<string> {
  const r = await cli(sim, ...args);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('device, console and statistics commands on the stock simulator', stock.options, () => {
  let sim: StockSimulator;
  before(async () => {
    stock.value();
    sim = await startStockSimulator({ model: 'esx' });
  });
  after(() => sim?.stop());

  it('listings and statistics work; what vcsim lacks is left out', async () => {
    assert.match(
      await ok(sim, 'domblklist', VM, '--details'),
      /^ Type +Device +Target +Source\n-+\n file +disk +sda +\[LocalDS_0\] ha-host_VM0\/disk1\.vmdk\n\n$/,
    );
    assert.match(
      await ok(sim, 'domiflist', VM),
      /^ Interface +Type +Source +Model +MAC\n-+\n - +bridge +VM Network +e1000 +00:0c:29:[0-9a-f:]+\n\n$/,
    );
    assert.match(await ok(sim, 'domblkinfo', VM, 'sda'), /^Capacity: +1048576\n/);
    // vcsim never connects a device at power-on
    assert.equal(await ok(sim, 'domif-getlink', VM, 'ethernet0'), 'ethernet0 down\n');
    assert.match(await ok(sim, 'domstats', VM), /^Domain: 'ha-host_VM0'\n {2}state\.state=1\n {2}state\.reason=0\n {2}cpu\.time=\d+\n/);
    assert.match(await ok(sim, 'dommemstat', VM), /^actual 32768\nlast_update \d+\n\n$/);
    assert.match(await ok(sim, 'cpu-stats', VM), /^Total:\n\tcpu_time +\d+\.\d{9} seconds\n/);
    assert.match(await ok(sim, 'domifstat', VM, 'ethernet0'), /^ethernet0 rx_bytes \d+\n/);
    assert.match(await ok(sim, 'poll'), /^ha-host_VM0 STATE=a CPU=0\.00 MEMORY=0 NETRX=\d+ NETTX=\d+\nha-host_VM1 STATE=a /);
  });

  it('screenshot: refused in one line, as the host reports no screenshot support', async () => {
    assert.deepEqual(await cli(sim, 'screenshot', VM, join(tmp, 'x.png')), {
      status: 1,
      stdout: '\n',
      stderr:
        'error: unsupported configuration: Screenshot feature is unsupported: the host does not report capability.screenshotSupported\n',
    });
  });

  it('VNC: enabled on the first free port, shown by vncdisplay and domdisplay', async () => {
    assert.equal((await cli(sim, 'vncdisplay', VM)).stderr, 'error: Failed to get VNC port. Is this domain using VNC?\n');
    assert.equal(await ok(sim, 'vnc-enable', VM), 'vnc://localhost.localdomain:0\n');
    assert.equal(await ok(sim, 'vnc-enable', 'ha-host_VM1'), 'vnc://localhost.localdomain:1\n');
    assert.equal(await ok(sim, 'vncdisplay', VM), ':0\n\n');
  });

  it('device changes and edit: disks, NICs, a controller, CD-ROM media, the link', async () => {
    await ok(sim, 'attach-disk', VM, 'stock.vmdk', 'sdb', '--size', '1M');
    await ok(sim, 'attach-interface', VM, 'bridge', 'VM Network', '--mac', '00:50:56:00:aa:01');
    assert.match(await ok(sim, 'domblklist', VM), /sdb +\[LocalDS_0\] ha-host_VM0\/stock\.vmdk/);
    await ok(sim, 'detach-disk', VM, 'sdb');
    await ok(sim, 'detach-interface', VM, 'bridge', '--mac', '00:50:56:00:aa:01');
    await ok(sim, 'domif-setlink', VM, 'ethernet0', 'up');
    await ok(sim, 'destroy', VM);
    const ctl = join(tmp, 'ctl.xml');
    writeFileSync(ctl, "<controller type='sata' index='0'/>");
    await ok(sim, 'attach-device', VM, ctl);
    await ok(sim, 'detach-device', VM, ctl);
    await ok(sim, 'attach-disk', VM, '[LocalDS_0] iso/a.iso', 'hdd', '--type', 'cdrom');
    await ok(sim, 'change-media', VM, 'hdd', '--eject');
    const cd = join(tmp, 'cd.xml');
    writeFileSync(cd, "<disk type='file' device='cdrom'><source file='[LocalDS_0] iso/b.iso'/><target dev='hdd' bus='ide'/></disk>");
    await ok(sim, 'update-device', VM, cd);
    assert.match(await ok(sim, 'domblklist', VM), /hdd +\[LocalDS_0\] iso\/b\.iso/);
    assert.equal(await ok(sim, 'edit', VM), `Domain '${VM}' XML configuration not changed.\n\n`);
    const ed = join(tmp, 'ed.sh');
    writeFileSync(ed, '#!/bin/sh\nsed -i -e "s|<vcpu placement=\'static\'>1<|<vcpu placement=\'static\'>2<|" "$1"\n');
    chmodSync(ed, 0o755);
    const r = await runCli(['-c', sim.uri, 'edit', VM], { authFile: sim.authFile, env: { VISUAL: '', EDITOR: ed } });
    assert.equal(r.stdout, `Domain '${VM}' XML configuration edited.\n\n`, r.stderr);
    assert.match(await ok(sim, 'domstats', '--vcpu', VM), /^ {2}vcpu\.current=2$/m);
    await ok(sim, 'start', VM);
  });
});

for (const [flag, option] of [
  ['-fault-drop 4', { faultDrop: 4 }],
  ['-fault-503 3', { fault503: 3 }],
  ['-fault-expire 3', { faultExpire: 3 }],
] as const) {
  describe(`a device change converges on the stock simulator with ${flag}`, stock.options, () => {
    let sim: StockSimulator;
    before(async () => {
      stock.value();
      sim = await startStockSimulator({ model: 'esx', ...option });
    });
    after(() => sim?.stop());

    it('attach, detach and vnc-enable end done once; a command the faults defeat says the VM is unchanged, and a rerun completes it', async () => {
      // what a user does: run again until it is done; the VM never holds the change twice or half
      const until = async (...args: string[]): Promise<void> => {
        for (let n = 0; ; n++) {
          const r = await cli(sim, ...args);
          if (r.status === 0) return;
          assert.match(r.stderr, /the VM is unchanged\n$/, r.stderr);
          assert.ok(n < 5, r.stderr);
        }
      };
      const targets = async (): Promise<string[]> => {
        const r = await cli(sim, '--json', 'domblklist', VM);
        assert.equal(r.status, 0, r.stderr);
        return (JSON.parse(r.stdout) as { disks: { target: string }[] }).disks.map((d) => d.target);
      };
      for (let i = 0; i < 4; i++) {
        await until('attach-disk', VM, `f${i}.vmdk`, 'sdb', '--size', '1M');
        assert.deepEqual(await targets(), ['sda', 'sdb'], `round ${i}`);
        await until('detach-disk', VM, 'sdb');
        assert.deepEqual(await targets(), ['sda'], `round ${i}`);
      }
      await until('vnc-enable', VM);
      assert.equal((await cli(sim, 'vncdisplay', VM)).stdout, ':0\n\n');
    });
  });
}

/**
 * virsh reads domblklist, domiflist and vncdisplay from the domain XML. libvirt 9.0's ESX driver crashes (SIGSEGV) on
 * dumpxml of a VM the stock simulator registered, so virsh runs its test driver on the XML esxvirt's dumpxml gives:
 * the same XML through virsh's own code gives virsh's layout, byte for byte.
 */
describe('byte for byte against virsh on the domain XML of a VM of the stock simulator', { ...stock.options, ...virsh.options }, () => {
  let sim: StockSimulator;
  let node: string;
  const DOM = 'cmpdom';
  before(async () => {
    stock.value();
    sim = await startStockSimulator({ model: 'esx' });
    const conn = await Connection.open(sim.uri, { env: { ...process.env, LIBVIRT_AUTH_FILE: sim.authFile } });
    try {
      for (const f of [`${DOM}.vmdk`, 'data.vmdk', `${DOM}.nvram`, 'vmware.log'])
        await uploadDatastoreFile(
          conn.client,
          { datastore: 'LocalDS_0', path: `${DOM}/${f}`, dcPath: conn.host.datacenter.path },
          Buffer.alloc(0),
        );
    } finally {
      await conn.close();
    }
    const xml = join(tmp, 'cmp.xml');
    writeFileSync(
      xml,
      `<domain type='vmware'><name>${DOM}</name><memory unit='MiB'>64</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><source file='[LocalDS_0] ${DOM}/${DOM}.vmdk'/><target dev='sda' bus='scsi'/></disk>
<disk type='file' device='disk'><source file='[LocalDS_0] ${DOM}/data.vmdk'/><target dev='sdb' bus='scsi'/></disk>
<disk type='file' device='cdrom'><source file='[LocalDS_0] iso/x.iso'/><target dev='hdc' bus='ide'/></disk>
<controller type='scsi' index='0' model='lsilogic'/>
<interface type='bridge'><mac address='00:50:56:12:34:56'/><source bridge='VM Network'/><model type='vmxnet3'/></interface>
<graphics type='vnc' port='5907' listen='10.1.2.3'/>
</devices></domain>`,
    );
    await ok(sim, 'define', xml);
    // the test driver takes the XML as dumpxml gives it, as a domain of its own type
    const dumped = (await ok(sim, 'dumpxml', DOM))
      .replace("<domain type='vmware'", "<domain type='test'")
      .replace(/ *<vmware:[^\n]*\n/g, '');
    node = join(tmp, 'node.xml');
    writeFileSync(node, `<node>\n${dumped}</node>\n`);
  });
  after(() => sim?.stop());

  for (const args of [
    ['domblklist', DOM],
    ['domblklist', DOM, '--details'],
    ['vncdisplay', DOM],
  ]) {
    it(args.join(' '), async () => {
      const ours = await cli(sim, ...args);
      const theirs = spawnSync(virsh.value(), ['-c', `test://${node}`, ...args], {
        encoding: 'utf8',
        env: { ...process.env, LIBVIRT_LOG_OUTPUTS: '1:file:/dev/null' },
      });
      assert.equal(theirs.status, 0, `${String(theirs.signal)} ${theirs.stderr}`);
      assert.equal(ours.status, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout);
    });
  }
});

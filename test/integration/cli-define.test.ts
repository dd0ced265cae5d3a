/**
 * define, dumpxml, undefine and the connected domxml-from-native / domxml-to-native through bin/esxvirt, against
 * an ESX and a vCenter simulator. Run `npm run build` first (the CLI runs from dist/).
 *
 * vcsim 0.24.2's RegisterVM opens NAME.nvram and vmware.log beside the .vmx (ESX would create them): the tests
 * put them into the disk's directory, as ESX would find a VM's directory. The simulator's datastore is a local
 * directory (summary.url), which the tests list to prove that failed defines leave nothing behind.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../src/driver/connect/connection.js';
import { hostDatastores } from '../../src/driver/domain/xml.js';
import { uploadDatastoreFile } from '../../src/vim25/index.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { runCli, simulatorUri, writeAuthConf, type CliResult } from './cli-support.js';

const DESCRIPTOR = (adapter: string): string =>
  `# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\ncreateType="vmfs"\n\n# Extent description\nRW 2048 VMFS "x-flat.vmdk"\n\n# The Disk Data Base\nddb.adapterType = "${adapter}"\nddb.virtualHWVersion = "13"\n`;

const UUID = '50115e16-9bdc-49d7-f171-53c4d7f91710';

function domainXml(name: string, opts: { uuid?: string; disk?: string; model?: string } = {}): string {
  const disk = opts.disk ?? `[LocalDS_0] ${name}/${name}.vmdk`;
  return `<domain type='vmware'>
  <name>${name}</name>
  ${opts.uuid !== undefined ? `<uuid>${opts.uuid}</uuid>` : ''}
  <memory unit='MiB'>512</memory>
  <vcpu>2</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='cdrom'><source file='[LocalDS_0] iso/boot.iso'/><target dev='hdc' bus='ide'/></disk>
    <disk type='file' device='disk'><source file='${disk}'/><target dev='sda' bus='scsi'/></disk>
    <controller type='scsi' index='0' model='${opts.model ?? 'auto'}'/>
    <interface type='bridge'><mac address='00:50:56:25:48:c7'/><source bridge='VM Network'/><model type='vmxnet3'/></interface>
  </devices>
</domain>
`;
}

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI define, dumpxml, undefine (${model}://)`, () => {
    let sim: Simulator;
    let conn: Connection;
    let uri: string;
    let authFile: string;
    let dsDir: string;
    let dcPath: string;
    const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-define-'));
    const vcsimVm = model === 'esx' ? 'ha-host_VM1' : 'DC0_C0_RP0_VM1';
    const cli = (...args: string[]): Promise<CliResult> => runCli(['-c', uri, ...args], { authFile });
    const file = (name: string, text: string): string => {
      const p = join(tmp, name);
      writeFileSync(p, text);
      return p;
    };
    const put = (path: string, text: string): Promise<void> =>
      uploadDatastoreFile(conn.client, { datastore: 'LocalDS_0', path, dcPath }, Buffer.from(text));
    /** What a VM directory holds before a define: the disk, and what vcsim's RegisterVM wants to open. */
    const vmDir = async (dir: string, name: string, adapter = 'lsilogic'): Promise<void> => {
      await put(`${dir}/${name}.vmdk`, DESCRIPTOR(adapter));
      await put(`${dir}/${name}.nvram`, '');
      await put(`${dir}/vmware.log`, '');
    };
    const ls = (dir = ''): string[] => readdirSync(join(dsDir, dir)).sort();

    before(async () => {
      sim = await startSimulator({ model, quiet: true });
      authFile = writeAuthConf();
      uri = simulatorUri(sim);
      conn = await Connection.open(uri, { env: { ...process.env, LIBVIRT_AUTH_FILE: authFile } });
      dcPath = conn.host.datacenter.path;
      const url = (await hostDatastores(conn)).find((d) => d.name === 'LocalDS_0')?.url;
      assert.ok(url !== undefined && existsSync(url), `LocalDS_0 is a local directory: ${url}`);
      dsDir = url;
    });
    after(async () => {
      await conn?.close();
      await sim?.stop();
    });

    it('define → dumpxml (the VMX round-trips) → start → undefine refused → destroy → undefine', async () => {
      await vmDir('web1', 'web1', 'lsisas1068');
      const xmlFile = file('web1.xml', domainXml('web1', { uuid: UUID }));
      assert.deepEqual(await cli('define', xmlFile), { status: 0, stdout: `Domain 'web1' defined from ${xmlFile}\n\n`, stderr: '' });
      assert.deepEqual(ls('web1'), ['vmware.log', 'web1.nvram', 'web1.vmdk', 'web1.vmx']);
      const vmx = readFileSync(join(dsDir, 'web1/web1.vmx'), 'utf8');
      // the server's version (6.5) sets the hardware version; 'auto' became the descriptor's adapter type
      assert.match(vmx, /^\.encoding = "UTF-8"\nconfig\.version = "8"\nvirtualHW\.version = "13"\n/);
      assert.match(vmx, /\nscsi0\.virtualDev = "lsisas1068"\n/);
      assert.match(vmx, /\nscsi0:0\.fileName = "\/vmfs\/volumes\/LocalDS_0\/web1\/web1\.vmdk"\n/);

      const dump = await cli('--debug', 'dumpxml', 'web1');
      assert.equal(dump.status, 0, dump.stderr);
      assert.match(dump.stderr, /^debug: domain XML built from the VMX file \[LocalDS_0\] web1\/web1\.vmx$/m);
      assert.equal(
        dump.stdout,
        `<domain type='vmware' xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'>
  <name>web1</name>
  <uuid>${UUID}</uuid>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <source file='[LocalDS_0] web1/web1.vmdk'/>
      <target dev='sda' bus='scsi'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='[LocalDS_0] iso/boot.iso'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
      <address type='drive' controller='0' bus='1' target='0' unit='0'/>
    </disk>
    <controller type='scsi' index='0' model='lsisas1068'/>
    <controller type='ide' index='0'/>
    <interface type='bridge'>
      <mac address='00:50:56:25:48:c7' type='static'/>
      <source bridge='VM Network'/>
      <model type='vmxnet3'/>
    </interface>
    <video>
      <model type='vmvga' vram='4096' primary='yes'/>
    </video>
  </devices>
  <vmware:datacenterpath>${dcPath}</vmware:datacenterpath>
</domain>

`,
      );
      // the dumped XML defines the same domain again (under another name, next to another disk)
      await vmDir('web2', 'web2');
      const again = dump.stdout.replace(/web1/g, 'web2').replace(UUID, '50115e16-9bdc-49d7-f171-53c4d7f91711');
      assert.equal((await cli('define', file('web2.xml', again))).status, 0);
      assert.equal((await cli('dumpxml', 'web2')).stdout, again);

      assert.match((await cli('list', '--all')).stdout, /^ -\s+web1\s+shut off$/m);
      const start = await cli('start', 'web1');
      assert.equal(start.status, 0, start.stderr);
      assert.match(start.stdout, /^Domain 'web1' started\n/);
      assert.deepEqual(await cli('undefine', 'web1'), {
        status: 1,
        stdout: '\n',
        stderr: 'error: Requested operation is not valid: Domain is not suspended or powered off\n',
      });
      assert.equal((await cli('destroy', 'web1')).status, 0);
      assert.deepEqual(await cli('undefine', 'web1'), { status: 0, stdout: "Domain 'web1' has been undefined\n\n", stderr: '' });
      assert.deepEqual(await cli('undefine', 'web2'), { status: 0, stdout: "Domain 'web2' has been undefined\n\n", stderr: '' });
      assert.doesNotMatch((await cli('list', '--all')).stdout, /web[12]/);
      // undefine keeps the files
      assert.deepEqual(ls('web1'), ['vmware.log', 'web1.nvram', 'web1.vmdk', 'web1.vmx']);
      assert.equal((await cli('dumpxml', 'web1')).stderr, "error: Domain not found: no domain with matching name 'web1'\n");
    });

    it(`dumpxml of a vcsim VM: its VMX is empty, so the domain comes from the VM's configuration`, async () => {
      const uuid = (await cli('domuuid', vcsimVm)).stdout.trim();
      const plain = await cli('dumpxml', vcsimVm);
      assert.equal(plain.status, 0, plain.stderr);
      // vcsim puts a CD-ROM into the disk's slot: what the XML leaves out is said, never dropped silently
      assert.match(plain.stderr, /^warning: left out of the domain XML: cdrom-\d+: scsi slot 0:0:0 is taken by another device\n$/);
      const r = await cli('--debug', 'dumpxml', vcsimVm);
      assert.equal(r.stdout, plain.stdout);
      assert.match(r.stderr, /^debug: domain XML built from the VM's configuration \(VMX unreadable: the file is empty\)$/m);
      const x = r.stdout;
      assert.match(
        x,
        new RegExp(
          `^<domain type='vmware' xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'>\n  <name>${vcsimVm}</name>\n  <uuid>${uuid}</uuid>\n`,
        ),
      );
      assert.match(x, /<memory unit='KiB'>32768<\/memory>/);
      assert.match(x, /<type arch='i686'>hvm<\/type>/);
      assert.match(
        x,
        new RegExp(
          `<disk type='file' device='disk'>\n\\s+<source file='\\[LocalDS_0\\] ${vcsimVm}/disk1.vmdk'/>\n\\s+<target dev='sda' bus='scsi'/>`,
        ),
      );
      assert.match(x, /<controller type='scsi' index='0' model='vmpvscsi'\/>/);
      assert.match(
        x,
        model === 'esx'
          ? /<interface type='bridge'>\n\s+<mac address='00:0c:29:[0-9a-f:]{8}' type='generated'\/>\n\s+<source bridge='VM Network'\/>\n\s+<model type='e1000'\/>/
          : /<interface type='vds'>\n\s+<mac address='00:0c:29:[0-9a-f:]{8}' type='generated'\/>\n\s+<source switchid='[0-9a-f-]{36}' portgroupid='dvportgroup-\d+'\/>/,
      );
      assert.match(x, new RegExp(`<vmware:datacenterpath>${dcPath}</vmware:datacenterpath>\n</domain>\n\n$`));
    });

    it('failed defines leave nothing behind and never overwrite a file', async () => {
      await vmDir('half', 'half');
      await put('keep/keep.vmx', 'precious\n');
      await put('keep/keep.vmdk', DESCRIPTOR('lsilogic'));
      const before = ls();
      const existingUuid = (await cli('domuuid', vcsimVm)).stdout.trim();
      const cases: [string, string, RegExp][] = [
        [
          'nodisk',
          `<domain type='vmware'><name>nodisk</name><memory>65536</memory><os><type>hvm</type></os><devices><disk type='file' device='cdrom'><source file='[LocalDS_0] iso/a.iso'/><target dev='hdc' bus='ide'/></disk></devices></domain>`,
          /^error: Domain XML doesn't contain any file-based harddisks, cannot deduce datastore and path for VMX file\n$/,
        ],
        [
          'nods',
          domainXml('nods', { disk: '[NoSuchDS] nods/nods.vmdk', model: 'lsilogic' }),
          /^error: datastore 'NoSuchDS' of '\[NoSuchDS\] nods\/nods\.vmdk' does not exist on this host\n$/,
        ],
        [
          'dupname',
          domainXml(vcsimVm),
          new RegExp(`^error: Requested operation is not valid: domain '${vcsimVm}' already exists \\(VM \\S+ has that name\\)`),
        ],
        [
          'dupuuid',
          domainXml('dupuuid', { uuid: existingUuid }),
          new RegExp(`^error: Requested operation is not valid: domain 'dupuuid' already exists \\(a VM has uuid ${existingUuid}\\)`),
        ],
        ['malformed', '<domain type="vmware"><name>x</name>', /^error: malformed domain XML/],
        [
          'keep',
          domainXml('keep', { model: 'lsilogic' }),
          /^error: Requested operation is not valid: file '\[LocalDS_0\] keep\/keep\.vmx' already exists: not overwriting it/,
        ],
        // vcsim refuses to register without fresh/fresh.nvram: the directory made for the VMX goes again
        [
          'fresh',
          domainXml('fresh', { model: 'lsilogic' }),
          /^error: the server refused to register '\[LocalDS_0\] fresh\/fresh\.vmx': a file it needs beside the VMX was not found \(NotFound\); the VMX itself was uploaded, so check/,
        ],
        // … and in a directory that existed, only the uploaded VMX goes
        [
          'half',
          domainXml('half', { disk: '[LocalDS_0] half/half.vmdk', model: 'lsilogic' }).replace('<name>half</name>', '<name>half2</name>'),
          /^error: the server refused to register '\[LocalDS_0\] half\/half2\.vmx'/,
        ],
        [
          'auto',
          domainXml('auto', { disk: '[LocalDS_0] keep/missing.vmdk' }),
          /^error: cannot detect the SCSI controller model of disk 'sda' from '\[LocalDS_0\] keep\/missing\.vmdk': .*no such file/,
        ],
      ];
      for (const [name, xml, re] of cases) {
        const r = await cli('define', file(`${name}.xml`, xml));
        assert.equal(r.status, 1, `${name}: ${r.stderr}`);
        assert.match(r.stderr, re, name);
        assert.equal(r.stdout, '\n', name);
        assert.deepEqual(ls(), before, `${name}: datastore root unchanged`);
      }
      assert.deepEqual(ls('half'), ['half.nvram', 'half.vmdk', 'vmware.log']);
      assert.deepEqual(ls('keep'), ['keep.vmdk', 'keep.vmx']);
      assert.equal(readFileSync(join(dsDir, 'keep/keep.vmx'), 'utf8'), 'precious\n');
      assert.doesNotMatch((await cli('list', '--all')).stdout, /nodisk|nods|dupuuid|keep|fresh|half/);
    });

    it('a define whose registration is lost converges: finished, retried once, or taken over by the next define', async () => {
      const count = async (name: string): Promise<number> =>
        (await cli('list', '--all', '--name')).stdout.split('\n').filter((l) => l === name).length;
      const journal = (dir: string, name: string): boolean => existsSync(join(dsDir, dir, `${name}.vmx.esxvirt-define`));
      // the registration ran but its answer was lost: the server is asked, the VM is there, done
      await vmDir('conv1', 'conv1');
      await sim.dropNext(1, { method: 'RegisterVM_Task', after: true });
      let r = await cli('define', file('conv1.xml', domainXml('conv1', { model: 'lsilogic' })));
      assert.equal(r.status, 0, r.stderr);
      assert.equal(await count('conv1'), 1);
      assert.equal(journal('conv1', 'conv1'), false);
      // the registration never ran (connection closed, or a 503): not registered, so it is tried once more
      for (const [name, status] of [
        ['conv2', 0],
        ['conv3', 503],
      ] as const) {
        await vmDir(name, name);
        await sim.dropNext(1, { method: 'RegisterVM_Task', status });
        r = await cli('define', file(`${name}.xml`, domainXml(name, { model: 'lsilogic' })));
        assert.equal(r.status, 0, `${name}: ${r.stderr}`);
        assert.equal(await count(name), 1, name);
        assert.equal(journal(name, name), false, name);
      }
      // the registration ran, and asking about it failed too: one clear line, the files stay with their journal …
      await vmDir('conv4', 'conv4');
      await sim.dropNext(1, { method: 'RegisterVM_Task', after: true });
      await sim.dropNext(3, { method: 'FindByDatastorePath' });
      r = await runCli(['-c', uri, 'define', file('conv4.xml', domainXml('conv4', { model: 'lsilogic' }))], {
        authFile,
        env: { ESXVIRT_RETRY_DEADLINE: '2' },
      });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^error: could not tell whether '\[LocalDS_0\] conv4\/conv4\.vmx' got registered .*run the same define again/);
      assert.equal(r.stderr.split('\n').length, 2, 'one line');
      assert.equal(journal('conv4', 'conv4'), true);
      await sim.control('reset');
      // … and the same define again finishes it: one VM, no journal
      r = await cli('define', file('conv4.xml', domainXml('conv4', { model: 'lsilogic' })));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^warning: finishing the define that registered/);
      assert.equal(await count('conv4'), 1);
      assert.equal(journal('conv4', 'conv4'), false);
      // the registration never ran and asking failed: the next define takes the leftovers over
      await vmDir('conv5', 'conv5');
      await sim.dropNext(1, { method: 'RegisterVM_Task' });
      await sim.dropNext(3, { method: 'FindByDatastorePath' });
      r = await runCli(['-c', uri, 'define', file('conv5.xml', domainXml('conv5', { model: 'lsilogic' }))], {
        authFile,
        env: { ESXVIRT_RETRY_DEADLINE: '2' },
      });
      assert.equal(r.status, 1);
      await sim.control('reset');
      r = await cli('define', file('conv5.xml', domainXml('conv5', { model: 'lsilogic' })));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^warning: taking over '\[LocalDS_0\] conv5\/conv5\.vmx', left by an interrupted define/);
      assert.equal(await count('conv5'), 1);
      assert.equal(journal('conv5', 'conv5'), false);
      // a defined domain is never defined twice
      r = await cli('define', file('conv1.xml', domainXml('conv1', { model: 'lsilogic' })));
      assert.equal(r.status, 1);
      assert.match(r.stderr, /already exists/);
      for (const name of ['conv1', 'conv2', 'conv3', 'conv4', 'conv5']) assert.equal((await cli('undefine', name)).status, 0, name);
    });

    it('connected domxml-to-native: datastores checked, SCSI model detected, hardware version of the server', async () => {
      await put('conv/conv.vmdk', DESCRIPTOR('pvscsi'));
      const r = await cli('domxml-to-native', 'vmware-vmx', file('conv.xml', domainXml('conv', { uuid: UUID })));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^\.encoding = "UTF-8"\nconfig\.version = "8"\nvirtualHW\.version = "13"\nguestOS = "other-64"\n/);
      assert.match(r.stdout, /\nscsi0\.virtualDev = "pvscsi"\n/);
      assert.match(r.stdout, /\nvmci0\.present = "true"\n\n$/);
      const hw = await cli('domxml-to-native', 'vmware-vmx', file('conv.xml', domainXml('conv')), '--hw-version', '7');
      assert.match(hw.stdout, /\nvirtualHW\.version = "7"\n/);
      const bad = await cli(
        'domxml-to-native',
        'vmware-vmx',
        file('bad.xml', domainXml('bad', { disk: '[Nope] a/a.vmdk', model: 'lsilogic' })),
      );
      assert.deepEqual(bad, {
        status: 1,
        stdout: '\n',
        stderr: "error: datastore 'Nope' of '[Nope] a/a.vmdk' does not exist on this host\n",
      });
      // without a connection the converter stays offline
      const offline = await runCli([
        'domxml-to-native',
        'vmware-vmx',
        file('off.xml', domainXml('off', { disk: '[Nope] a/a.vmdk', model: 'lsilogic' })),
      ]);
      assert.equal(offline.status, 0, offline.stderr);
      assert.match(offline.stdout, /\nvirtualHW\.version = "4"\n/);
    });

    it("connected domxml-from-native: /vmfs/volumes paths through the host's datastores", async () => {
      const vmx = file(
        'in.vmx',
        [
          'config.version = "8"',
          'virtualHW.version = "13"',
          'displayName = "in"',
          'memsize = "64"',
          'guestOS = "other-64"',
          'scsi0.present = "true"',
          'scsi0.virtualDev = "lsilogic"',
          'scsi0:0.present = "true"',
          'scsi0:0.deviceType = "scsi-hardDisk"',
          'scsi0:0.fileName = "/vmfs/volumes/LocalDS_0/in/in.vmdk"',
          'scsi0:1.present = "true"',
          'scsi0:1.deviceType = "scsi-hardDisk"',
          'scsi0:1.fileName = "in-1.vmdk"',
          '',
        ].join('\n'),
      );
      const r = await cli('domxml-from-native', 'vmware-vmx', vmx, '--vmx-path', '[LocalDS_0] in/in.vmx');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /<source file='\[LocalDS_0\] in\/in\.vmdk'\/>\n\s+<target dev='sda' bus='scsi'\/>/);
      assert.match(r.stdout, /<source file='\[LocalDS_0\] in\/in-1\.vmdk'\/>\n\s+<target dev='sdb' bus='scsi'\/>/);
      assert.match(r.stdout, new RegExp(`<vmware:datacenterpath>${dcPath}</vmware:datacenterpath>`));
      writeFileSync(vmx, readFileSync(vmx, 'utf8').replace('/vmfs/volumes/LocalDS_0/', '/vmfs/volumes/Elsewhere/'));
      const bad = await cli('domxml-from-native', 'vmware-vmx', vmx);
      assert.deepEqual(bad, {
        status: 1,
        stdout: '\n',
        stderr: "error: file '/vmfs/volumes/Elsewhere/in/in.vmdk' of VMX entry 'scsi0:0.fileName' does not exist\n",
      });
    });
  });
}

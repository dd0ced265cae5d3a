/**
 * Snapshots through bin/esxvirt, against an ESX and a vCenter simulator, on a domain the suite defines: define →
 * start → snapshot-create-as → snapshot-list/current/dumpxml → revert → delete → destroy → undefine. Run
 * `npm run build` first (the CLI runs from dist/). Times print in UTC (TZ=UTC) so the table can be checked exactly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '../../src/driver/connect/connection.js';
import { uploadDatastoreFile } from '../../src/vim25/index.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { runCli, simulatorUri, writeAuthConf, type CliResult } from './cli-support.js';

const DOM = 'snapdom';
const XML = `<domain type='vmware'>
  <name>${DOM}</name>
  <memory unit='MiB'>256</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='[LocalDS_0] ${DOM}/${DOM}.vmdk'/><target dev='sda' bus='scsi'/></disk>
    <controller type='scsi' index='0' model='lsilogic'/>
  </devices>
</domain>
`;

interface SnapJson {
  name: string;
  description: string;
  state: string;
  parent: string | null;
  creationTime: string;
  current: boolean;
}

const unix = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
const utc = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI snapshots (${model}://)`, () => {
    let sim: Simulator;
    let uri: string;
    let authFile: string;
    let domUuid: string;
    const cli = (...args: string[]): Promise<CliResult> => runCli(['-c', uri, ...args], { authFile, env: { TZ: 'UTC' } });
    const ok = async (...args: string[]): Promise<string> => {
      const r = await cli(...args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '', args.join(' '));
      return r.stdout;
    };
    const list = async (): Promise<SnapJson[]> => JSON.parse(await ok('--json', 'snapshot-list', DOM)) as SnapJson[];

    before(async () => {
      sim = await startSimulator({ model, quiet: true });
      authFile = writeAuthConf();
      uri = simulatorUri(sim);
      const conn = await Connection.open(uri, { env: { ...process.env, LIBVIRT_AUTH_FILE: authFile } });
      try {
        // the disk, and what vcsim's RegisterVM opens beside the VMX (see cli-define.test.ts)
        for (const f of [`${DOM}.vmdk`, `${DOM}.nvram`, 'vmware.log']) {
          await uploadDatastoreFile(
            conn.client,
            { datastore: 'LocalDS_0', path: `${DOM}/${f}`, dcPath: conn.host.datacenter.path },
            Buffer.alloc(0),
          );
        }
      } finally {
        await conn.close();
      }
      const xml = join(mkdtempSync(join(tmpdir(), 'esxvirt-snap-')), 'dom.xml');
      writeFileSync(xml, XML);
      await ok('define', xml);
      // snapshots name the domain by the VM's BIOS UUID as the API reports it
      domUuid = (await ok('domuuid', DOM)).trim();
      assert.match(domUuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });
    after(async () => {
      await sim?.stop();
    });

    it('no snapshots yet: an empty table, no current snapshot', async () => {
      assert.equal(await ok('snapshot-list', DOM), ' Name   Creation Time   State\n-------------------------------\n\n');
      assert.equal(await ok('snapshot-list', DOM, '--name'), '\n');
      assert.deepEqual(await list(), []);
      assert.deepEqual(await cli('snapshot-current', DOM), {
        status: 1,
        stdout: '\n',
        stderr: `error: domain '${DOM}' has no current snapshot\n`,
      });
    });

    it('create (running, then shut off), list, current, dumpxml; names are unique', async () => {
      assert.match(await ok('start', DOM), /started/);
      assert.equal(
        await ok('snapshot-create-as', DOM, 'before-upgrade', 'clean <install> & "tools"'),
        'Domain snapshot before-upgrade created\n',
      );
      assert.deepEqual(await cli('snapshot-create-as', DOM, 'before-upgrade'), {
        status: 1,
        stdout: '\n',
        stderr: "error: Requested operation is not valid: Snapshot 'before-upgrade' already exists\n",
      });
      assert.match(await ok('destroy', DOM), /destroyed/);
      assert.equal(await ok('snapshot-create-as', '--domain', DOM, '--name', 'Off'), 'Domain snapshot Off created\n');

      const [a, b] = await list();
      assert.ok(a && b);
      assert.deepEqual(
        { ...a, creationTime: '' },
        {
          name: 'before-upgrade',
          description: 'clean <install> & "tools"',
          state: 'running',
          parent: null,
          creationTime: '',
          current: false,
        },
      );
      assert.deepEqual(
        { ...b, creationTime: '' },
        { name: 'Off', description: '', state: 'shutoff', parent: 'before-upgrade', creationTime: '', current: true },
      );

      // virsh's table, sorted by name without regard to case
      const w = utc(a.creationTime).length;
      assert.equal(
        await ok('snapshot-list', DOM),
        ` Name             ${'Creation Time'.padEnd(w)}   State\n${'-'.repeat(17 + w + 3 + 10)}\n` +
          ` before-upgrade   ${utc(a.creationTime)}   running\n Off              ${utc(b.creationTime)}   shutoff\n\n`,
      );
      assert.equal(await ok('snapshot-list', DOM, '--name'), 'before-upgrade\nOff\n\n');
      assert.match(
        await ok('snapshot-list', DOM, '--parent'),
        /^ Name\s+Creation Time\s+State\s+Parent\n-+\n before-upgrade .* running {3}\n Off .* shutoff {3}before-upgrade\n\n$/,
      );
      assert.equal(await ok('snapshot-list', DOM, '--tree'), 'before-upgrade\n  |\n  +- Off\n    \n\n');
      assert.equal(await ok('snapshot-list', DOM, '--roots', '--name'), 'before-upgrade\n\n');
      assert.equal(await ok('snapshot-list', DOM, '--leaves', '--name'), 'Off\n\n');

      assert.equal(await ok('snapshot-current', DOM, '--name'), 'Off\n');
      const offXml =
        `<domainsnapshot>\n  <name>Off</name>\n  <description></description>\n  <state>shutoff</state>\n  <parent>\n    <name>before-upgrade</name>\n  </parent>\n` +
        `  <creationTime>${unix(b.creationTime)}</creationTime>\n  <domain>\n    <uuid>${domUuid}</uuid>\n  </domain>\n</domainsnapshot>\n`;
      assert.equal(await ok('snapshot-current', DOM), `${offXml}\n`);
      assert.equal(await ok('snapshot-dumpxml', DOM, 'Off'), `${offXml}\n`);
      assert.deepEqual(JSON.parse(await ok('--json', 'snapshot-current', DOM)), b);
      assert.equal(
        await ok('snapshot-dumpxml', DOM, 'before-upgrade'),
        `<domainsnapshot>\n  <name>before-upgrade</name>\n  <description>clean &lt;install&gt; &amp; &quot;tools&quot;</description>\n  <state>running</state>\n` +
          `  <creationTime>${unix(a.creationTime)}</creationTime>\n  <domain>\n    <uuid>${domUuid}</uuid>\n  </domain>\n</domainsnapshot>\n\n`,
      );
      assert.deepEqual(await cli('snapshot-dumpxml', DOM, 'nope'), {
        status: 1,
        stdout: '\n',
        stderr: "error: Domain snapshot not found: no domain snapshot with matching name 'nope'\n",
      });
    });

    it("revert (with virsh 9.0's message), a new branch, delete one, delete with --children", async () => {
      assert.equal(await ok('snapshot-revert', DOM, 'before-upgrade'), 'Domain snapshot before-upgrade reverted\n\n');
      assert.equal(await ok('snapshot-current', DOM, '--name'), 'before-upgrade\n');
      assert.equal(await ok('snapshot-create-as', DOM, 'branch'), 'Domain snapshot branch created\n');
      assert.equal(await ok('snapshot-list', DOM, '--tree'), 'before-upgrade\n  |\n  +- Off\n  +- branch\n    \n\n');
      assert.deepEqual(await cli('snapshot-revert', DOM, 'nope'), {
        status: 1,
        stdout: '\n',
        stderr: "error: Domain snapshot not found: no domain snapshot with matching name 'nope'\n",
      });

      assert.equal(await ok('snapshot-delete', DOM, 'Off'), 'Domain snapshot Off deleted\n\n');
      assert.deepEqual(
        (await list()).map((s) => [s.name, s.parent]),
        [
          ['before-upgrade', null],
          ['branch', 'before-upgrade'],
        ],
      );
      assert.equal(await ok('snapshot-delete', DOM, 'before-upgrade', '--children'), 'Domain snapshot before-upgrade deleted\n\n');
      assert.deepEqual(await list(), []);
      assert.equal((await cli('snapshot-current', DOM)).status, 1);
    });

    it('the domain goes: destroy, undefine; its snapshots go with it', async () => {
      if ((await ok('domstate', DOM)).startsWith('running')) await ok('destroy', DOM);
      assert.equal(await ok('undefine', DOM), `Domain '${DOM}' has been undefined\n\n`);
      assert.deepEqual(await cli('snapshot-list', DOM), {
        status: 1,
        stdout: '\n',
        stderr: `error: Domain not found: no domain with matching name '${DOM}'\n`,
      });
    });
  });
}

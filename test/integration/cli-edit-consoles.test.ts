/**
 * edit with a scripted $EDITOR (settings, devices and the vmware namespace in one reconfiguration; refusals keep the
 * edited file and the VM), and the consoles: vnc-enable's port choice, vncdisplay, domdisplay, screenshots. Against
 * our simulator, ESX and vCenter models. Run `npm run build` first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVmConfig } from '../../src/driver/domain/index.js';
import { readDatastoreFile } from '../../src/vim25/index.js';
import { runCli, type CliResult } from './cli-support.js';
import { startTarget, type CliTarget } from './cli-domain-support.js';

const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-edit-'));

/** An editor: a shell script running `sed` expressions on the file it is given. */
function editor(name: string, ...sed: string[]): string {
  const p = join(tmp, `${name}.sh`);
  writeFileSync(p, `#!/bin/sh\nset -e\n${sed.map((e) => `sed -i -e '${e.replace(/'/g, `'\\''`)}' "$1"`).join('\n')}\n`);
  chmodSync(p, 0o755);
  return p;
}

/** The number part of the harness's changeVersion: it grows by one per successful reconfiguration. */
async function changes(t: CliTarget, vm: string): Promise<number> {
  const conn = await t.open();
  try {
    const v = (await readVmConfig(conn, vm)).changeVersion ?? '';
    return Number(/-(\d+)$/.exec(v)?.[1] ?? Number.NaN);
  } finally {
    await conn.close();
  }
}

for (const model of ['esx', 'vpx'] as const) {
  describe(`edit (${model}://)`, () => {
    let t: CliTarget;
    let vm: string;

    before(async () => {
      t = await startTarget(model);
      vm = t.vms[0] as string;
      assert.equal((await t.cli('destroy', vm)).status, 0);
    });
    after(async () => {
      await t?.stop();
    });

    it('an editor that changes nothing: "not changed", and no reconfiguration', async () => {
      const n = await changes(t, vm);
      // `true` as editor leaves the file alone
      assert.deepEqual(await runEdit(t, vm, 'true'), {
        status: 0,
        stdout: `Domain '${vm}' XML configuration not changed.\n\n`,
        stderr: '',
      });
      assert.equal(await changes(t, vm), n);
    });

    it('settings, a new NIC and the vmware namespace go to the VM in ONE reconfiguration', async () => {
      const n = await changes(t, vm);
      const ed = editor(
        'many',
        "s|<memory unit='KiB'>[0-9]*</memory>|<memory unit='KiB'>65536</memory>|",
        "s|<currentMemory unit='KiB'>[0-9]*</currentMemory>|<currentMemory unit='KiB'>65536</currentMemory>|",
        "s|<vcpu placement='static'>[0-9]*</vcpu>|<vcpu placement='static'>2</vcpu>|",
        "s|  </devices>|    <interface type='bridge'><mac address='00:50:56:11:22:33'/><source bridge='VM Network'/></interface>\\n  </devices>|",
        "s|</domain>|  <vmware:guestos>ubuntu64Guest</vmware:guestos>\\n  <vmware:vmx>\\n    <vmware:entry name='isolation.tools.copy.disable' value='TRUE'/>\\n  </vmware:vmx>\\n</domain>|",
      );
      assert.deepEqual(await runEdit(t, vm, ed), { status: 0, stdout: `Domain '${vm}' XML configuration edited.\n\n`, stderr: '' });
      assert.equal(await changes(t, vm), n + 1);
      const info = (await t.cli('dominfo', vm)).stdout;
      assert.match(info, /^CPU\(s\): +2$/m);
      assert.match(info, /^Max memory: +65536 KiB$/m);
      assert.match((await t.cli('domiflist', vm)).stdout, /00:50:56:11:22:33/);
      const conn = await t.open();
      try {
        const cfg = await readVmConfig(conn, vm);
        assert.equal(cfg.view.guestId, 'ubuntu64Guest');
        assert.deepEqual(
          cfg.view.extraConfig?.filter((o) => o.key === 'isolation.tools.copy.disable').map((o) => o.value),
          ['TRUE'],
        );
      } finally {
        await conn.close();
      }
    });

    it('a guest OS the host does not list is refused before anything changes; the edited file is kept', async () => {
      const n = await changes(t, vm);
      const ed = editor(
        'guest',
        's|</domain>|  <vmware:guestos>ubuntu64Guestt</vmware:guestos>\\n</domain>|',
        "s|<vcpu placement='static'>[0-9]*<|<vcpu placement='static'>3<|",
      );
      const r = await runEdit(t, vm, ed);
      assert.equal(r.status, 1);
      const m =
        /^error: guest OS 'ubuntu64Guestt' is not supported by this host \(\d+ are\): did you mean [^;]*'ubuntu64Guest'[^;]*; the edited XML is kept in (\S+)\n$/.exec(
          r.stderr,
        );
      assert.ok(m, r.stderr);
      assert.match(readFileSync(m[1] as string, 'utf8'), /ubuntu64Guestt/);
      assert.equal(await changes(t, vm), n);
      assert.match((await t.cli('dominfo', vm)).stdout, /^CPU\(s\): +2$/m);
    });

    it('a running domain: an IDE disk in the edit is refused with the kept file; the VM keeps its devices', async () => {
      assert.equal((await t.cli('start', vm)).status, 0);
      const n = await changes(t, vm);
      const ed = editor(
        'ide',
        "s|  </devices>|    <disk type='file' device='disk'><source file='[LocalDS_0] x/ide.vmdk'/><target dev='hdb' bus='ide'/></disk>\\n  </devices>|",
      );
      const r = await runEdit(t, vm, ed);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        /^error: Requested operation is not valid: cannot apply the edited XML on running domain '[^']+': adding a disk on the IDE bus needs the domain shut off; the edited XML is kept in \S+\.xml\n$/,
      );
      assert.equal(await changes(t, vm), n);
      assert.doesNotMatch((await t.cli('domblklist', vm)).stdout, /hdb/);
      assert.equal((await t.cli('destroy', vm)).status, 0);
    });

    it("domxml-to-native (connected): the vmware namespace into the VMX, the guest OS checked against the host's list", async () => {
      const xml = (guest: string): string => {
        const p = join(tmp, `native-${guest}.xml`);
        writeFileSync(
          p,
          `<domain type='vmware' xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'><name>n</name><memory unit='MiB'>64</memory><os><type>hvm</type></os><uuid>564d9bef-acd9-b4e0-c8f0-aeb1a7e7a5b9</uuid><vmware:guestos>${guest}</vmware:guestos><vmware:pcibridges>1</vmware:pcibridges><vmware:vmx><vmware:entry name='a.b' value='c'/></vmware:vmx></domain>`,
        );
        return p;
      };
      const r = await t.cli('domxml-to-native', 'vmware-vmx', xml('ubuntu64Guest'), '--hw-version', '7');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^guestOS = "ubuntu-64"$/m);
      assert.match(r.stdout, /\npciBridge0\.present = "true"\nvmci0\.present = "true"\na\.b = "c"\n/);
      const bad = await t.cli('domxml-to-native', 'vmware-vmx', xml('nosuchGuest'));
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /^error: guest OS 'nosuchGuest' is not supported by this host \(\d+ are\)/);
    });

    it('<graphics type=vnc> added, moved and removed in the editor: the VNC server of the VM follows', async () => {
      const vnc = async (): Promise<string> => (await t.cli('vncdisplay', vm)).stdout;
      const add = editor('vnc-add', "s|  </devices>|    <graphics type='vnc' port='5907'/>\\n  </devices>|");
      assert.equal((await runEdit(t, vm, add)).stderr, '');
      assert.equal(await vnc(), ':7\n\n');
      assert.equal((await runEdit(t, vm, editor('vnc-move', "s|port='5907'|port='5911'|"))).stderr, '');
      assert.equal(await vnc(), ':11\n\n');
      assert.equal((await runEdit(t, vm, editor('vnc-off', '\\|<graphics |,\\|</graphics>|d'))).stderr, '');
      assert.equal((await t.cli('vncdisplay', vm)).stderr, 'error: Failed to get VNC port. Is this domain using VNC?\n');
    });

    it('malformed XML is refused before anything is sent, and kept', async () => {
      const r = await runEdit(t, vm, editor('bad', 's|</domain>|<domain>|'));
      assert.equal(r.status, 1);
      const m = /; the edited XML is kept in (\S+)\n$/.exec(r.stderr);
      assert.ok(m && existsSync(m[1] as string), r.stderr);
      assert.match(r.stderr, /^error: /);
      assert.doesNotMatch(r.stderr, /\n./);
    });
  });

  describe(`consoles (${model}://)`, () => {
    let t: CliTarget;

    before(async () => {
      t = await startTarget(model);
    });
    after(async () => {
      await t?.stop();
    });

    it('vnc-enable picks the lowest free port of 5900-6105 on the host; vncdisplay and domdisplay show it', async () => {
      const vm = t.vms[0] as string;
      assert.equal((await t.cli('vncdisplay', vm)).stderr, 'error: Failed to get VNC port. Is this domain using VNC?\n');
      const host = model === 'esx' ? 'localhost.localdomain' : 'DC0_C0_H0';
      assert.deepEqual(await t.cli('vnc-enable', vm), { status: 0, stdout: `vnc://${host}:0\n`, stderr: '' });
      assert.deepEqual(await t.cli('vncdisplay', vm), { status: 0, stdout: ':0\n\n', stderr: '' });
      assert.deepEqual(await t.cli('domdisplay', vm), { status: 0, stdout: `vnc://${host}:0\n`, stderr: '' });
      // again: the VM keeps its port
      assert.equal((await t.cli('vnc-enable', vm)).stdout, `vnc://${host}:0\n`);
      const pw = join(tmp, `pw-${model}`);
      writeFileSync(pw, 'secret1\n');
      assert.equal((await t.cli('vnc-enable', vm, '--port', '5990', '--password-file', pw)).stdout, `vnc://${host}:90\n`);
      assert.equal((await t.cli('domdisplay', vm, '--include-password')).stdout, `vnc://:secret1@${host}:90\n`);
    });

    // the ESX model's host has two VMs (the vCenter host the CLI uses has one)
    if (model === 'esx')
      it('two VMs of one host never share a port', async () => {
        const [a, b] = t.vms as [string, string];
        assert.equal((await t.cli('vnc-enable', a, '--port', '5900')).status, 0);
        assert.equal((await t.cli('vnc-enable', b)).stdout, 'vnc://localhost.localdomain:1\n');
        assert.deepEqual(await t.cli('vnc-enable', a, '--port', '5901'), {
          status: 1,
          stdout: '\n',
          stderr: `error: VNC port 5901 is taken by domain '${b}' on the same host\n`,
        });
        assert.equal((await t.cli('vnc-enable', b, '--auto')).stdout, 'vnc://localhost.localdomain:1\n');
      });

    it('screenshot: a PNG of the running domain; the copy in its folder is gone; a stopped domain is refused', async () => {
      const vm = t.vms[0] as string;
      const out = join(tmp, `shot-${model}.png`);
      assert.deepEqual(await t.cli('screenshot', vm, out), {
        status: 0,
        stdout: `Screenshot saved to ${out}, with type of image/png\n`,
        stderr: '',
      });
      const png = readFileSync(out);
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const conn = await t.open();
      try {
        await assert.rejects(
          readDatastoreFile(conn.client, { datastore: 'LocalDS_0', path: `${vm}/${vm}-1.png`, dcPath: conn.host.datacenter.path }),
          /not found|404/i,
        );
      } finally {
        await conn.close();
      }
      assert.equal((await t.cli('destroy', vm)).status, 0);
      const r = await t.cli('screenshot', vm, out);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^error: could not take a screenshot of [^:]+: .*InvalidPowerState.*\n$/);
      assert.equal((await t.cli('start', vm)).status, 0);
    });
  });
}

/** Runs `edit VM` with EDITOR=`ed` (and no VISUAL) through the target's CLI. */
function runEdit(t: CliTarget, vm: string, ed: string): Promise<CliResult> {
  return runCli(['-c', t.uri, 'edit', vm], { env: { ...authEnv(t), VISUAL: '', EDITOR: ed } });
}

function authEnv(t: CliTarget): NodeJS.ProcessEnv {
  return { LIBVIRT_AUTH_FILE: t.authFile };
}

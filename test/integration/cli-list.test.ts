// list, domid, domname, domuuid through bin/esxvirt, on esx:// and vpx://DC0/DC0_C0/DC0_C0_H0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTarget, type CliTarget } from './cli-domain-support.js';

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI list and identities (${model}://)`, () => {
    let t: CliTarget;
    let vm: string;

    before(async () => {
      t = await startTarget(model);
      vm = t.vms[0] as string;
    });
    after(async () => {
      await t?.stop();
    });

    it('list shows running domains in virsh layout; --all adds shut-off ones; --inactive only those', async () => {
      const running = await t.cli('list');
      assert.equal(running.status, 0, running.stderr);
      const lines = running.stdout.split('\n');
      assert.match(lines[0] as string, /^ Id +Name +State$/);
      assert.match(lines[1] as string, /^-+$/);
      for (const name of t.vms) assert.match(running.stdout, new RegExp(`^ \\d+ +${name} +running$`, 'm'));
      assert.equal(running.stdout.slice(-2), '\n\n');

      assert.equal((await t.cli('destroy', vm)).status, 0);
      const all = await t.cli('list', '--all');
      assert.match(all.stdout, new RegExp(`^ - +${vm} +shut off$`, 'm'));
      assert.doesNotMatch((await t.cli('list')).stdout, new RegExp(vm));
      const inactive = await t.cli('list', '--inactive', '--name');
      assert.equal(inactive.stdout, `${vm}\n\n`);
      // active ones come first, ordered by id; inactive ones after, by name
      const rows = all.stdout.split('\n').slice(2).filter(Boolean);
      assert.equal(rows[rows.length - 1]?.includes(vm), true);
      assert.equal((await t.cli('start', vm)).status, 0);
    });

    it('--name, --uuid, --table and --json', async () => {
      const uuid = (await t.cli('domuuid', vm)).stdout.trim();
      assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const names = await t.cli('list', '--all', '--name');
      assert.deepEqual(names.stdout.trim().split('\n').sort(), [...t.vms].sort());
      const uuids = await t.cli('list', '--all', '--uuid');
      assert.ok(uuids.stdout.split('\n').includes(uuid));
      const both = await t.cli('list', '--all', '--uuid', '--name');
      assert.ok(both.stdout.split('\n').includes(`${uuid} ${vm}`));
      // as virsh 9.0: --table excludes --name and --uuid
      const table = await t.cli('list', '--all', '--name', '--table');
      assert.equal(table.status, 2);
      assert.equal(table.stderr, 'error: Options --table and --name are mutually exclusive\n');
      assert.match((await t.cli('list', '--all', '--table')).stdout, /^ Id +Name +State$/m);
      const json = JSON.parse((await t.cli('--json', 'list', '--all')).stdout) as {
        id: number | null;
        name: string;
        uuid: string;
        state: string;
      }[];
      const me = json.find((d) => d.name === vm);
      assert.ok(me && me.uuid === uuid && me.state === 'running' && typeof me.id === 'number');
    });

    it('domid, domname and domuuid look domains up by name, id or UUID, as virsh does', async () => {
      const id = (await t.cli('domid', vm)).stdout.trim();
      assert.match(id, /^\d+$/);
      const uuid = (await t.cli('domuuid', vm)).stdout.trim();
      assert.equal((await t.cli('domname', id)).stdout, `${vm}\n\n`);
      assert.equal((await t.cli('domname', uuid)).stdout, `${vm}\n\n`);
      assert.equal((await t.cli('domuuid', id)).stdout, `${uuid}\n\n`);
      assert.equal((await t.cli('domid', uuid)).stdout, `${id}\n\n`);
      const json = JSON.parse((await t.cli('--json', 'domid', vm)).stdout) as { id: number; name: string; uuid: string };
      assert.deepEqual(json, { id: Number(id), name: vm, uuid });
    });

    it('an unknown domain is one line and exit 1; a missing argument is a usage error', async () => {
      for (const cmd of ['domid', 'domname', 'domuuid']) {
        const r = await t.cli(cmd, 'no-such-vm');
        assert.equal(r.status, 1);
        assert.equal(r.stderr, "error: Domain not found: no domain with matching name 'no-such-vm'\n");
        // virsh ends every command it ran with an empty line, failed ones too
        assert.equal(r.stdout, '\n');
      }
      const bad = await t.cli('domid');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^error: command 'domid' requires <domain> option\n$/);
      const flag = await t.cli('list', '--bogus');
      assert.equal(flag.status, 2);
    });
  });
}

/**
 * A reconfiguration is applied once or not at all, whatever happens to its request (our simulator's drop endpoint
 * aimed at ReconfigVM_Task): lost before the server ran it (closed, reset, 503) → sent again; run but its answer
 * lost → recognised, not sent again; a session expired → renewed and repeated. And the server refuses a spec whole:
 * a bad device change with a rename leaves the name and the devices as they were.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../../src/driver/connect/connection.js';
import { applyConfigSpec, attachDisk, readVmConfig } from '../../src/driver/domain/index.js';
import { isA } from '../../src/vmconfig/index.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { simulatorUri, writeAuthConf } from './cli-support.js';

describe('reconfigurations converge after faults (our simulator)', () => {
  let sim: Simulator;
  let conn: Connection;
  const vm = 'ha-host_VM0';

  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
    conn = await Connection.open(simulatorUri(sim), { env: { ...process.env, LIBVIRT_AUTH_FILE: writeAuthConf() } });
    await (await import('../../src/driver/domain/index.js')).destroyDomain(conn, vm);
  });
  after(async () => {
    await conn?.close();
    await sim?.stop();
  });

  const disks = async (): Promise<string[]> =>
    ((await readVmConfig(conn, vm)).view.hardware?.device ?? [])
      .filter((d) => isA(d, 'VirtualDisk'))
      .map((d) => (d.backing as { fileName: string }).fileName)
      .sort();
  const sends = (): number => conn.client.stats.byMethod.ReconfigVM_Task ?? 0;

  const CASES: [string, Parameters<Simulator['dropNext']>[1], number][] = [
    ['connection closed before the server ran it: sent again', {}, 2],
    ['connection reset before the server ran it: sent again', { reset: true }, 2],
    ['503 before the server ran it: sent again', { status: 503 }, 2],
    ['run, then the connection closed: recognised, not sent again', { after: true }, 1],
    ['run, then a 503 instead of the answer: recognised, not sent again', { after: true, status: 503 }, 1],
  ];

  CASES.forEach(([what, how, expectedSends], i) => {
    it(`${what}; the disk is there once`, async () => {
      const before = await disks();
      const n = sends();
      await sim.dropNext(1, { ...how, method: 'ReconfigVM_Task' });
      await attachDisk(conn, vm, `fault${i}.vmdk`, `sd${String.fromCharCode(98 + i)}`, { sizeKiB: 1024 });
      assert.equal(sends() - n, expectedSends);
      assert.deepEqual(await disks(), [...before, `[LocalDS_0] ${vm}/fault${i}.vmdk`].sort());
      assert.equal((await sim.stats()).dropped > 0, true);
    });
  });

  it('a session that expired before the call: renewed, the call repeated once, the disk there once', async () => {
    const before = await disks();
    await sim.expireSessions();
    await attachDisk(conn, vm, 'expired.vmdk', 'sdi', { sizeKiB: 1024 });
    assert.deepEqual(await disks(), [...before, `[LocalDS_0] ${vm}/expired.vmdk`].sort());
  });

  it('a spec the server refuses in part is refused whole: name and devices unchanged', async () => {
    const cfg = await readVmConfig(conn, vm);
    const disk = (cfg.view.hardware?.device ?? []).find((d) => isA(d, 'VirtualDisk'));
    assert.ok(disk);
    const spec = {
      _type: 'VirtualMachineConfigSpec' as const,
      name: 'renamed',
      deviceChange: [
        { _type: 'VirtualDeviceConfigSpec' as const, operation: 'remove' as const, device: disk },
        { _type: 'VirtualDeviceConfigSpec' as const, operation: 'edit' as const, device: { ...disk, key: 99999 } },
      ],
    };
    await assert.rejects(applyConfigSpec(conn, cfg, spec, { what: 'test a bad spec', skipLiveCheck: true }), (e: Error) => {
      assert.match(
        e.message,
        /^cannot test a bad spec on domain 'ha-host_VM0': InvalidDeviceSpec: Invalid configuration for device '1'\.$/,
      );
      return true;
    });
    const after = await readVmConfig(conn, vm);
    assert.equal(after.view.name, vm);
    assert.deepEqual(
      (after.view.hardware?.device ?? []).map((d) => d.key),
      (cfg.view.hardware?.device ?? []).map((d) => d.key),
    );
    assert.equal(after.changeVersion, cfg.changeVersion);
  });

  it("the server's hot-plug rules: a running VM refuses an IDE disk sent past the client's check, whole", async () => {
    await (await import('../../src/driver/domain/index.js')).startDomain(conn, vm);
    const cfg = await readVmConfig(conn, vm);
    const ide = (cfg.view.hardware?.device ?? []).find((d) => isA(d, 'VirtualIDEController'));
    assert.ok(ide);
    const spec = {
      _type: 'VirtualMachineConfigSpec' as const,
      annotation: 'changed',
      deviceChange: [
        {
          _type: 'VirtualDeviceConfigSpec' as const,
          operation: 'add' as const,
          fileOperation: 'create' as const,
          device: {
            _type: 'VirtualDisk',
            key: -1,
            controllerKey: ide.key,
            unitNumber: 1,
            capacityInKB: 1024,
            backing: { _type: 'VirtualDiskFlatVer2BackingInfo', fileName: `[LocalDS_0] ${vm}/hot-ide.vmdk`, diskMode: 'persistent' },
          },
        },
      ],
    };
    await assert.rejects(applyConfigSpec(conn, cfg, spec, { what: 'hot-add an IDE disk', skipLiveCheck: true }), (e: Error) => {
      assert.match(
        e.message,
        /DeviceHotPlugNotSupported: The device or operation specified at index '0' is not supported for the current virtual machine power state\.$/,
      );
      return true;
    });
    const after = await readVmConfig(conn, vm);
    assert.equal(after.view.annotation ?? '', cfg.view.annotation ?? '');
    assert.equal(after.changeVersion, cfg.changeVersion);
  });
});

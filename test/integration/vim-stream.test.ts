// Streamed listings (forEachObject / Inventory.forEachVm) against the simulator: the same VMs in the same order as
// listVms with the same calls, pages requested ahead, the rest cancelled when the reader stops, dropped
// connections (a repeated first page; a lost continuation is one error, not a hang or a crash).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { VimClient } from '../../src/vim25/client.js';
import { VirtualMachineProps } from '../../src/vim25/generated/props.js';
import type { ObjectContent } from '../../src/vim25/generated/types.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { connectTo } from './support.js';

const delta = (c: VimClient, before: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [m, n] of Object.entries(c.stats.byMethod)) if (n !== (before[m] ?? 0)) out[m] = n - (before[m] ?? 0);
  return out;
};

const nameOf = (oc: ObjectContent): string => String(oc.propSet?.find((p) => p.name === 'name')?.val);

describe('streamed listings (ESX simulator, 45 VMs, pages of 10)', () => {
  let sim: Simulator;
  let c: VimClient;
  before(async () => {
    sim = await startSimulator({ model: 'esx', vms: 45, quiet: true });
    c = await connectTo(sim, { pageSize: 10 });
  });
  after(async () => {
    await c?.close();
    await sim?.stop();
  });

  it('forEachVm hands over the VMs listVms returns, in the same order, with the same calls', async () => {
    const paths = [VirtualMachineProps.name, VirtualMachineProps.powerState];
    let before = { ...c.stats.byMethod };
    const records = await c.inventory.listVms(paths);
    const listCalls = delta(c, before);
    before = { ...c.stats.byMethod };
    const streamed: ObjectContent[] = [];
    await c.inventory.forEachVm(paths, {}, (oc) => streamed.push(oc));
    assert.deepEqual(delta(c, before), listCalls);
    assert.deepEqual(listCalls, { RetrievePropertiesEx: 1, ContinueRetrievePropertiesEx: 4 });
    assert.deepEqual(
      streamed.map((oc) => oc.obj.value),
      records.map((r) => r.ref.value),
    );
    assert.deepEqual(
      streamed.map(nameOf),
      records.map((r) => r.props.name),
    );
    assert.equal(new Set(streamed.map((oc) => oc.obj.value)).size, 45);
  });

  it('a reader that stops early ends the listing; the rest is cancelled on the server', async () => {
    const before = { ...c.stats.byMethod };
    let n = 0;
    await assert.rejects(
      c.inventory.forEachVm([VirtualMachineProps.name], {}, () => {
        if (++n === 15) throw new RangeError('enough');
      }),
      RangeError,
    );
    // the page requested ahead is read up to its token, which is then cancelled (in the background)
    for (let i = 0; i < 50 && (delta(c, before).CancelRetrievePropertiesEx ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(delta(c, before), { RetrievePropertiesEx: 1, ContinueRetrievePropertiesEx: 2, CancelRetrievePropertiesEx: 1 });
    // the connection is still good
    assert.equal((await c.inventory.listVms([VirtualMachineProps.name])).length, 45);
  });

  it('findVmByName streams: it finds a VM on a later page', async () => {
    const ref = await c.inventory.findVmByName('ha-host_VM44');
    assert.equal(ref?.type, 'VirtualMachine');
    assert.equal(await c.inventory.findVmByName('no such VM'), undefined);
  });

  it('a dropped first page is repeated: every VM is handed over, at least once', async () => {
    await sim.dropNext(1);
    const seen = new Map<string, number>();
    await c.inventory.forEachVm([VirtualMachineProps.name], {}, (oc) => seen.set(oc.obj.value, (seen.get(oc.obj.value) ?? 0) + 1));
    assert.equal(seen.size, 45);
  });

  it('a dropped continuation (never executed) is repeated: the listing completes, each VM once', async () => {
    // The first two answers come late; the drop is armed meanwhile and hits the request for the third page, which
    // was sent ahead while the second page was still on its way.
    await sim.delayNext(300, 2);
    const before = { ...c.stats.byMethod };
    const retries = c.stats.retries;
    let armed: Promise<void> | undefined;
    const seen: string[] = [];
    await c.inventory.forEachVm([VirtualMachineProps.name], {}, (oc) => {
      armed ??= sim.dropNext(1);
      seen.push(oc.obj.value);
    });
    await armed;
    assert.equal(c.stats.retries - retries, 1);
    assert.equal((await sim.stats()).dropped >= 1, true);
    assert.deepEqual(delta(c, before), { RetrievePropertiesEx: 1, ContinueRetrievePropertiesEx: 5 });
    assert.equal(seen.length, 45);
    assert.equal(new Set(seen).size, 45);
  });
});

// Session renewal on the stock simulator (../shared/vcsim), whose proxy answers every Nth call with
// NotAuthenticated while the server still knows the session: a renewal must start a clean session (no stale
// cookie) and a call may need more than one renewal.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VimClient } from '../../src/vim25/client.js';
import { VirtualMachineProps as VmProps } from '../../src/vim25/generated/props.js';
import { startStockSimulator, type StockSimulator } from '../harness/stock-vcsim.js';

describe('session renewal on the stock simulator (an expired session every 3rd call)', () => {
  let sim: StockSimulator;
  before(async () => {
    sim = await startStockSimulator({ model: 'esx', faultExpire: 3 });
  });
  after(() => sim?.stop());

  it('every call succeeds; the renewals log in again with a clean session', async () => {
    const c = await VimClient.connect({ url: `https://127.0.0.1:${sim.port}/sdk`, username: 'user', password: 'pass', noVerify: true });
    try {
      for (let i = 0; i < 12; i++) {
        const vms = await c.inventory.listVms([VmProps.name, VmProps.powerState]);
        assert.equal(vms.length, 2);
      }
      assert.ok(c.stats.relogins >= 4, `relogins: ${c.stats.relogins}`);
      assert.equal(c.stats.byMethod.Login, c.stats.relogins + 1);
    } finally {
      await c.close();
    }
  });
});

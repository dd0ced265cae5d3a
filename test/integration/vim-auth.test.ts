import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { AuthError } from '../../src/errors.js';
import { VimClient } from '../../src/vim25/client.js';
import { vimFaultType } from '../../src/vim25/faults.js';
import { startCredentialSimulator, type CredentialSimulator } from './support.js';

const PASSWORD = 'Corr3ct<Horse>&"Battery"';

describe('vim25 authentication against a simulator with one valid login', () => {
  let sim: CredentialSimulator;
  before(async () => {
    sim = await startCredentialSimulator('root', PASSWORD);
  });
  after(() => sim?.stop());

  it('logs in with the right password (XML-special characters included)', async () => {
    const c = await VimClient.connect({ url: sim.url, username: 'root', password: PASSWORD, thumbprint: sim.thumbprint });
    assert.equal(c.userSession?.userName, 'root');
    // The password is held privately: not visible when the client is inspected or serialised.
    assert.ok(!inspect(c, { depth: 5 }).includes(PASSWORD));
    await c.close();
  });

  it('turns InvalidLogin into AuthError "authentication failed for USER@HOST" without the password', async () => {
    const secret = 'wr0ng-S3cret!';
    const err = await VimClient.connect({ url: sim.url, username: 'root', password: secret, thumbprint: sim.thumbprint }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof AuthError, String(err));
    assert.match(err.message, /^authentication failed for root@127\.0\.0\.1:\d+$/);
    assert.equal(vimFaultType(err), 'InvalidLogin');
    assert.ok(!inspect(err, { depth: 10 }).includes(secret));
    assert.ok(!JSON.stringify(err).includes(secret));
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, ConnectionError, InvalidStateError, TlsError } from '../../src/errors.js';
import { VimClient } from '../../src/vim25/client.js';
import { CurrentTime } from '../../src/vim25/generated/methods.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { unusedPort } from '../helpers/test-server.js';
import { connectTo } from './support.js';

describe('vim25 connect: TLS policy, login and logout (ESX simulator)', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
  });
  after(() => sim?.stop());

  const base = (): { url: string; username: string; password: string } => ({ url: sim.url, username: 'user', password: 'pass' });

  it('verifies TLS by default: the self-signed simulator is refused with a hint at no_verify=1', async () => {
    const err = await VimClient.connect(base()).catch((e: unknown) => e);
    assert.ok(err instanceof TlsError, String(err));
    assert.match(err.message, /no_verify=1/);
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${sim.port}`));
  });

  it('accepts the certificate when its SHA-1 or SHA-256 thumbprint is pinned, refuses another pin', async () => {
    for (const thumbprint of [sim.thumbprint, sim.sha256, sim.thumbprint.replace(/:/g, '').toLowerCase()]) {
      const c = await VimClient.connect({ ...base(), thumbprint });
      assert.equal(c.serviceContent.about.apiType, 'HostAgent');
      await c.close();
    }
    const wrong = sim.thumbprint.replace(/^../, sim.thumbprint.startsWith('00') ? '11' : '00');
    await assert.rejects(VimClient.connect({ ...base(), thumbprint: wrong }), TlsError);
  });

  it('accepts the certificate from a CA file, or anything with noVerify', async () => {
    const a = await VimClient.connect({ ...base(), caFile: sim.certPath });
    await a.close();
    const b = await VimClient.connect({ ...base(), noVerify: true });
    assert.equal(b.isVCenter, false);
    await b.close();
  });

  it('logs in with the vmware_soap_session cookie and logs out on close', async () => {
    const before = (await sim.sessions()).length;
    const c = await connectTo(sim);
    assert.match(c.transport.getSessionCookie() ?? '', /.+/);
    assert.equal(c.userSession?.userName, 'user');
    assert.equal((await sim.sessions()).length, before + 1);
    assert.ok((await CurrentTime(c.soap, c.serviceInstance)) instanceof Date);
    assert.deepEqual(c.stats.byMethod, { RetrieveServiceContent: 1, Login: 1, CurrentTime: 1 });
    await c.close();
    assert.equal((await sim.sessions()).length, before);
    assert.ok(c.closed);
    await assert.rejects(CurrentTime(c.soap, c.serviceInstance), InvalidStateError);
    await c.close();
  });

  it('reports refused credentials as AuthError naming user and host, never the password', async () => {
    // vcsim refuses an empty password even without a configured login.
    const err = await VimClient.connect({ ...base(), thumbprint: sim.thumbprint, username: 'admin', password: '' }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof AuthError, String(err));
    assert.equal(err.message, `authentication failed for admin@127.0.0.1:${sim.port}`);
    assert.equal(err.code, 'AuthFailed');
  });

  it('fails fast when nothing listens: the first contact is retried twice, not api_retry_count times', async () => {
    const port = await unusedPort();
    const started = Date.now();
    const err = await VimClient.connect({ url: `https://127.0.0.1:${port}`, username: 'u', password: 'p', retryDelayMs: 100 }).catch(
      (e: unknown) => e,
    );
    assert.ok(err instanceof ConnectionError, String(err));
    assert.match(err.message, /connection refused/);
    assert.ok(Date.now() - started < 5000);
  });
});

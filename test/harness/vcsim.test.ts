import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { startSimulator, type Simulator } from './vcsim.js';

interface SoapReply {
  status: number;
  text: string;
  cookie: string | undefined;
  peer?: { fingerprint: string; fingerprint256: string };
}

const ENV_OPEN =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENV_CLOSE = '</soapenv:Body></soapenv:Envelope>';

// Plain node:https on purpose: the harness must not depend on the client it exists to test.
function soap(
  sim: Simulator,
  body: string,
  cookie?: string,
  tlsOpts: https.RequestOptions = { rejectUnauthorized: false },
): Promise<SoapReply> {
  const payload = ENV_OPEN + body + ENV_CLOSE;
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'urn:vim25/6.5' };
  if (cookie) headers.Cookie = cookie;
  return new Promise((resolve, reject) => {
    const onRes = (res: http.IncomingMessage): void => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (text += s));
      res.on('end', () => {
        const set = res.headers['set-cookie']?.[0]?.split(';')[0];
        const sock = res.socket as TLSSocket;
        const peer = sim.tls ? sock.getPeerCertificate?.() : undefined;
        resolve({
          status: res.statusCode ?? 0,
          text,
          cookie: set ?? cookie,
          peer: peer && { fingerprint: peer.fingerprint, fingerprint256: peer.fingerprint256 },
        });
      });
    };
    const opts = { method: 'POST', headers, agent: false as const };
    const req = sim.tls ? https.request(sim.url, { ...opts, ...tlsOpts }, onRes) : http.request(sim.url, opts, onRes);
    req.on('error', reject);
    req.end(payload);
  });
}

const moref = (type: string, value: string, tag = '_this'): string => `<${tag} type="${type}">${value}</${tag}>`;
const first = (text: string, re: RegExp): string => {
  const m = re.exec(text);
  assert.ok(m?.[1] !== undefined, `no match for ${re} in ${text.slice(0, 400)}`);
  return m[1];
};
const faultType = (text: string): string => first(text, /xsi:type="(\w+)"/);

async function serviceContent(sim: Simulator): Promise<Record<string, string>> {
  const r = await soap(
    sim,
    `<RetrieveServiceContent xmlns="urn:vim25">${moref('ServiceInstance', 'ServiceInstance')}</RetrieveServiceContent>`,
  );
  assert.equal(r.status, 200);
  const pick = (tag: string): string => first(r.text, new RegExp(`<${tag} type="\\w+">([^<]+)</${tag}>`));
  return { pc: pick('propertyCollector'), sm: pick('sessionManager'), vm: pick('viewManager'), root: pick('rootFolder') };
}

async function login(sim: Simulator, sc: Record<string, string>): Promise<string> {
  const r = await soap(
    sim,
    `<Login xmlns="urn:vim25">${moref('SessionManager', sc.sm ?? '')}<userName>u</userName><password>p</password></Login>`,
  );
  assert.equal(r.status, 200, r.text);
  assert.ok(r.cookie);
  return r.cookie;
}

function retrieve(pc: string, type: string, paths: string[], objs: string, maxObjects = 0): string {
  const props = paths.map((p) => `<pathSet>${p}</pathSet>`).join('');
  const opts = maxObjects > 0 ? `<maxObjects>${maxObjects}</maxObjects>` : '';
  return `<RetrievePropertiesEx xmlns="urn:vim25">${moref('PropertyCollector', pc)}<specSet><propSet><type>${type}</type>${props}</propSet>${objs}</specSet><options>${opts}</options></RetrievePropertiesEx>`;
}

function viewObjects(view: string): string {
  return `<objectSet>${moref('ContainerView', view, 'obj')}<skip>true</skip><selectSet xsi:type="TraversalSpec"><name>v</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet>`;
}

async function allVms(sim: Simulator, sc: Record<string, string>, cookie: string): Promise<string> {
  const r = await soap(
    sim,
    `<CreateContainerView xmlns="urn:vim25">${moref('ViewManager', sc.vm ?? '')}${moref('Folder', sc.root ?? '', 'container')}<type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>`,
    cookie,
  );
  return first(r.text, /type="ContainerView">([^<]+)</);
}

async function taskInfo(sim: Simulator, pc: string, cookie: string, task: string): Promise<string> {
  const r = await soap(sim, retrieve(pc, 'Task', ['info'], `<objectSet>${moref('Task', task, 'obj')}</objectSet>`), cookie);
  assert.equal(r.status, 200, r.text);
  return r.text;
}

const call = (method: string, type: string, value: string, rest = ''): string =>
  `<${method} xmlns="urn:vim25">${moref(type, value)}${rest}</${method}>`;

describe('vcsim harness: ESX model over HTTPS', () => {
  let sim: Simulator;
  let sc: Record<string, string>;
  before(async () => {
    sim = await startSimulator({ model: 'esx', quiet: true });
    sc = await serviceContent(sim);
  });
  after(() => sim?.stop());

  it('reports an endpoint whose certificate matches the reported thumbprints', async () => {
    assert.match(sim.url, /^https:\/\/127\.0\.0\.1:\d+\/sdk$/);
    assert.equal(sim.model, 'esx');
    assert.equal(sim.vms, 2);
    assert.match(sim.thumbprint, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.ok(existsSync(sim.certPath));
    // Verified against the PEM as CA: the certificate names 127.0.0.1.
    const r = await soap(sim, call('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance'), undefined, {
      ca: readFileSync(sim.certPath),
    });
    assert.equal(r.status, 200);
    assert.match(r.text, /<RetrieveServiceContentResponse xmlns="urn:vim25">/);
    assert.match(r.text, /<apiType>HostAgent<\/apiType>/);
    assert.equal(r.peer?.fingerprint, sim.thumbprint);
    assert.equal(r.peer?.fingerprint256, sim.sha256);
  });

  it('pages RetrievePropertiesEx by maxObjects and continues by token', async () => {
    const cookie = await login(sim, sc);
    const view = await allVms(sim, sc, cookie);
    const page1 = await soap(sim, retrieve(sc.pc ?? '', 'VirtualMachine', ['name'], viewObjects(view), 1), cookie);
    assert.equal(page1.status, 200, page1.text);
    const token = first(page1.text, /<token>([^<]+)<\/token>/);
    assert.equal(page1.text.match(/<objects>/g)?.length, 1);
    const cont = call('ContinueRetrievePropertiesEx', 'PropertyCollector', sc.pc ?? '', `<token>${token}</token>`);
    const page2 = await soap(sim, cont, cookie);
    assert.equal(page2.status, 200, page2.text);
    assert.equal(page2.text.match(/<objects>/g)?.length, 1);
    assert.doesNotMatch(page2.text, /<token>/);
    const names = [page1.text, page2.text].map((t) => first(t, /xsd:string">([^<]+)</)).sort();
    assert.deepEqual(names, ['ha-host_VM0', 'ha-host_VM1']);
    const reused = await soap(sim, cont, cookie);
    assert.equal(reused.status, 500);
    assert.equal(faultType(reused.text), 'InvalidArgument');
  });

  it('drops, fails and delays SOAP requests on demand', async () => {
    const before = await sim.stats();
    await sim.dropNext(1);
    await assert.rejects(soap(sim, call('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance')), /socket hang up|ECONNRESET/);
    await sim.dropNext(1, { reset: true });
    await assert.rejects(soap(sim, call('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance')), /ECONNRESET|socket hang up/);
    await sim.dropNext(1, { status: 503 });
    assert.equal((await soap(sim, call('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance'))).status, 503);
    await sim.delayNext(300, 1);
    const t0 = Date.now();
    assert.equal((await soap(sim, call('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance'))).status, 200);
    assert.ok(Date.now() - t0 >= 290);
    const afterStats = await sim.stats();
    assert.equal(afterStats.dropped - before.dropped, 3);
    await assert.rejects(sim.control('no-such-endpoint'), /HTTP 404/);
  });

  it('expires sessions: by control endpoint and by TerminateSession from another session', async () => {
    const a = await login(sim, sc);
    const probe = retrieve(sc.pc ?? '', 'Folder', ['name'], `<objectSet>${moref('Folder', sc.root ?? '', 'obj')}</objectSet>`);
    assert.equal((await soap(sim, probe, a)).status, 200);
    assert.ok((await sim.sessions()).some((s) => a.endsWith(s.key)));
    assert.ok((await sim.expireSessions()) >= 1);
    const dead = await soap(sim, probe, a);
    assert.equal(dead.status, 500);
    assert.equal(faultType(dead.text), 'NotAuthenticated');

    const first1 = await login(sim, sc);
    const second = await login(sim, sc);
    const key = first1.split('=')[1] ?? '';
    const term = await soap(sim, call('TerminateSession', 'SessionManager', sc.sm ?? '', `<sessionId>${key}</sessionId>`), second);
    assert.equal(term.status, 200, term.text);
    const gone = await soap(sim, probe, first1);
    assert.equal(faultType(gone.text), 'NotAuthenticated');
    assert.equal((await soap(sim, probe, second)).status, 200);
  });
});

describe('vcsim harness: VPX model, questions, CancelTask, autostart', () => {
  let sim: Simulator;
  let sc: Record<string, string>;
  let cookie: string;
  before(async () => {
    sim = await startSimulator({ model: 'vpx', vms: 3, quiet: true });
    sc = await serviceContent(sim);
    cookie = await login(sim, sc);
  });
  after(() => sim?.stop());

  async function vmMoid(name: string): Promise<string> {
    const view = await allVms(sim, sc, cookie);
    const r = await soap(sim, retrieve(sc.pc ?? '', 'VirtualMachine', ['name'], viewObjects(view)), cookie);
    return first(r.text, new RegExp(`<obj type="VirtualMachine">([^<]+)</obj><propSet><name>name</name><val[^>]*>${name}<`));
  }

  async function powerOffThenOn(moid: string): Promise<string> {
    await soap(sim, call('PowerOffVM_Task', 'VirtualMachine', moid), cookie);
    const r = await soap(sim, call('PowerOnVM_Task', 'VirtualMachine', moid), cookie);
    return first(r.text, /<returnval type="Task">([^<]+)</);
  }

  it('counts the inventory it was asked for', () => {
    assert.equal(sim.model, 'vpx');
    assert.equal(sim.vms, 6); // one standalone host and one cluster, 3 VMs each
    assert.equal(sim.hosts, 4);
  });

  it('blocks power-on on a question until CancelTask, when made cancelable', async () => {
    const moid = await vmMoid('DC0_H0_VM0');
    await sim.armQuestion('DC0_H0_VM0', { kind: 'serial', cancelable: true });
    const task = await powerOffThenOn(moid);
    assert.match(await taskInfo(sim, sc.pc ?? '', cookie, task), /<state>running<\/state>.*<cancelable>true<\/cancelable>/);
    const q = await soap(
      sim,
      retrieve(sc.pc ?? '', 'VirtualMachine', ['runtime.question'], `<objectSet>${moref('VirtualMachine', moid, 'obj')}</objectSet>`),
      cookie,
    );
    assert.match(q.text, /<id>msg\.serial\.file\.open<\/id>/);
    assert.match(q.text, /<defaultIndex>1<\/defaultIndex>/);
    const again = await soap(sim, call('PowerOnVM_Task', 'VirtualMachine', moid), cookie);
    assert.match(await taskInfo(sim, sc.pc ?? '', cookie, first(again.text, /"Task">([^<]+)</)), /TaskInProgress/);
    const cancel = await soap(sim, call('CancelTask', 'Task', task), cookie);
    assert.equal(cancel.status, 200, cancel.text);
    const info = await taskInfo(sim, sc.pc ?? '', cookie, task);
    assert.match(info, /<state>error<\/state>/);
    assert.match(info, /RequestCanceled/);
    const { answered, pending } = await sim.questions();
    assert.equal(pending.length, 0);
    assert.equal(answered.at(-1)?.outcome, 'canceled');
    const done = await soap(sim, call('CancelTask', 'Task', task), cookie);
    assert.equal(faultType(done.text), 'InvalidState');
  });

  it('asks VMs named question-* and powers on after AnswerVM; CancelTask is refused', async () => {
    const moid = await vmMoid('DC0_H0_VM1');
    const renamed = await soap(sim, call('Rename_Task', 'VirtualMachine', moid, '<newName>question-vm1</newName>'), cookie);
    assert.equal(renamed.status, 200, renamed.text);
    const task = await powerOffThenOn(moid);
    const q = await soap(
      sim,
      retrieve(
        sc.pc ?? '',
        'VirtualMachine',
        ['runtime.question', 'config.uuid'],
        `<objectSet>${moref('VirtualMachine', moid, 'obj')}</objectSet>`,
      ),
      cookie,
    );
    const qid = first(q.text, /<val[^>]*VirtualMachineQuestionInfo"><id>([^<]+)</);
    const uuid = first(q.text, /<name>config\.uuid<\/name><val[^>]*>([^<]+)</);
    assert.match(q.text, /msg\.uuid\.altered/);
    const refused = await soap(sim, call('CancelTask', 'Task', task), cookie);
    assert.equal(faultType(refused.text), 'NotSupported');
    const bad = await soap(
      sim,
      call('AnswerVM', 'VirtualMachine', moid, `<questionId>${qid}</questionId><answerChoice>9</answerChoice>`),
      cookie,
    );
    assert.equal(faultType(bad.text), 'InvalidArgument');
    const ok = await soap(
      sim,
      call('AnswerVM', 'VirtualMachine', moid, `<questionId>${qid}</questionId><answerChoice>2</answerChoice>`),
      cookie,
    );
    assert.equal(ok.status, 200, ok.text);
    assert.match(await taskInfo(sim, sc.pc ?? '', cookie, task), /<state>success<\/state>/);
    const after = await soap(
      sim,
      retrieve(
        sc.pc ?? '',
        'VirtualMachine',
        ['runtime.question', 'runtime.powerState', 'config.uuid'],
        `<objectSet>${moref('VirtualMachine', moid, 'obj')}</objectSet>`,
      ),
      cookie,
    );
    assert.doesNotMatch(after.text, /runtime\.question/);
    assert.match(after.text, />poweredOn</);
    assert.notEqual(first(after.text, /<name>config\.uuid<\/name><val[^>]*>([^<]+)</), uuid); // "I copied it"
    const last = (await sim.questions()).answered.at(-1);
    assert.deepEqual([last?.choice, last?.label, last?.default, last?.outcome], ['2', 'I copied it', true, 'poweredOn']);
  });

  it('delivers updates to every session waiting on the root PropertyCollector', async () => {
    const moid = await vmMoid('DC0_C0_RP0_VM1');
    const other = await login(sim, sc);
    const filter = `<CreateFilter xmlns="urn:vim25">${moref('PropertyCollector', sc.pc ?? '')}<spec><propSet><type>VirtualMachine</type><pathSet>runtime.powerState</pathSet></propSet><objectSet>${moref('VirtualMachine', moid, 'obj')}</objectSet></spec><partialUpdates>false</partialUpdates></CreateFilter>`;
    const wait = (version: string): string =>
      `<WaitForUpdatesEx xmlns="urn:vim25">${moref('PropertyCollector', sc.pc ?? '')}<version>${version}</version><options><maxWaitSeconds>5</maxWaitSeconds></options></WaitForUpdatesEx>`;
    for (const c of [cookie, other]) {
      assert.equal((await soap(sim, filter, c)).status, 200);
      assert.match((await soap(sim, wait(''), c)).text, /<version>([^<]+)<\/version>/);
    }
    const pending = soap(sim, wait('-'), cookie); // the first session, registered before the other
    await soap(sim, call('PowerOffVM_Task', 'VirtualMachine', moid), other);
    const r = await pending;
    assert.match(r.text, new RegExp(`<obj type="VirtualMachine">${moid}</obj><changeSet><name>runtime.powerState</name>`));
  });

  it('implements RebootGuest (VMware Tools required, as on ESX) and ReconfigureAutostart', async () => {
    const moid = await vmMoid('DC0_C0_RP0_VM0');
    const refused = await soap(sim, call('RebootGuest', 'VirtualMachine', moid), cookie);
    assert.equal(refused.status, 500, refused.text);
    assert.match(refused.text, /xsi:type="ToolsUnavailable"/);
    const tools =
      '<spec><extraConfig><key>SET.guest.toolsRunningStatus</key><value xsi:type="xsd:string">guestToolsRunning</value></extraConfig></spec>';
    assert.equal((await soap(sim, call('ReconfigVM_Task', 'VirtualMachine', moid, tools), cookie)).status, 200);
    const reboot = await soap(sim, call('RebootGuest', 'VirtualMachine', moid), cookie);
    assert.equal(reboot.status, 200, reboot.text);
    const hostR = await soap(
      sim,
      retrieve(sc.pc ?? '', 'VirtualMachine', ['runtime.host'], `<objectSet>${moref('VirtualMachine', moid, 'obj')}</objectSet>`),
      cookie,
    );
    const host = first(hostR.text, /type="HostSystem">([^<]+)</);
    const cfgR = await soap(
      sim,
      retrieve(sc.pc ?? '', 'HostSystem', ['configManager.autoStartManager'], `<objectSet>${moref('HostSystem', host, 'obj')}</objectSet>`),
      cookie,
    );
    const mgr = first(cfgR.text, /type="HostAutoStartManager">([^<]+)</);
    const spec = `<spec><defaults><enabled>true</enabled></defaults><powerInfo>${moref('VirtualMachine', moid, 'key')}<startOrder>1</startOrder><startDelay>-1</startDelay><waitForHeartbeat>systemDefault</waitForHeartbeat><startAction>powerOn</startAction><stopDelay>-1</stopDelay><stopAction>systemDefault</stopAction></powerInfo></spec>`;
    const rec = await soap(sim, call('ReconfigureAutostart', 'HostAutoStartManager', mgr, spec), cookie);
    assert.equal(rec.status, 200, rec.text);
    const cfg = await soap(
      sim,
      retrieve(sc.pc ?? '', 'HostAutoStartManager', ['config'], `<objectSet>${moref('HostAutoStartManager', mgr, 'obj')}</objectSet>`),
      cookie,
    );
    assert.match(cfg.text, /<enabled>true<\/enabled>/);
    assert.match(cfg.text, new RegExp(`<key type="VirtualMachine">${moid}</key><startOrder>1</startOrder>`));
  });
});

describe('vcsim harness: startup failures', () => {
  it("rejects with the launcher's stderr when it cannot start", async () => {
    await assert.rejects(startSimulator({ model: 'esx', datastores: 0 }), (e: Error) => {
      assert.equal(e.name, 'OperationError');
      assert.match(e.message, /exited before starting \(code 1.*needs -vms 0/);
      return true;
    });
  });
});

describe('vcsim harness: plain HTTP', () => {
  it('serves /sdk without TLS when asked', async () => {
    const sim = await startSimulator({ model: 'esx', tls: false, vms: 0, quiet: true });
    try {
      assert.match(sim.url, /^http:\/\/127\.0\.0\.1:\d+\/sdk$/);
      assert.equal(sim.thumbprint, '');
      assert.equal(sim.vms, 0);
      const r = await soap(sim, call('RetrieveServiceContent', 'ServiceInstance', 'ServiceInstance'));
      assert.equal(r.status, 200);
      await sim.setPageSize(5);
      assert.equal((await sim.stats()).pageSize, 5);
    } finally {
      await sim.stop();
    }
    assert.throws(() => process.kill(sim.pid, 0));
  });
});

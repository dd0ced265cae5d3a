/**
 * The launcher's migration behaviour (test/harness/README.md, "Migration"), checked with raw SOAP so the harness
 * does not depend on the client it exists to test: RelocateVM_Task and MigrateVM_Task that run over time with
 * progress, can be cancelled, move files and refuse per the vSphere API reference; the provisioning checker,
 * QueryVMotionCompatibility, RecommendHostsForVm; host capability; the lab's shape; method-aimed faults; ESX
 * endpoints standing for a vCenter host.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { startMigrationLab, type MigrationLab } from './migration-lab.js';

const ENV = (body: string): string =>
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
const ref = (type: string, value: string, tag = '_this'): string => `<${tag} type="${type}">${value}</${tag}>`;

describe('launcher: migration', () => {
  let lab: MigrationLab;
  let cookie = '';
  let port = 0;

  /** One SOAP call (urn:vim25), with the session cookie. */
  function call(url: string, method: string, inner: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'POST',
          rejectUnauthorized: false,
          agent: false,
          headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: 'urn:vim25/6.5', ...(cookie ? { Cookie: cookie } : {}) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (s: string) => (text += s));
          res.on('end', () => {
            const set = res.headers['set-cookie']?.[0]?.split(';')[0];
            if (set) cookie = set;
            resolve({ status: res.statusCode ?? 0, text });
          });
        },
      );
      req.on('error', reject);
      req.end(ENV(`<${method} xmlns="urn:vim25">${inner}</${method}>`));
    });
  }
  const sdk = (method: string, inner: string) => call(lab.sim.url, method, inner);
  const value = (text: string, re: RegExp): string => {
    const m = re.exec(text);
    assert.ok(m?.[1] !== undefined, `no ${re} in ${text.slice(0, 600)}`);
    return m[1];
  };
  /** Reads one property of one object. */
  async function get(type: string, moid: string, path: string): Promise<string> {
    const r = await sdk(
      'RetrievePropertiesEx',
      `${ref('PropertyCollector', 'propertyCollector')}<specSet><propSet><type>${type}</type><pathSet>${path}</pathSet></propSet>` +
        `<objectSet>${ref(type, moid, 'obj')}</objectSet></specSet><options/>`,
    );
    return r.text;
  }
  const taskInfo = async (task: string): Promise<{ state: string; progress?: number; text: string }> => {
    const text = await get('Task', task, 'info');
    const p = /<progress>(\d+)<\/progress>/.exec(text);
    return { state: value(text, /<state>(\w+)<\/state>/), ...(p ? { progress: Number(p[1]) } : {}), text };
  };
  async function settle(task: string): Promise<{ state: string; text: string; seen: number[] }> {
    const seen: number[] = [];
    for (;;) {
      const i = await taskInfo(task);
      if (i.progress !== undefined && !seen.includes(i.progress)) seen.push(i.progress);
      if (i.state === 'success' || i.state === 'error') return { state: i.state, text: i.text, seen };
      await new Promise((r) => setTimeout(r, 40));
    }
  }
  let hosts: Record<string, string> = {};
  const vmRef = async (name: string, host: string): Promise<string> => (await lab.createVm({ name, host })).vm;
  const relocate = async (vm: string, spec: string): Promise<string> =>
    value((await sdk('RelocateVM_Task', `${ref('VirtualMachine', vm)}<spec>${spec}</spec>`)).text, /<returnval type="Task">([^<]+)</);

  before(async () => {
    lab = await startMigrationLab({ migrateMs: 500 });
    port = lab.sim.port;
    await sdk('Login', `${ref('SessionManager', 'SessionManager')}<userName>u</userName><password>p</password>`);
    // host names → moids, through a container view
    const view = await sdk(
      'CreateContainerView',
      `${ref('ViewManager', 'ViewManager')}${ref('Folder', 'group-d1', 'container')}<type>HostSystem</type><recursive>true</recursive>`,
    );
    const v = value(view.text, /<returnval type="ContainerView">([^<]+)</);
    const all = await sdk(
      'RetrievePropertiesEx',
      `${ref('PropertyCollector', 'propertyCollector')}<specSet><propSet><type>HostSystem</type><pathSet>name</pathSet></propSet>` +
        `<objectSet>${ref('ContainerView', v, 'obj')}<skip>true</skip><selectSet xsi:type="TraversalSpec"><name>v</name><type>ContainerView</type><path>view</path></selectSet></objectSet></specSet><options/>`,
    );
    hosts = Object.fromEntries(
      [...all.text.matchAll(/<obj type="HostSystem">([^<]+)<\/obj><propSet><name>name<\/name><val[^>]*>([^<]+)</g)].map((m) => [
        m[2],
        m[1],
      ]),
    );
    assert.equal(Object.keys(hosts).length, 6, all.text.slice(0, 500));
  });
  after(() => lab?.stop());

  it('the lab: hosts report capability.vmotionSupported (DC0_C1_H1 not); DC0_C1_H2 does not mount LocalDS_1', async () => {
    assert.match(await get('HostSystem', hosts.DC0_C0_H0 as string, 'capability'), /<vmotionSupported>true<\/vmotionSupported>/);
    assert.match(await get('HostSystem', hosts.DC0_C1_H1 as string, 'capability'), /<vmotionSupported>false<\/vmotionSupported>/);
    assert.match(await get('HostSystem', hosts.DC0_C1_H2 as string, 'datastore'), /LocalDS_0/);
    assert.doesNotMatch(await get('HostSystem', hosts.DC0_C1_H2 as string, 'datastore'), /LocalDS_1/);
  });

  it('RelocateVM_Task runs over time with advancing progress, lists itself in recentTask, moves the files', async () => {
    const vm = await vmRef('h1', 'DC0_C0_H0');
    const ds1 = value(
      await get('HostSystem', hosts.DC0_C0_H1 as string, 'datastore'),
      /(datastore-[^<]*LocalDS_1[^<]*|[^>]*LocalDS_1[^<]*)</,
    );
    const task = await relocate(vm, `${ref('Datastore', ds1, 'datastore')}${ref('HostSystem', hosts.DC0_C0_H1 as string, 'host')}`);
    const info = await taskInfo(task);
    assert.equal(info.state, 'running');
    assert.match(info.text, /<name>RelocateVM_Task<\/name>/);
    assert.match(info.text, /<cancelable>true<\/cancelable>/);
    assert.match(await get('VirtualMachine', vm, 'recentTask'), new RegExp(`>${task}<`));
    const done = await settle(task);
    assert.equal(done.state, 'success');
    assert.ok(done.seen.length >= 3, `progress values seen: ${done.seen.join(',')}`);
    assert.match(await get('VirtualMachine', vm, 'config.files.vmPathName'), /\[LocalDS_1\] h1\/h1\.vmx/);
    assert.match(await get('VirtualMachine', vm, 'runtime.host'), new RegExp(`>${hosts.DC0_C0_H1}<`));
    assert.deepEqual(readdirSync(join(lab.datastoreDir('LocalDS_1'), 'h1')).sort(), [
      'disk1-flat.vmdk',
      'disk1.vmdk',
      'h1.nvram',
      'h1.vmx',
      'vmware.log',
    ]);
    assert.equal(existsSync(join(lab.datastoreDir('LocalDS_0'), 'h1')), false);
  });

  it('CancelTask mid-way: RequestCanceled, nothing moved; a second move while one runs: TaskInProgress', async () => {
    const vm = await vmRef('h2', 'DC0_C0_H0');
    const task = await relocate(vm, ref('HostSystem', hosts.DC0_C0_H2 as string, 'host'));
    const second = await relocate(vm, ref('HostSystem', hosts.DC0_C0_H1 as string, 'host'));
    const s2 = await settle(second);
    assert.equal(s2.state, 'error');
    assert.match(s2.text, /TaskInProgress/);
    await new Promise((r) => setTimeout(r, 150));
    await sdk('CancelTask', ref('Task', task));
    const done = await settle(task);
    assert.equal(done.state, 'error');
    assert.match(done.text, /RequestCanceled/);
    assert.match(done.text, /<cancelled>true<\/cancelled>/);
    assert.match(await get('VirtualMachine', vm, 'runtime.host'), new RegExp(`>${hosts.DC0_C0_H0}<`));
    const again = await sdk('CancelTask', ref('Task', task));
    assert.match(again.text, /InvalidState/);
  });

  it('refusals as the API reference documents them', async () => {
    const net = (await lab.createVm({ name: 'h3', host: 'DC0_C0_H0', network: 'Lab Isolated' })).vm;
    const a = await settle(await relocate(net, ref('HostSystem', hosts.DC0_C0_H2 as string, 'host')));
    assert.match(a.text, /CannotAccessNetwork/);
    const off = (await lab.createVm({ name: 'h4', host: 'DC0_C0_H0', power: 'off' })).vm;
    const m = await sdk(
      'MigrateVM_Task',
      `${ref('VirtualMachine', off)}${ref('HostSystem', hosts.DC0_C0_H1 as string, 'host')}<priority>defaultPriority</priority><state>poweredOn</state>`,
    );
    const b = await settle(value(m.text, /<returnval type="Task">([^<]+)</));
    assert.match(b.text, /InvalidPowerState/);
    const live = await vmRef('h5', 'DC0_C1_H0');
    const c = await settle(await relocate(live, ref('HostSystem', hosts.DC0_C1_H1 as string, 'host')));
    assert.match(c.text, /VMotionNotSupported/);
    // a pool of another compute resource is needed with its host
    const d = await settle(await relocate(live, ref('HostSystem', hosts.DC0_C0_H1 as string, 'host')));
    assert.match(d.text, /InvalidArgument/);
    // a file in the way at the destination: FileAlreadyExists, and nothing moved
    const e1 = await vmRef('h6', 'DC0_C0_H0');
    mkdirSync(join(lab.datastoreDir('LocalDS_1'), 'h6'));
    writeFileSync(join(lab.datastoreDir('LocalDS_1'), 'h6', 'h6.vmx'), '');
    const ds1 = value(await get('HostSystem', hosts.DC0_C0_H0 as string, 'datastore'), /([^>]*LocalDS_1[^<]*)</);
    const e = await settle(await relocate(e1, ref('Datastore', ds1, 'datastore')));
    assert.match(e.text, /FileAlreadyExists/);
    assert.ok(existsSync(join(lab.datastoreDir('LocalDS_0'), 'h6', 'h6.vmx')));
  });

  it('the provisioning checker, QueryVMotionCompatibility and RecommendHostsForVm', async () => {
    const vm = (await lab.createVm({ name: 'h7', host: 'DC0_C0_H0', network: 'Lab Isolated', connected: false })).vm;
    const cluster = value(await get('HostSystem', hosts.DC0_C1_H0 as string, 'parent'), /type="ClusterComputeResource">([^<]+)</);
    const pool = value(await get('ClusterComputeResource', cluster, 'resourcePool'), /type="ResourcePool">([^<]+)</);
    const check = await sdk(
      'CheckRelocate_Task',
      `${ref('VirtualMachineProvisioningChecker', 'ProvChecker')}${ref('VirtualMachine', vm, 'vm')}` +
        `<spec>${ref('ResourcePool', pool, 'pool')}${ref('HostSystem', hosts.DC0_C1_H1 as string, 'host')}</spec>`,
    );
    const r = await settle(value(check.text, /<returnval type="Task">([^<]+)</));
    assert.equal(r.state, 'success');
    assert.match(r.text, /<warning>.*CannotAccessNetwork.*<\/warning>/s);
    assert.match(r.text, /<error>.*VMotionNotSupported.*<\/error>/s);
    assert.match(r.text, /<name>CheckRelocate_Task<\/name>/);
    const q = await sdk(
      'QueryVMotionCompatibility',
      `${ref('ServiceInstance', 'ServiceInstance')}${ref('VirtualMachine', vm, 'vm')}${ref('HostSystem', hosts.DC0_C0_H1 as string, 'host')}${ref('HostSystem', hosts.DC0_C1_H1 as string, 'host')}`,
    );
    assert.match(q.text, new RegExp(`${hosts.DC0_C0_H1}</host><compatibility>cpu</compatibility><compatibility>software</compatibility>`));
    assert.match(q.text, new RegExp(`${hosts.DC0_C1_H1}</host><compatibility>cpu</compatibility></returnval>`));
    const rec = await sdk('RecommendHostsForVm', `${ref('ClusterComputeResource', cluster)}${ref('VirtualMachine', vm, 'vm')}`);
    // DC0_C1_H1 has no vMotion for this running VM: left out
    assert.doesNotMatch(rec.text, new RegExp(`>${hosts.DC0_C1_H1}<`));
    assert.match(rec.text, /<rating>5<\/rating>/);
  });

  it('faults aimed at a method: dropped before or after it runs, or refused as an expired session', async () => {
    const vm = await vmRef('h8', 'DC0_C0_H0');
    await lab.sim.dropNext(1, { method: 'RelocateVM_Task', after: true });
    await assert.rejects(relocate(vm, ref('HostSystem', hosts.DC0_C0_H1 as string, 'host')), /socket hang up|ECONNRESET/);
    const ran = (await lab.migrations()).filter((m) => m.vmName === 'h8');
    assert.equal(ran.length, 1, 'executed although its answer was lost');
    await lab.sim.dropNext(1, { method: 'CurrentTime', expire: true });
    const refused = await sdk('CurrentTime', ref('ServiceInstance', 'ServiceInstance'));
    assert.match(refused.text, /NotAuthenticated/);
    await sdk('Login', `${ref('SessionManager', 'SessionManager')}<userName>u</userName><password>p</password>`);
  });

  it('an ESX endpoint stands for a vCenter host: its UUID, management server and VMs (same BIOS UUIDs)', async () => {
    const made = await lab.createVm({ name: 'h9', host: 'DC0_C0_H2' });
    const ep = await lab.esxEndpoint('DC0_C0_H2', '127.0.0.4');
    const hostUuid = value(await get('HostSystem', hosts.DC0_C0_H2 as string, 'summary.hardware.uuid'), /<val[^>]*>([0-9a-f-]{36})</);
    const saved = cookie;
    try {
      cookie = '';
      const epCall = (method: string, inner: string) => call(ep.url, method, inner);
      assert.equal(ep.port, port);
      assert.match(ep.url, /^https:\/\/127\.0\.0\.4:/);
      await epCall('Login', `${ref('SessionManager', 'ha-sessionmgr')}<userName>u</userName><password>p</password>`);
      const summary = await epCall(
        'RetrievePropertiesEx',
        `${ref('PropertyCollector', 'ha-property-collector')}<specSet><propSet><type>HostSystem</type><pathSet>summary.managementServerIp</pathSet><pathSet>summary.hardware.uuid</pathSet><pathSet>name</pathSet></propSet><objectSet>${ref('HostSystem', 'ha-host', 'obj')}</objectSet></specSet><options/>`,
      );
      assert.match(summary.text, /127\.0\.0\.1/);
      assert.match(summary.text, /DC0_C0_H2/);
      assert.match(summary.text, new RegExp(hostUuid));
      const found = await epCall('FindByUuid', `${ref('SearchIndex', 'ha-searchindex')}<uuid>${made.uuid}</uuid><vmSearch>true</vmSearch>`);
      assert.match(found.text, /<returnval type="VirtualMachine">/);
    } finally {
      cookie = saved;
    }
  });
});

/**
 * The storage extensions of esxvirt's simulator (test/harness/README.md, "Storage"), checked on the wire with plain
 * node:http and hand-written SOAP: the harness must not depend on the client it exists to test.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startSimulator, type Simulator } from './vcsim.js';
import { hostDisk, restrictLicence } from './storage-control.js';

const OPEN =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const CLOSE = '</soapenv:Body></soapenv:Envelope>';

interface Reply {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  sim: Simulator,
  method: string,
  path: string,
  body: string | Buffer | undefined,
  headers: http.OutgoingHttpHeaders,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: sim.host, port: sim.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('storage extensions of the simulator (ESX, plain HTTP)', () => {
  let sim: Simulator;
  let cookie = '';
  let root = '';
  const soap = async (body: string): Promise<string> => {
    const r = await request(sim, 'POST', '/sdk', OPEN + body + CLOSE, {
      'Content-Type': 'text/xml',
      SOAPAction: 'urn:vim25/6.5',
      Cookie: cookie,
    });
    const set = r.headers['set-cookie']?.[0]?.split(';')[0];
    if (set !== undefined) cookie = set;
    return r.text;
  };
  const vdm = '<_this type="VirtualDiskManager">ha-vdiskmanager</_this>';
  /** Runs a task method and returns the task's info XML (vcsim finishes tasks inside the call). */
  const task = async (body: string): Promise<string> => {
    const ref = /<returnval type="Task">([^<]+)</.exec(await soap(body))?.[1];
    assert.ok(ref !== undefined, body);
    return soap(
      `<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">ha-property-collector</_this><specSet><propSet><type>Task</type><pathSet>info</pathSet></propSet><objectSet><obj type="Task">${ref}</obj></objectSet></specSet><options/></RetrievePropertiesEx>`,
    );
  };
  const create = (name: string, type: string, kb: number, adapter = 'lsiLogic'): Promise<string> =>
    task(
      `<CreateVirtualDisk_Task xmlns="urn:vim25">${vdm}<name>${name}</name><spec xsi:type="FileBackedVirtualDiskSpec"><diskType>${type}</diskType><adapterType>${adapter}</adapterType><capacityKb>${kb}</capacityKb></spec></CreateVirtualDisk_Task>`,
    );
  let browser = '';
  const search = (path: string, spec: string, method = 'SearchDatastore_Task'): Promise<string> =>
    task(
      `<${method} xmlns="urn:vim25"><_this type="HostDatastoreBrowser">${browser}</_this><datastorePath>${path}</datastorePath><searchSpec>${spec}</searchSpec></${method}>`,
    );

  before(async () => {
    sim = await startSimulator({ model: 'esx', tls: false, quiet: true, datastoreKinds: ['vmfs'], iscsi: true });
    await soap(
      '<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this><userName>u</userName><password>p</password></Login>',
    );
    const ds = await soap(
      '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">ha-property-collector</_this><specSet><propSet><type>Datastore</type><pathSet>browser</pathSet><pathSet>host</pathSet><pathSet>info</pathSet></propSet><objectSet><obj type="HostSystem">ha-host</obj><skip>true</skip><selectSet xsi:type="TraversalSpec"><type>HostSystem</type><path>datastore</path><skip>false</skip></selectSet></objectSet></specSet><options/></RetrievePropertiesEx>',
    );
    browser = /<val[^>]*type="HostDatastoreBrowser"[^>]*>([^<]+)</.exec(ds)?.[1] ?? '';
    root = /<path>([^<]+)<\/path>/.exec(ds)?.[1] ?? '';
    assert.ok(browser !== '' && root.startsWith('/'), ds.slice(0, 2000));
    assert.match(ds, /type="VmfsDatastoreInfo"/, 'datastore 0 is a VMFS datastore');
    assert.match(ds, /<uuid>[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{12}<\/uuid>/);
  });
  after(async () => sim?.stop());

  it('CreateVirtualDisk_Task writes a VMFS descriptor and an extent of the size and type asked', async () => {
    assert.match(await create('[LocalDS_0] thin.vmdk', 'thin', 4096), /<state>success<\/state>/);
    assert.match(await create('[LocalDS_0] thick.vmdk', 'preallocated', 2048, 'ide'), /<state>success<\/state>/);
    const text = readFileSync(join(root, 'thin.vmdk'), 'utf8');
    assert.match(text, /createType="vmfs"\n\n# Extent description\nRW 8192 VMFS "thin-flat\.vmdk"\n/);
    assert.match(text, /ddb\.thinProvisioned = "1"\nddb\.uuid = "60 00 C2 [0-9a-f ]{14}-[0-9a-f ]{23}"\n/);
    assert.deepEqual(await hostDisk(sim, '[LocalDS_0] thick.vmdk'), {
      exists: true,
      kind: 'preallocated',
      capacity: 2 * 1024 * 1024,
      allocated: 2 * 1024 * 1024,
      adapterType: 'ide',
      createType: 'vmfs',
      extents: ['thick-flat.vmdk'],
    });
    assert.match(await create('[LocalDS_0] thin.vmdk', 'thin', 4096), /FileAlreadyExists/);
    assert.match(await create('[LocalDS_0] nodir/x.vmdk', 'thin', 4096), /FileNotFound/);
  });

  it('searches: no pattern matches every file; disk details; extents hidden beside their disk; brackets are literal', async () => {
    const all = await search('[LocalDS_0]', '');
    for (const f of ['thin.vmdk', 'thin-flat.vmdk', 'thick.vmdk', 'ha-host_VM0']) assert.match(all, new RegExp(`<path>${f}</path>`));
    const disks = await search(
      '[LocalDS_0]',
      '<query xsi:type="VmDiskFileQuery"><details><diskType>true</diskType><capacityKb>true</capacityKb><hardwareVersion>true</hardwareVersion><controllerType>true</controllerType><diskExtents>true</diskExtents><thin>true</thin></details></query><details><fileType>true</fileType><fileSize>true</fileSize><modification>false</modification></details>',
    );
    assert.doesNotMatch(disks, /thin-flat\.vmdk<\/path>/);
    assert.match(
      disks,
      /<file [\w-]+:type="VmDiskFileInfo"><path>thin\.vmdk<\/path><fileSize>\d+<\/fileSize><diskType>VirtualDiskFlatVer2BackingInfo<\/diskType><capacityKb>4096<\/capacityKb><hardwareVersion>13<\/hardwareVersion><controllerType>VirtualLsiLogicController<\/controllerType><diskExtents>\[LocalDS_0\] thin-flat\.vmdk<\/diskExtents><thin>true<\/thin><\/file>/,
    );
    await request(sim, 'PUT', '/folder/odd%20%5B1%5D.iso?dcPath=ha-datacenter&dsName=LocalDS_0', 'iso', { Cookie: cookie });
    assert.match(await search('[LocalDS_0]', '<matchPattern>odd [1].iso</matchPattern>'), /<path>odd \[1\]\.iso<\/path>/);
    assert.match(
      await search('[LocalDS_0]', '<matchPattern>*.ISO</matchPattern><searchCaseInsensitive>true</searchCaseInsensitive>'),
      /<path>odd \[1\]\.iso<\/path>/,
    );
    const sub = await search('[LocalDS_0]', '<matchPattern>*.vmx</matchPattern>', 'SearchDatastoreSubFolders_Task');
    assert.match(sub, /<folderPath>\[LocalDS_0\] ha-host_VM0\/<\/folderPath><file[^>]*><path>ha-host_VM0\.vmx<\/path>/);
  });

  it('ExtendVirtualDisk_Task grows only; ZeroFillVirtualDisk_Task keeps a thin disk thin; QueryVirtualDiskUuid answers ddb.uuid', async () => {
    const grow = (kb: number) =>
      task(
        `<ExtendVirtualDisk_Task xmlns="urn:vim25">${vdm}<name>[LocalDS_0] thin.vmdk</name><newCapacityKb>${kb}</newCapacityKb></ExtendVirtualDisk_Task>`,
      );
    assert.match(await grow(8192), /<state>success<\/state>/);
    assert.equal((await hostDisk(sim, '[LocalDS_0] thin.vmdk')).capacity, 8 * 1024 * 1024);
    assert.match(await grow(1024), /InvalidArgument/);
    assert.match(
      await task(`<ZeroFillVirtualDisk_Task xmlns="urn:vim25">${vdm}<name>[LocalDS_0] thin.vmdk</name></ZeroFillVirtualDisk_Task>`),
      /<state>success<\/state>/,
    );
    assert.equal((await hostDisk(sim, '[LocalDS_0] thin.vmdk')).allocated, 0);
    const uuid = /<returnval>([^<]+)</.exec(
      await soap(`<QueryVirtualDiskUuid xmlns="urn:vim25">${vdm}<name>[LocalDS_0] thin.vmdk</name></QueryVirtualDiskUuid>`),
    )?.[1];
    assert.equal(uuid, /ddb\.uuid = "([^"]+)"/.exec(readFileSync(join(root, 'thin.vmdk'), 'utf8'))?.[1]);
  });

  it('CopyVirtualDisk_Task: destSpec converts; without it ESX makes a preallocated busLogic disk (API reference)', async () => {
    const copy = (dest: string, spec: string) =>
      task(
        `<CopyVirtualDisk_Task xmlns="urn:vim25">${vdm}<sourceName>[LocalDS_0] thin.vmdk</sourceName><destName>${dest}</destName>${spec}</CopyVirtualDisk_Task>`,
      );
    await copy('[LocalDS_0] eager.vmdk', '<destSpec><diskType>eagerZeroedThick</diskType><adapterType>lsiLogic</adapterType></destSpec>');
    assert.equal((await hostDisk(sim, '[LocalDS_0] eager.vmdk')).kind, 'eagerZeroedThick');
    await copy('[LocalDS_0] plain.vmdk', '');
    const plain = await hostDisk(sim, '[LocalDS_0] plain.vmdk');
    assert.deepEqual([plain.kind, plain.adapterType], ['preallocated', 'buslogic']);
    assert.match(await copy('[LocalDS_0] plain.vmdk', '<force>true</force>'), /FileAlreadyExists/);
  });

  it('the disk of a powered-on VM is locked; a restricted licence refuses writes', async () => {
    {
      const del = await task(
        `<DeleteVirtualDisk_Task xmlns="urn:vim25">${vdm}<name>[LocalDS_0] ha-host_VM0/disk1.vmdk</name></DeleteVirtualDisk_Task>`,
      );
      assert.match(del, /FileLocked/);
      const file = await task(
        '<DeleteDatastoreFile_Task xmlns="urn:vim25"><_this type="FileManager">ha-nfc-file-manager</_this><name>[LocalDS_0] ha-host_VM0</name></DeleteDatastoreFile_Task>',
      );
      assert.match(file, /FileLocked/);
    }
    await restrictLicence(sim, true);
    try {
      assert.match(
        await soap(
          `<CreateVirtualDisk_Task xmlns="urn:vim25">${vdm}<name>[LocalDS_0] free.vmdk</name><spec xsi:type="FileBackedVirtualDiskSpec"><diskType>thin</diskType><adapterType>lsiLogic</adapterType><capacityKb>1024</capacityKb></spec></CreateVirtualDisk_Task>`,
        ),
        /RestrictedVersion/,
      );
      assert.match(
        await soap(
          '<MakeDirectory xmlns="urn:vim25"><_this type="FileManager">ha-nfc-file-manager</_this><name>[LocalDS_0] free</name></MakeDirectory>',
        ),
        /RestrictedVersion/,
      );
    } finally {
      await restrictLicence(sim, false);
    }
  });

  it('/folder needs a live session (else 401) or Basic credentials; PUT answers 201, then 200', async () => {
    const url = '/folder/put.txt?dcPath=ha-datacenter&dsName=LocalDS_0';
    assert.equal((await request(sim, 'PUT', url, 'a', { Cookie: cookie })).status, 201);
    assert.equal((await request(sim, 'PUT', url, 'b', { Cookie: cookie })).status, 200);
    const anon = await request(sim, 'GET', url, undefined, {});
    assert.equal(anon.status, 401);
    assert.match(String(anon.headers['www-authenticate']), /^Basic /);
    assert.equal(
      (await request(sim, 'GET', url, undefined, { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })).text,
      'b',
    );
    await sim.expireSessions();
    assert.equal((await request(sim, 'GET', url, undefined, { Cookie: cookie })).status, 401);
    await soap(
      '<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this><userName>u</userName><password>p</password></Login>',
    );
    assert.equal((await request(sim, 'GET', url, undefined, { Cookie: cookie, Range: 'bytes=0-0' })).status, 206);
  });

  it('RefreshDatastore answers; the iSCSI adapter is there and RescanHba knows it', async () => {
    const ds = /<obj type="Datastore">([^<]+)</.exec(
      await soap(
        '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">ha-property-collector</_this><specSet><propSet><type>Datastore</type><pathSet>name</pathSet></propSet><objectSet><obj type="HostSystem">ha-host</obj><skip>true</skip><selectSet xsi:type="TraversalSpec"><type>HostSystem</type><path>datastore</path><skip>false</skip></selectSet></objectSet></specSet><options/></RetrievePropertiesEx>',
      ),
    )?.[1];
    assert.match(
      await soap(`<RefreshDatastore xmlns="urn:vim25"><_this type="Datastore">${ds}</_this></RefreshDatastore>`),
      /<RefreshDatastoreResponse/,
    );
    const sd = await soap(
      '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">ha-property-collector</_this><specSet><propSet><type>HostSystem</type><pathSet>config.storageDevice</pathSet><pathSet>configManager.storageSystem</pathSet></propSet><objectSet><obj type="HostSystem">ha-host</obj></objectSet></specSet><options/></RetrievePropertiesEx>',
    );
    assert.match(
      sd,
      /HostInternetScsiHba.*<device>vmhba65<\/device>.*<configuredStaticTarget><address>192\.0\.2\.10<\/address><port>3260<\/port><iScsiName>iqn\.2024-01\.com\.example:storage<\/iScsiName>/s,
    );
    const system = /type="HostStorageSystem"[^>]*>([^<]+)</.exec(sd)?.[1];
    const rescan = (hba: string) =>
      soap(`<RescanHba xmlns="urn:vim25"><_this type="HostStorageSystem">${system}</_this><hbaDevice>${hba}</hbaDevice></RescanHba>`);
    assert.match(await rescan('vmhba65'), /<RescanHbaResponse/);
    assert.match(await rescan('vmhba99'), /NotFound/);
  });
});

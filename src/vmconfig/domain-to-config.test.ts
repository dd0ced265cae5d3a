// Whole-VM specs, one line per rule: CreateVM_Task specs of domains (test/fixtures/vmconfig/create/<id>.json) and
// ReconfigVM_Task specs of edits of the web VM (test/fixtures/vmconfig/edit/<id>.json, the domain given as text
// replacements in domains/web.xml). Each spec must encode, and the server's view of it (applySpec) must read back
// (configToDomain) as the domain it was made from.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { EsxError, type ErrorCode } from '../errors.js';
import type { DomainDef } from '../conf/domain/domain-def.js';
import { formatDomain } from '../conf/domain/format-domain.js';
import { parseDomainXml } from '../conf/domain/parse-domain.js';
import type { AnyVirtualDevice } from '../vim25/generated/types.js';
import { applySpec } from './apply-spec.js';
import { configToDomain } from './config-to-domain.js';
import type { VmConfigContext } from './device-context.js';
import { editVmSpec, isEmptySpec } from './domain-diff.js';
import { createVmSpec, type CreateVmOptions } from './domain-to-config.js';
import {
  assertEncodes,
  assertGolden,
  configWith,
  CONTEXTS,
  deviceSets,
  domainWith,
  FIXTURES,
  webConfig,
} from '../../test/support/vmconfig-fixtures.js';

const WEB_XML = readFileSync(join(FIXTURES, 'domains/web.xml'), 'utf8');
const sets = deviceSets();

test('config-to-domain reads the web VM as domains/web.xml, which parses and formats to itself', () => {
  const warnings: string[] = [];
  assert.equal(formatDomain(configToDomain(webConfig(), { warn: (m) => warnings.push(m) })), WEB_XML);
  assert.deepEqual(warnings, []);
  assert.equal(formatDomain(parseDomainXml(WEB_XML)), WEB_XML);
});

interface CreateRule {
  id: string;
  def: () => DomainDef;
  opts?: CreateVmOptions;
  defaults?: string;
  ctx?: VmConfigContext;
  warns?: RegExp[];
  error?: [ErrorCode, RegExp];
  /** The domain read back, when it differs from the one given (normal forms). */
  back?: (xml: string) => string;
}

const HEAD = '<uuid>00000000-0000-0000-0000-000000000001</uuid>';
const CREATE: CreateRule[] = [
  { id: 'web', def: () => parseDomainXml(WEB_XML), defaults: 'esx-default' },
  {
    id: 'web-vm-path-given',
    def: () => parseDomainXml(WEB_XML),
    defaults: 'esx-default',
    opts: { vmPathName: '[datastore2] w/w.vmx', guestId: 'rhel7_64Guest', hardwareVersion: 13 },
  },
  { id: 'web-networks-resolved', def: () => parseDomainXml(WEB_XML), defaults: 'esx-default', ctx: CONTEXTS.networks },
  {
    id: 'no-disk-on-datastore',
    def: () => domainWith("<video><model type='vmvga' vram='4096' primary='yes'/></video>", HEAD),
    defaults: 'esx-default',
    opts: { datastore: 'ds1' },
  },
  // (applySpec makes no default devices, so this VM reads back without a video card: the domain has none either)
  {
    id: 'no-default-devices',
    def: () => domainWith("<disk type='file' device='cdrom'><source file='[ds] a.iso'/><target dev='hda' bus='ide'/></disk>", HEAD),
    opts: { datastore: 'ds' },
  },
  {
    id: 'shares-custom-memory-unlimited',
    def: () =>
      parseDomainXml(
        WEB_XML.replace('<shares>8000</shares>', '<shares>1234</shares>')
          .replace(/ *<currentMemory[^\n]*\n/, '')
          .replace(/ *<memtune>[^]*?<\/memtune>\n/, ''),
      ),
    defaults: 'esx-default',
  },
  {
    id: 'warns-what-has-no-vsphere-form',
    def: () =>
      domainWith(
        "<graphics type='vnc' port='5900'/><filesystem type='mount'><source dir='/a'/><target dir='b'/></filesystem><video><model type='vmvga' vram='4096' primary='yes'/></video>",
        HEAD.replace('<uuid>', "<vcpu cpuset='0-3'>2</vcpu><uuid>"),
      ),
    defaults: 'esx-default',
    opts: { datastore: 'ds' },
    warns: [/<filesystem> \(shared folders\)/, /'cpuset' of <vcpu>/],
    back: (xml) => xml.replace(" cpuset='0-3'", '').replace(/ *<filesystem[^]*?<\/filesystem>\n/, ''),
  },
  {
    id: 'err-no-datastore',
    def: () => domainWith('', HEAD),
    error: ['InvalidConfig', /the domain has no hard disk on a datastore to put the VM beside: give a datastore/],
  },
  {
    id: 'err-vcpu-current',
    def: () => domainWith('', "<vcpu current='1'>2</vcpu>"),
    opts: { datastore: 'ds' },
    error: ['Unsupported', /attribute 'current' of <vcpu> is not supported/],
  },
  {
    id: 'err-threads',
    def: () => domainWith('', "<vcpu>4</vcpu><cpu><topology sockets='1' cores='2' threads='2'/></cpu>"),
    opts: { datastore: 'ds' },
    error: ['Unsupported', /only 1 thread per core/],
  },
  {
    id: 'err-topology-count',
    def: () => domainWith('', "<vcpu>4</vcpu><cpu><topology sockets='1' cores='2' threads='1'/></cpu>"),
    opts: { datastore: 'ds' },
    error: ['InvalidConfig', /sockets\*cores\*threads \(2\) must equal <vcpu> \(4\)/],
  },
  {
    id: 'err-datastore-name',
    def: () => domainWith(''),
    opts: { datastore: 'a]b' },
    error: ['InvalidConfig', /datastore name 'a\]b' cannot stand in a datastore path/],
  },
  {
    id: 'err-domain-type',
    def: () => ({ ...parseDomainXml(WEB_XML), type: 'kvm' }),
    error: ['InvalidConfig', /expecting domain type 'vmware' but found 'kvm'/],
  },
];

for (const r of CREATE) {
  test(`create rule: ${r.id}`, () => {
    const warnings: string[] = [];
    const ctx: VmConfigContext = { ...r.ctx, warn: (m) => warnings.push(m) };
    const defaults = r.defaults ? (sets[r.defaults] as AnyVirtualDevice[]) : undefined;
    const make = (): ReturnType<typeof createVmSpec> =>
      createVmSpec(r.def(), ctx, { ...r.opts, ...(defaults ? { defaultDevices: defaults } : {}) });
    if (r.error) {
      const [code, message] = r.error;
      assert.throws(make, (e: unknown) => e instanceof EsxError && e.code === code && message.test(e.message) && !e.message.includes('\n'));
      return;
    }
    const spec = make();
    assertGolden(`create/${r.id}.json`, spec);
    assertEncodes(spec);
    assert.equal(warnings.length, r.warns?.length ?? 0, warnings.join('\n'));
    for (const w of r.warns ?? [])
      assert.ok(
        warnings.some((m) => w.test(m)),
        `no warning matches ${w}`,
      );
    // the server's video card is set by a follow-up edit, which changes nothing else
    const created = applySpec(configWith(defaults ?? []), spec);
    const edit = editVmSpec(configToDomain(created), r.def(), created.hardware?.device ?? []);
    assert.ok(
      (edit.deviceChange ?? []).every((c) => c.device._type === 'VirtualMachineVideoCard' && c.operation === 'edit'),
      JSON.stringify(edit),
    );
    assert.deepEqual(
      Object.keys(edit).filter((k) => k !== '_type' && k !== 'deviceChange'),
      [],
    );
    const back = formatDomain(configToDomain(applySpec(created, edit)));
    const want = formatDomain(r.def());
    assert.equal(back, r.back ? r.back(want) : want);
  });
}

interface EditRule {
  id: string;
  /** Replacements in domains/web.xml: [search, replacement] pairs (a RegExp or a string). */
  edits: [RegExp | string, string][];
  ctx?: VmConfigContext;
  error?: [ErrorCode, RegExp];
  /** The domain read back, when it differs from the one given (normal forms). */
  back?: (xml: string) => string;
}

const DISK_SDB = / {4}<disk type='file' device='disk'>\n {6}<driver cache='writethrough'\/>[^]*?<\/disk>\n/;
const NIC_2 = / {4}<interface type='vds'>[^]*?<\/interface>\n/;
const SERIAL_1 = / {4}<serial type='pipe'>[^]*?<\/serial>\n/;
const NEW_DISK =
  "    <disk type='file' device='disk'>\n      <source file='[datastore1] web/new.vmdk'/>\n      <target dev='sdc' bus='scsi'/>\n      <address type='drive' controller='0' bus='0' target='0' unit='2'/>\n    </disk>\n";
const EDIT: EditRule[] = [
  { id: 'nothing', edits: [] },
  {
    id: 'settings',
    edits: [
      ['<name>web/1</name>', '<name>web 2</name>'],
      ['front end', 'back end'],
      ["'KiB'>2097152<", "'KiB'>4194304<"],
      [/ *<currentMemory[^\n]*\n/, ''],
      ["'KiB'>524288<", "'KiB'>1048576<"],
      ["'static'>4<", "'static'>6<"],
      ["sockets='2' dies='1' cores='2'", "sockets='2' dies='1' cores='3'"],
      ['<shares>8000</shares>', '<shares>12000</shares>'],
      ["<os firmware='efi'>", '<os>'],
    ],
  },
  {
    id: 'change-media-and-eject',
    edits: [
      ['iso/install.iso', 'iso/other.iso'],
      // an empty <source/> keeps the host drive (without <source> at all, libvirt takes the drive for an empty image)
      ["<source dev='/dev/scd0'/>", '<source/>'],
    ],
  },
  {
    id: 'disk-mode',
    edits: [
      [
        "<source file='[datastore1] web/web.vmdk'/>\n      <target dev='sda' bus='scsi'/>\n",
        "<source file='[datastore1] web/web.vmdk'/>\n      <target dev='sda' bus='scsi'/>\n      <transient/>\n",
      ],
    ],
  },
  { id: 'replace-disk-file', edits: [['web/data.vmdk', 'web/data2.vmdk']] },
  { id: 'add-disk-remove-disk', edits: [[DISK_SDB, NEW_DISK]] },
  {
    id: 'remove-nic-and-serial',
    edits: [
      [NIC_2, ''],
      [SERIAL_1, ''],
    ],
  },
  // the NIC of the new model is a new device: the server lists it after the others
  {
    id: 'nic-model-changes',
    edits: [["<model type='vmxnet3'/>", "<model type='e1000e'/>"]],
    back: (xml) => xml.replace(/( *<interface type='bridge'>[^]*?<\/interface>\n)( *<interface type='vds'>[^]*?<\/interface>\n)/, '$2$1'),
  },
  // a bridge name that is a distributed port group reads back as what it is
  {
    id: 'nic-network-changes',
    edits: [["<source bridge='VM Network'/>", "<source bridge='DPG'/>"]],
    ctx: CONTEXTS.networks,
    back: (xml) =>
      xml
        .replace("<interface type='bridge'>", "<interface type='vds'>")
        .replace("<source bridge='DPG'/>", "<source switchid='502a8c3b-6b14-6e4c-a06d-2e510a751b8e' portgroupid='dvportgroup-34'/>"),
  },
  {
    id: 'cdrom-becomes-disk',
    edits: [
      [
        /<disk type='file' device='cdrom'>\n {6}<source file='\[datastore1\] iso\/install.iso'\/>\n {6}<target dev='hdc' bus='ide'\/>\n {6}<readonly\/>/,
        "<disk type='file' device='disk'>\n      <source file='[datastore1] web/ide.vmdk'/>\n      <target dev='hdc' bus='ide'/>",
      ],
    ],
  },
  {
    id: 'serial-and-video-change',
    edits: [
      ["<source path='/tmp/serial1'/>", "<source path='/tmp/serial2'/>"],
      ["vram='8192' heads='2'", "vram='16384'"],
    ],
  },
  {
    id: 'err-controller-model',
    edits: [["model='lsisas1068'", "model='vmpvscsi'"]],
    error: ['Unsupported', /scsi controller 0 cannot change its model from 'lsisas1068' to 'vmpvscsi' in place/],
  },
];

for (const r of EDIT) {
  test(`edit rule: ${r.id}`, () => {
    const config = webConfig();
    const cur = configToDomain(config);
    let xml = WEB_XML;
    for (const [from, to] of r.edits) {
      assert.ok(typeof from === 'string' ? xml.includes(from) : from.test(xml), `${String(from)} is not in web.xml`);
      xml = xml.replace(from, to);
    }
    const next = parseDomainXml(xml);
    const make = (): ReturnType<typeof editVmSpec> => editVmSpec(cur, next, config.hardware?.device ?? [], r.ctx ?? {});
    if (r.error) {
      const [code, message] = r.error;
      assert.throws(make, (e: unknown) => e instanceof EsxError && e.code === code && message.test(e.message));
      return;
    }
    const spec = make();
    assertGolden(`edit/${r.id}.json`, spec);
    assertEncodes(spec);
    assert.equal(isEmptySpec(spec), r.edits.length === 0);
    const back = configToDomain(applySpec(config, spec));
    // a domain edited through the API reads back as it was written (the eject leaves a drive with no medium)
    assert.equal(formatDomain(back), r.back ? r.back(formatDomain(next)) : formatDomain(next));
    // and editing it again to the same domain changes nothing
    assert.ok(isEmptySpec(editVmSpec(back, next, applySpec(config, spec).hardware?.device ?? [], r.ctx ?? {})));
  });
}

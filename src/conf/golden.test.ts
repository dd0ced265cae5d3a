// Golden pairs of every libvirt document in src/conf (test/fixtures/conf/<document>/<case>.xml + .json): the XML is
// libvirt's own bytes where libvirt can produce it (virsh 9.0 against the simulator, libvirt 9.0's converter output
// from its test corpus), the JSON is the model. Each pair must parse to the model and format back to the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import {
  formatCapabilities,
  formatDomain,
  formatInterfaceXml,
  formatNetworkXml,
  formatSnapshotXml,
  formatPoolXml,
  formatSysinfo,
  formatVolumeXml,
  parseCapabilitiesXml,
  parseDomainXml,
  parseInterfaceXml,
  parseNetworkXml,
  parsePortgroupXml,
  parsePoolXml,
  parseSnapshotXml,
  parseSysinfoXml,
  parseVolumeXml,
} from './index.js';

const root = join(process.cwd(), 'test/fixtures/conf');

const DOCUMENTS: Record<string, { parse(xml: string): unknown; format(model: never): string }> = {
  domain: { parse: parseDomainXml, format: formatDomain },
  snapshot: { parse: parseSnapshotXml, format: formatSnapshotXml },
  capabilities: { parse: parseCapabilitiesXml, format: formatCapabilities },
  sysinfo: { parse: parseSysinfoXml, format: formatSysinfo },
  network: { parse: parseNetworkXml, format: formatNetworkXml },
  interface: { parse: parseInterfaceXml, format: formatInterfaceXml },
  pool: { parse: parsePoolXml, format: formatPoolXml },
  volume: { parse: parseVolumeXml, format: formatVolumeXml },
};

test('every document folder under test/fixtures/conf has a parser and a formatter', () => {
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(dirs, Object.keys(DOCUMENTS).sort());
});

for (const [doc, { parse, format }] of Object.entries(DOCUMENTS)) {
  const cases = readdirSync(join(root, doc))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => f.slice(0, -4))
    .sort();
  test(`${doc}: at least two golden pairs`, () => assert.ok(cases.length >= 2, cases.join(', ')));
  for (const name of cases) {
    test(`${doc} golden pair ${name}: XML → model → the same XML`, () => {
      const xml = readFileSync(join(root, doc, `${name}.xml`), 'utf8');
      const model = JSON.parse(readFileSync(join(root, doc, `${name}.json`), 'utf8')) as never;
      assert.deepEqual(parse(xml), model);
      assert.equal(format(model), xml);
    });
  }
}

// One line per rule a parser enforces: the document, its text, and what the one-line error must say.
const ERRORS: [string, string, RegExp][] = [
  ['snapshot', '<domain/>', /expecting root element <domainsnapshot> but found <domain>/],
  ['snapshot', '<domainsnapshot><name> </name></domainsnapshot>', /element <name> of <domainsnapshot> is empty/],
  ['snapshot', '<domainsnapshot><state>frozen</state></domainsnapshot>', /invalid value 'frozen' of <state>/],
  ['snapshot', "<domainsnapshot><memory snapshot='all'/></domainsnapshot>", /invalid attribute 'snapshot' of <memory>/],
  ['snapshot', '<domainsnapshot><creationTime>yesterday</creationTime></domainsnapshot>', /invalid value 'yesterday' for <creationTime>/],
  ['snapshot', '<domainsnapshot><domain><uuid>nope</uuid></domain></domainsnapshot>', /malformed <domain><uuid> 'nope'/],
  ['snapshot', '<domainsnapshot><name>x</name>', /malformed snapshot XML at line 1/],
  ['capabilities', '<capabilities/>', /missing element <host> of <capabilities>/],
  ['capabilities', '<capabilities><host><cpu><arch>sparc</arch></cpu></host></capabilities>', /invalid <host><cpu><arch> 'sparc'/],
  [
    'capabilities',
    '<capabilities><host><cpu><arch>i686</arch></cpu></host><guest><os_type>xen</os_type><arch name="i686"/></guest></capabilities>',
    /invalid <os_type> 'xen'/,
  ],
  [
    'capabilities',
    '<capabilities><host><cpu><arch>i686</arch></cpu></host><guest><os_type>hvm</os_type><arch name="i686"><wordsize>16</wordsize></arch></guest></capabilities>',
    /invalid <wordsize>/,
  ],
  ['sysinfo', "<sysinfo type='fwcfg'/>", /unsupported sysinfo type 'fwcfg'/],
  ['sysinfo', "<sysinfo type='smbios'><system><entry>x</entry></system></sysinfo>", /missing attribute 'name' of <system><entry>/],
  ['domain', "<domain type='vmware'><memory>1024</memory></domain>", /missing element <name> of <domain>/],
  // libvirt's checks of values VMX has no place for, as libvirt 9.0 makes them
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>4096</memory><os><type>hvm</type></os><devices><controller type='bogus'/></devices></domain>",
    /invalid value 'bogus' for attribute 'type' of <controller>/,
  ],
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>4096</memory><os><type>hvm</type></os><devices><controller index='0' model='lsisas1068'/></devices></domain>",
    /unknown model type 'lsisas1068' for <controller type='ide'>/,
  ],
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>4096</memory><os><type>hvm</type></os><devices><controller type='sata' model='x'/></devices></domain>",
    /unknown model type 'x' for <controller type='sata'>/,
  ],
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>4096</memory><os><type>hvm</type></os><devices><controller type='usb' index='x'/></devices></domain>",
    /invalid value 'x' for attribute 'index' of <controller>/,
  ],
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>4096</memory><os><type>hvm</type></os><devices><controller type='usb' index='2147483648'/></devices></domain>",
    /invalid value '2147483648' for attribute 'index' of <controller>: too large/,
  ],
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>4096</memory><os><type> hvm</type></os></domain>",
    /must be 'hvm' for VMware but found ' hvm'/,
  ],
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>4096</memory><os><type>hvm</type></os><on_poweroff> destroy</on_poweroff></domain>",
    /unknown <on_poweroff> action ' destroy'/,
  ],
  [
    'domain',
    "<domain type='vmware'><name>x</name><memory>9007199254740992</memory><os><type>hvm</type></os></domain>",
    /value '9007199254740992' for <memory> is too large/,
  ],
  ['network', '<domain/>', /expecting root element <network> but found <domain>/],
  ['network', '<network><uuid>x</uuid></network>', /missing element <name> of <network>/],
  ['network', "<network><name>n</name><portgroup name='a'/><portgroup name='a'/></network>", /two port groups named 'a'/],
  ['network', "<network><name>n</name><portgroup name='a'><vlan/></portgroup></network>", /<portgroup name='a'><vlan> has no <tag/],
  ['network', "<network><name>n</name><portgroup name='a'><vlan><tag id='5000'/></vlan></portgroup></network>", /invalid VLAN id 5000/],
  ['network', '<network><name>n</name><portgroup/></network>', /missing attribute 'name' of <portgroup>/],
  ['network', '<network><name>n</name><mtu/></network>', /missing attribute 'size' of <mtu>/],
  ['network', "<network><name>n</name><forward dev='a'><interface dev='b'/></forward></network>", /must name the first/],
  ['portgroup', '<network/>', /expecting root element <portgroup>/],
  ['interface', "<interface type='bridge' name='br0'/>", /unsupported interface type 'bridge'/],
  ['interface', "<interface type='ethernet'/>", /missing attribute 'name' of <interface>/],
  ['interface', "<interface type='ethernet' name='x'><start mode='later'/></interface>", /invalid attribute 'mode' of <start>/],
  ['pool', '<volume/>', /expecting root element <pool> but found <volume>/],
  ['pool', "<pool type='rbd'><name>x</name></pool>", /unsupported storage pool type 'rbd'/],
  ['pool', "<pool type='dir'></pool>", /missing element <name> of <pool>/],
  ['pool', "<pool type='dir'><name>x</name><capacity unit='GiB'>1</capacity></pool>", /unsupported unit 'GiB' of <capacity>/],
  ['pool', "<pool type='iscsi'><name>x</name><source><host/></source></pool>", /missing attribute 'name' of <source><host>/],
  [
    'pool',
    "<pool type='dir'><name>x</name><target><permissions><mode>rwx</mode></permissions></target></pool>",
    /invalid value 'rwx' of <permissions><mode>/,
  ],
  ['volume', '<pool/>', /expecting root element <volume> but found <pool>/],
  ['volume', '<volume><capacity>1</capacity></volume>', /missing element <name> of <volume>/],
  ['volume', "<volume type='network'><name>x</name></volume>", /unsupported volume type 'network'/],
  ['volume', "<volume><name>x</name><capacity unit='parsecs'>1</capacity></volume>", /unknown unit 'parsecs' for <capacity>/],
  ['volume', '<volume><name>x</name><capacity>-5</capacity></volume>', /invalid value '-5' for <capacity>/],
  ['volume', "<volume><name>x</name><allocation unit='E'>99999</allocation></volume>", /too large/],
  ['volume', '<volume><name>x</name><target><format/></target></volume>', /missing attribute 'type' of <target><format>/],
  ['domain', vmwareDomain('<vmware:guestos>other guest</vmware:guestos>'), /invalid guest OS identifier 'other guest' in <vmware:guestos>/],
  ['domain', vmwareDomain('<vmware:pcibridges>9</vmware:pcibridges>'), /<vmware:pcibridges> must be a number from 0 to 8 but found '9'/],
  ['domain', vmwareDomain("<vmware:vmx><vmware:entry name='a b' value='1'/></vmware:vmx>"), /invalid VMX key 'a b' in <vmware:entry/],
  ['domain', vmwareDomain("<vmware:vmx><vmware:entry name='a'/></vmware:vmx>"), /missing attribute 'value' of <vmware:entry name='a'>/],
  ['domain', vmwareDomain("<vmware:vmx><vmware:entry name='a' value='1&#10;b = \"2\"'/></vmware:vmx>"), /spans lines/],
  [
    'domain',
    vmwareDomain("<vmware:vmx><vmware:entry name='A' value='1'/><vmware:entry name='a' value='2'/></vmware:vmx>"),
    /VMX key 'a' is given twice/,
  ],
  ['domain', vmwareDomain('<vmware:vmx><vmware:key/></vmware:vmx>'), /unexpected element <vmware:key> in <vmware:vmx>/],
];

/** A minimal domain with `extra` in libvirt's vmware namespace. */
function vmwareDomain(extra: string): string {
  return `<domain type='vmware' xmlns:vmware='http://libvirt.org/schemas/domain/vmware/1.0'><name>x</name><memory>1024</memory><os><type>hvm</type></os>${extra}</domain>`;
}

for (const [doc, xml, message] of ERRORS) {
  test(`${doc} refuses ${xml.slice(0, 60)} with one clear line`, () => {
    const parse = (doc === 'portgroup' ? parsePortgroupXml : DOCUMENTS[doc]?.parse) as (x: string) => unknown;
    assert.throws(
      () => parse(xml),
      (e: unknown) => e instanceof ConfigError && message.test(e.message) && !e.message.includes('\n'),
    );
  });
}

// Rules of the domain XML parser that follow libvirt 9.0's reading of values (each checked against its converter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDomainXml } from './parse-domain.js';

const domain = (inner: string, head = '<name>x</name><memory>4096</memory>'): string =>
  `<domain type='vmware'>${head}<os><type>hvm</type></os>${inner}</domain>`;

test('values are the whole text of their element, nested elements included (XPath string(), as libvirt reads them)', () => {
  const def = parseDomainXml(domain('<description>a<b>b<c>c</c></b>d</description>', '<name>n<i>am</i>e</name><memory>40<x/>96</memory>'));
  assert.equal(def.name, 'name');
  assert.equal(def.description, 'abcd');
  assert.equal(def.memoryKiB, 4096);
});

test('an element with an unbound namespace prefix is read past, in no namespace libvirt knows', () => {
  const def = parseDomainXml(
    domain(
      '<vmware:datacenterpath>dc</vmware:datacenterpath><devices><disk foo:bar="1" type="file" device="disk"><source file="[ds] a.vmdk"/><target dev="sda" bus="scsi"/></disk></devices>',
    ),
  );
  assert.equal(def.datacenterPath, undefined);
  assert.equal(def.disks.length, 1);
});

test('an empty lifecycle action or clock offset is absent, as libvirt reads it', () => {
  assert.doesNotThrow(() => parseDomainXml(domain("<on_poweroff/><on_crash></on_crash><clock offset=''/>")));
});

test('controllers of types VMX has no place for are checked, then left out; a controller without a type is IDE', () => {
  const def = parseDomainXml(
    domain(
      "<devices><controller type='usb' index='0' model='piix3-uhci'/><controller type='pci' index='0' model='pci-root'/><controller type='xenbus'/><controller index='1' model='piix4'/></devices>",
    ),
  );
  assert.deepEqual(def.controllers, [{ type: 'ide', index: 1, model: 'piix4' }]);
});

test('memory up to 2^53 - 1 KiB in any unit, computed exactly (as libvirt bounds it)', () => {
  assert.equal(parseDomainXml(domain('', '<name>x</name><memory>9007199254740991</memory>')).memoryKiB, 2 ** 53 - 1);
  assert.equal(parseDomainXml(domain('', "<name>x</name><memory unit='b'>9007199254740991</memory>")).memoryKiB, 8796093022208);
  assert.equal(parseDomainXml(domain('', "<name>x</name><memory unit='KB'>9223372036854774</memory>")).memoryKiB, 2 ** 53 - 1);
  assert.throws(() => parseDomainXml(domain('', "<name>x</name><memory unit='KB'>9223372036854775</memory>")), /is too large/);
});

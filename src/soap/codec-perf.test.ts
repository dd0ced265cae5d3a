import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { decodeResponse } from './codec-decode.js';
import { responseEnvelope, returnsOf, testSchema } from './codec-test-schema.js';

const COUNT = 5000;

/** A RetrievePropertiesEx answer of `n` VMs, each with four properties and one undeclared bulky element. */
function bigResponse(n: number): string {
  const parts: string[] = ['<RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>'];
  for (let i = 0; i < n; i++) {
    parts.push(
      `<objects><obj type="VirtualMachine">vm-${i}</obj>`,
      `<propSet><name>name</name><val xsi:type="xsd:string">vm &amp; #${i}</val></propSet>`,
      `<propSet><name>runtime.powerState</name><val xsi:type="PowerState">${i % 2 ? 'poweredOn' : 'poweredOff'}</val></propSet>`,
      `<propSet><name>summary.config.numCpu</name><val xsi:type="xsd:int">${(i % 8) + 1}</val></propSet>`,
      `<propSet><name>datastore</name><val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference type="Datastore">ds-${i % 3}</ManagedObjectReference></val></propSet>`,
      `<futureInfo><a>1</a><b><c>2</c></b></futureInfo>`,
      '</objects>',
    );
  }
  parts.push('</returnval></RetrievePropertiesExResponse>');
  return responseEnvelope(parts.join(''));
}

test(`a ${COUNT}-object RetrievePropertiesEx response decodes from a stream into exactly the declared values`, async () => {
  const xml = bigResponse(COUNT);
  const chunks: Buffer[] = [];
  const bytes = Buffer.from(xml);
  for (let i = 0; i < bytes.length; i += 64 * 1024) chunks.push(bytes.subarray(i, i + 64 * 1024));
  const result = (await decodeResponse(testSchema, returnsOf('RetrievePropertiesEx'), Readable.from(chunks), { status: 200 })) as {
    objects: { obj: { value: string }; propSet: { name: string; val: unknown }[] }[];
  };
  assert.equal(result.objects.length, COUNT);
  const last = result.objects[COUNT - 1];
  assert.deepEqual(last, {
    _type: 'ObjectContent',
    obj: { type: 'VirtualMachine', value: `vm-${COUNT - 1}` },
    propSet: [
      { _type: 'DynamicProperty', name: 'name', val: `vm & #${COUNT - 1}` },
      { _type: 'DynamicProperty', name: 'runtime.powerState', val: 'poweredOn' },
      { _type: 'DynamicProperty', name: 'summary.config.numCpu', val: ((COUNT - 1) % 8) + 1 },
      { _type: 'DynamicProperty', name: 'datastore', val: [{ type: 'Datastore', value: `ds-${(COUNT - 1) % 3}` }] },
    ],
  });
  assert.ok(result.objects.every((o, i) => o.obj.value === `vm-${i}` && o.propSet.length === 4 && !('futureInfo' in o)));
});

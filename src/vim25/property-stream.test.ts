// forEachObject: objects handed over as decoded and in order, the next page requested as soon as its token is read,
// the rest cancelled when the reader stops; also with a SoapCaller that does not stream (objects in the result).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { FaultError } from '../errors.js';
import { decodeResponse, type ManagedObjectReference, type ReturnSpec, type SoapCaller } from '../soap/codec.js';
import { fakeContext } from './fake-context.js';
import { vim25Schema } from './generated/schema.js';
import type { ObjectContent } from './generated/types.js';
import { forEachObject } from './property.js';

/**
 * A property collector holding `n` VMs, paging them `limit` at a time, that answers with real response XML, decoded
 * by the codec (so ReturnSpec.each and .after take effect), each answer after `delayMs`.
 */
function xmlServer(n: number, limit: number, delayMs = 5) {
  const pending = new Map<string, number>();
  const log: string[] = [];
  let tokens = 0;
  const pageXml = (from: number): string => {
    const to = Math.min(n, from + limit);
    let token = '';
    if (to < n) {
      token = `t${++tokens}`;
      pending.set(token, to);
    }
    const objects = [];
    for (let i = from; i < to; i++)
      objects.push(
        `<objects><obj type="VirtualMachine">vm-${i}</obj><propSet><name>name</name><val xsi:type="xsd:string">VM${i}</val></propSet></objects>`,
      );
    return `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>${
      token ? `<token>${token}</token>` : ''
    }${objects.join('')}</returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>`;
  };
  const soap: SoapCaller = {
    async invoke(
      method: string,
      _this: ManagedObjectReference,
      params: Readonly<Record<string, unknown>>,
      returns: ReturnSpec | undefined,
    ) {
      let xml: string;
      if (method === 'RetrievePropertiesEx') {
        log.push(method);
        xml = pageXml(0);
      } else if (method === 'ContinueRetrievePropertiesEx' || method === 'CancelRetrievePropertiesEx') {
        const token = params.token as string;
        log.push(`${method} ${token}`);
        const from = pending.get(token);
        if (from === undefined) throw new FaultError('InvalidArgument', `bad token ${token}`);
        pending.delete(token);
        if (method === 'CancelRetrievePropertiesEx') return undefined;
        xml = pageXml(from);
      } else throw new Error(`unexpected ${method}`);
      await new Promise((r) => setTimeout(r, delayMs));
      // In chunks, as a socket delivers it.
      const bytes = Buffer.from(xml);
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 500) chunks.push(bytes.subarray(i, i + 500));
      return decodeResponse(vim25Schema, returns, Readable.from(chunks), { status: 200, method });
    },
  };
  const ctx = fakeContext({}, { soap, caller: () => soap, pageSize: limit });
  return { ctx, log, pending };
}

const names = (ocs: ObjectContent[]): string[] => ocs.map((oc) => String(oc.propSet?.[0]?.val));

test('forEachObject hands every object over in order, page after page', async () => {
  const { ctx, log, pending } = xmlServer(95, 10);
  const got: ObjectContent[] = [];
  await forEachObject(ctx, [], (oc) => got.push(oc));
  assert.deepEqual(
    names(got),
    Array.from({ length: 95 }, (_, i) => `VM${i}`),
  );
  assert.deepEqual(log, ['RetrievePropertiesEx', ...Array.from({ length: 9 }, (_, i) => `ContinueRetrievePropertiesEx t${i + 1}`)]);
  assert.equal(pending.size, 0);
});

test('the next page is requested as soon as its token is read, before this page is fully handed over', async () => {
  const { ctx, log } = xmlServer(30, 10);
  const seenWhenRequested: number[] = [];
  let handed = 0;
  const push = log.push.bind(log);
  log.push = (...items: string[]): number => {
    if (items[0]?.startsWith('Continue')) seenWhenRequested.push(handed);
    return push(...items);
  };
  await forEachObject(ctx, [], () => handed++);
  assert.equal(handed, 30);
  // t1 was read before any object of the first page, t2 before any of the second
  assert.deepEqual(seenWhenRequested, [0, 10]);
});

test('a reader that throws stops the retrieval; the page requested ahead is cancelled on the server', async () => {
  const { ctx, log, pending } = xmlServer(50, 10);
  class Enough extends Error {}
  let n = 0;
  await assert.rejects(
    forEachObject(ctx, [], () => {
      if (++n === 5) throw new Enough();
    }),
    Enough,
  );
  assert.equal(n, 5);
  // the abandoned page's token is cancelled in the background
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(log, ['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx t1', 'CancelRetrievePropertiesEx t2']);
  assert.equal(pending.size, 0);
});

test('a SoapCaller that does not stream returns objects and token in the result: handed over all the same', async () => {
  const all = Array.from({ length: 25 }, (_, i) => ({
    obj: { type: 'VirtualMachine', value: `vm-${i}` },
    propSet: [{ name: 'name', val: `VM${i}` }],
  }));
  const ctx = fakeContext(
    {
      RetrievePropertiesEx: () => ({ objects: all.slice(0, 10), token: 'a' }),
      ContinueRetrievePropertiesEx: (p) => (p.token === 'a' ? { objects: all.slice(10, 20), token: 'b' } : { objects: all.slice(20) }),
    },
    { pageSize: 10 },
  );
  const got: ObjectContent[] = [];
  await forEachObject(ctx, [], (oc) => got.push(oc));
  assert.deepEqual(names(got), names(all));
  assert.deepEqual(ctx.methods(), ['RetrievePropertiesEx', 'ContinueRetrievePropertiesEx', 'ContinueRetrievePropertiesEx']);
});

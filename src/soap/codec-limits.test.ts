// Hostile servers: endless nesting, endless text, endless bodies. Each is refused with one line naming the limit,
// early, in bounded memory (the streams below never end on their own).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { OperationError } from '../errors.js';
import { decodeResponse, SOAP_LIMITS } from './codec-decode.js';
import { returnsOf, testSchema } from './codec-test-schema.js';

const HEAD =
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval>';

/** A body that starts as a valid response (then `start`) and then repeats `unit` for ever (until the reader stops). */
function endless(unit: string, start = ''): Readable {
  let sent = 0;
  return new Readable({
    read() {
      this.push(sent++ === 0 ? HEAD + start : unit.repeat(4096));
    },
  });
}

async function refusal(body: Readable, limits = SOAP_LIMITS): Promise<string> {
  const before = process.memoryUsage().rss;
  try {
    await decodeResponse(testSchema, returnsOf('RetrievePropertiesEx'), body, { status: 200, method: 'RetrievePropertiesEx', limits });
  } catch (e) {
    assert.ok(e instanceof OperationError, String(e));
    assert.ok(!e.message.includes('\n'));
    assert.ok(process.memoryUsage().rss - before < 512 * 1024 * 1024, 'bounded memory');
    return e.message;
  } finally {
    body.destroy();
  }
  assert.fail('an endless response was accepted');
}

test('endless nesting is refused at the depth limit', async () => {
  assert.match(
    await refusal(endless('<objects>')),
    /^SOAP response to RetrievePropertiesEx refused: elements nest deeper than the limit of 200$/,
  );
});

test('endless nesting inside skipped (undeclared) elements is refused too', async () => {
  assert.match(await refusal(endless('<unknownThing>')), /nest deeper than the limit of 200/);
});

test('an endless tag is refused at the token limit', async () => {
  const limits = { ...SOAP_LIMITS, maxTokenChars: 1024 * 1024 };
  assert.match(
    await refusal(endless('x'.repeat(64), '<objects a="'), limits),
    /a single token is longer than the limit of 1048576 characters/,
  );
});

test('an endless text value is refused at the value limit', async () => {
  const limits = { ...SOAP_LIMITS, maxTokenChars: 1024 * 1024 };
  assert.match(await refusal(endless('a&amp;'.repeat(16), '<token>'), limits), /a value is longer than the limit of 1048576 characters/);
});

test('endless text between elements is refused at the byte limit', async () => {
  const limits = { ...SOAP_LIMITS, maxBytes: 4 * 1024 * 1024 };
  assert.match(await refusal(endless(' '.repeat(64)), limits), /the response is larger than the limit of 4194304 bytes/);
});

test('a body larger than the byte limit is refused', async () => {
  const limits = { ...SOAP_LIMITS, maxBytes: 4 * 1024 * 1024 };
  assert.match(
    await refusal(endless('<objects><obj type="VirtualMachine">vm-1</obj></objects>'), limits),
    /the response is larger than the limit of 4194304 bytes/,
  );
});

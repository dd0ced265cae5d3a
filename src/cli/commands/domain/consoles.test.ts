// The layouts of vncdisplay, domdisplay, domblkinfo --human and poll, and edit's editor and kept file.
import assert from 'node:assert/strict';
import test from 'node:test';
import { ConfigError, InvalidStateError, OperationError } from '../../../errors.js';
import { vncDisplayLine, vncUri } from './consoles.js';
import { humanSize } from './device-lists.js';
import { editorCommand, keepingFile } from './edit.js';
import { pollName } from './stats.js';

test("vncdisplay: ':N' for any address, as virsh prints it; 'addr:N' otherwise", () => {
  assert.equal(vncDisplayLine({ port: 5901 }), ':1');
  assert.equal(vncDisplayLine({ port: 5900, listen: '0.0.0.0' }), ':0');
  assert.equal(vncDisplayLine({ port: 5905, listen: '10.0.0.5' }), '10.0.0.5:5');
  assert.equal(vncDisplayLine({ port: 5905, listen: 'fe80::1' }), '[fe80::1]:5');
});

test("domdisplay: the VM's host unless a listen address is set; the password only when asked", () => {
  const v = { port: 5903, hostName: 'esx1.example.com', passwd: 'p@ss' };
  assert.equal(vncUri(v), 'vnc://esx1.example.com:3');
  assert.equal(vncUri(v, true), 'vnc://:p%40ss@esx1.example.com:3');
  assert.equal(vncUri({ ...v, listen: '10.1.1.1' }), 'vnc://10.1.1.1:3');
});

test("domblkinfo --human: virsh's units with three decimals", () => {
  assert.equal(humanSize(512), '512 B');
  assert.equal(humanSize(1099506450432), '1023.995 GiB');
  assert.equal(humanSize(1099511627776), '1.000 TiB');
});

test('poll: a name with spaces or quotes is quoted', () => {
  assert.equal(pollName('web01'), 'web01');
  assert.equal(pollName('my vm "x"'), '"my vm \\"x\\""');
});

test('edit: $VISUAL, then $EDITOR, then vi; a refusal keeps its class and names the kept file', () => {
  assert.equal(editorCommand({ VISUAL: 'code -w', EDITOR: 'nano' }), 'code -w');
  assert.equal(editorCommand({ EDITOR: 'nano' }), 'nano');
  assert.equal(editorCommand({}), 'vi');
  const e = keepingFile(new InvalidStateError('cannot apply'), '/tmp/x/web.xml');
  assert.ok(e instanceof InvalidStateError);
  assert.equal((e as Error).message, 'cannot apply; the edited XML is kept in /tmp/x/web.xml');
  assert.ok(keepingFile(new ConfigError('bad'), 'f') instanceof ConfigError);
  assert.ok(keepingFile(new Error('boom'), 'f') instanceof OperationError);
});

import assert from 'node:assert/strict';
import test from 'node:test';
import { ConnectionError, FaultError, HttpError } from '../../errors.js';
import { parseUri } from '../connect/uri.js';
import { faultLine } from './checks.js';
import { describeLocation } from './facts.js';
import { connectionLost } from './places.js';
import { isMissingMethod } from './placement.js';
import { requireMigratable, sameVCenter } from './vcenter.js';

test('a check fault is one line: its message without the final period, then its type', () => {
  assert.equal(
    faultLine({ fault: { _type: 'CannotAccessNetwork' }, localizedMessage: "Network 'x' is not\naccessible on host 'h'." }),
    "Network 'x' is not accessible on host 'h' (CannotAccessNetwork)",
  );
  assert.equal(faultLine({ fault: { _type: 'VMotionNotSupported' }, localizedMessage: '' }), 'VMotionNotSupported');
  assert.equal(faultLine({ fault: { _type: 'NotSupported' }, localizedMessage: 'NotSupported' }), 'NotSupported');
});

test('only vpx:// and esx://…?vcenter= take part in a migration', () => {
  assert.doesNotThrow(() => requireMigratable(parseUri('vpx://vc/dc/h')));
  assert.doesNotThrow(() => requireMigratable(parseUri('esx://h/?vcenter=*')));
  assert.throws(
    () => requireMigratable(parseUri('esx://h/')),
    /^InvalidArgumentError: a migration needs a vCenter: esx:\/\/h\/ names none; add \?vcenter=HOST \(or \?vcenter=\* for the one managing h\)$/,
  );
  assert.throws(
    () => requireMigratable(parseUri('gsx://h/')),
    /migration is not possible with VMware GSX\/Server \(gsx:\/\/h\/\): it has no vCenter/,
  );
});

test('two vCenters are one by instance UUID, else by address', () => {
  const vc = (target: string, instanceUuid?: string) => ({ client: {} as never, target, instanceUuid, owned: false });
  assert.equal(sameVCenter(vc('a:443', 'u1'), vc('b:443', 'u1')), true);
  assert.equal(sameVCenter(vc('a:443', 'u1'), vc('a:443', 'u2')), false);
  assert.equal(sameVCenter(vc('a:443'), vc('a:443')), true);
  assert.equal(sameVCenter(vc('a:443'), vc('b:443', 'u1')), false);
});

test('a lost connection and a missing method are told apart from other failures', () => {
  assert.equal(connectionLost(new ConnectionError('connection closed unexpectedly')), true);
  assert.equal(connectionLost(new HttpError(503, 'service unavailable')), true);
  assert.equal(connectionLost(new HttpError(500, 'internal')), false);
  assert.equal(connectionLost(new FaultError('InvalidState', 'no')), false);
  assert.equal(isMissingMethod(new FaultError('MethodNotFound', 'x')), true);
  assert.equal(isMissingMethod(new FaultError('InvalidArgument', 'x')), false);
});

test('a location in messages: host, cluster, datastores', () => {
  assert.equal(
    describeLocation({ host: 'h', computeResource: 'c', isCluster: true, datastores: ['a', 'b'], vmPathName: '' }),
    "host 'h' in cluster 'c', datastores 'a', 'b'",
  );
  assert.equal(describeLocation({ host: 'h', computeResource: 'h', isCluster: false, datastores: [], vmPathName: '' }), "host 'h'");
});

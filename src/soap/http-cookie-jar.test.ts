import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { CookieJar, SESSION_COOKIE } from './http-cookie-jar.js';

test('stores the vSphere session cookie verbatim (quotes kept) and renders a Cookie header', () => {
  const jar = new CookieJar();
  assert.equal(jar.header(), undefined);
  jar.storeFrom(['vmware_soap_session="52a1b2c3"; Path=/; HttpOnly; Secure;', 'other=1']);
  assert.equal(jar.get(SESSION_COOKIE), '"52a1b2c3"');
  assert.equal(jar.header(), 'vmware_soap_session="52a1b2c3"; other=1');
});

test('a later Set-Cookie replaces the value; Max-Age=0 and past Expires delete it', () => {
  const jar = new CookieJar();
  jar.storeFrom('a=1');
  jar.storeFrom('a=2; Path=/');
  assert.equal(jar.get('a'), '2');
  jar.storeFrom('a=x; Max-Age=0');
  assert.equal(jar.get('a'), undefined);
  jar.storeFrom('b=1');
  jar.storeFrom('b=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  assert.equal(jar.get('b'), undefined);
  assert.equal(jar.header(), undefined);
});

test('cookies expire by Max-Age (which wins over Expires) using the injected clock', () => {
  let now = 1_000_000;
  const jar = new CookieJar(() => now);
  jar.storeFrom('s=1; Max-Age=10; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  assert.equal(jar.get('s'), '1');
  now += 9_999;
  assert.equal(jar.header(), 's=1');
  now += 1;
  assert.equal(jar.get('s'), undefined);
  assert.equal(jar.header(), undefined);
});

test('malformed lines are ignored; set/delete/clear work; invalid names are refused', () => {
  const jar = new CookieJar();
  jar.storeFrom(['novalue', '=x', ' ; Path=/']);
  assert.equal(jar.header(), undefined);
  jar.set(SESSION_COOKIE, '"abc"');
  jar.set('x', 'y');
  assert.equal(jar.header(), 'vmware_soap_session="abc"; x=y');
  jar.delete('x');
  assert.equal(jar.header(), 'vmware_soap_session="abc"');
  jar.clear();
  assert.equal(jar.header(), undefined);
  assert.throws(() => jar.set('a b', '1'), InvalidArgumentError);
  assert.throws(() => jar.set('a', '1;evil=2'), InvalidArgumentError);
});

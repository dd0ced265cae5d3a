import assert from 'node:assert/strict';
import test from 'node:test';
import { EsxError } from '../../errors.js';
import { defaultUsername, formatUri, isEsxUri, parseUri } from './uri.js';

test('esx/gsx/vpx default ports, by transport', () => {
  assert.equal(parseUri('esx://h').port, 443);
  assert.equal(parseUri('esx://h?transport=http').port, 80);
  assert.equal(parseUri('vpx://vc/dc/h').port, 443);
  assert.equal(parseUri('gsx://h').port, 8333);
  assert.equal(parseUri('gsx://h/?transport=http').port, 8222);
  assert.equal(parseUri('esx://h:9443/').port, 9443);
});

test('user, vpx paths with folders and clusters, parameters', () => {
  const u = parseUri(
    'vpx://admin%40corp@vc.example.com/folder1/dc1/cluster1/esx1.example.com?no_verify=1&auto_answer=1&proxy=socks://p.example:2345',
  );
  assert.equal(u.username, 'admin@corp');
  assert.deepEqual(u.path, ['folder1', 'dc1', 'cluster1', 'esx1.example.com']);
  assert.equal(u.noVerify, true);
  assert.equal(u.autoAnswer, true);
  assert.deepEqual(u.proxy, { type: 'socks5', host: 'p.example', port: 2345 });
  assert.equal(parseUri('esx://h/?vcenter=*').vcenter, '*');
  assert.equal(parseUri('esx://[::1]:8443').host, '::1');
});

test('canonical form round-trips', () => {
  for (const s of ['esx://root@h/', 'vpx://vc/dc/c/h?no_verify=1', 'gsx://h:9000/?transport=http&auto_answer=1']) {
    assert.equal(formatUri(parseUri(s)), s);
  }
});

test('malformed URIs and parameters are clear errors', () => {
  const bad: [string, RegExp][] = [
    ['esx+ssh://h', /client-side only/],
    ['qemu:///system', /unsupported URI scheme 'qemu'/],
    ['esx://', /lacks a hostname/],
    ['esx://h?no_verify=yes', /'no_verify' has unexpected value 'yes'/],
    ['esx://h?transport=ftp', /'transport'/],
    ['esx://h:99999', /invalid port '99999' in URI: expecting a number from 1 to 65535/],
    ['esx://127.0.0.1:abc/', /^invalid port 'abc' in URI/],
    ['esx://127.0.0.1:-1/', /^invalid port '-1' in URI/],
    ['esx://:443/', /lacks a hostname/],
    ['esx://[fe80::1%eth0]/', /invalid IPv6 zone '%eth0' in URI: write it as %25/],
    ['esx://[fe80::1/', /missing '\]'/],
    ['esx://[nothex]/', /invalid IPv6 address 'nothex'/],
    ['esx://[::1]x/', /unexpected 'x' after the IPv6 address/],
    ['esx://a_b!c/', /invalid hostname 'a_b!c'/],
    ['esx://h/dc/host', /takes no path/],
    ['vpx://vc', /must name the datacenter and the host/],
    ['vpx://vc/h?vcenter=x', /only for esx/],
    ['esx://u:pw@h', /passwords are not accepted/],
    ['esx://h?proxy=ftp://p', /proxy/],
    ['not a uri', /malformed URI/],
  ];
  for (const [s, re] of bad) {
    assert.throws(
      () => parseUri(s),
      (e: unknown) => e instanceof EsxError && e.code === 'InvalidArgument' && re.test(e.message),
      s,
    );
  }
});

test('IPv6 literals, with a zone identifier (%25), and their ports', () => {
  const u = parseUri('esx://[fe80::1%25eth0]:8443/');
  assert.equal(u.host, 'fe80::1%eth0');
  assert.equal(u.port, 8443);
  assert.equal(formatUri(u), 'esx://[fe80::1%25eth0]:8443/');
});

test('unknown query parameters are ignored and reported, as libvirt does; the URI text is kept as given', () => {
  const u = parseUri('esx://h:18443/?foo=1&no_verify=1&colour=blue');
  assert.deepEqual(u.ignoredParams, ['foo', 'colour']);
  assert.equal(u.noVerify, true);
  assert.equal(u.text, 'esx://h:18443/?foo=1&no_verify=1&colour=blue');
  // an empty port is the default port (RFC 3986)
  assert.equal(parseUri('esx://h:/').port, 443);
});

test('scheme detection and default users', () => {
  assert.ok(isEsxUri('ESX://h'));
  assert.ok(!isEsxUri('qemu:///system'));
  assert.equal(defaultUsername('esx'), 'root');
  assert.equal(defaultUsername('gsx'), 'root');
  assert.equal(defaultUsername('vpx'), 'administrator');
});

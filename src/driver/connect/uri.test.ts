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
  const u = parseUri('vpx://admin%40corp@vc.example.com/folder1/dc1/cluster1/esx1.example.com?no_verify=1&auto_answer=1&proxy=socks://p.example:2345');
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
    ['esx://h?bogus=1', /unknown query parameter 'bogus'/],
    ['esx://h?no_verify=yes', /'no_verify' has unexpected value 'yes'/],
    ['esx://h?transport=ftp', /'transport'/],
    ['esx://h:99999', /invalid port/],
    ['esx://h/dc/host', /takes no path/],
    ['vpx://vc', /must name the datacenter and the host/],
    ['vpx://vc/h?vcenter=x', /only for esx/],
    ['esx://u:pw@h', /passwords are not accepted/],
    ['esx://h?proxy=ftp://p', /proxy/],
    ['not a uri', /malformed URI/],
  ];
  for (const [s, re] of bad) {
    assert.throws(() => parseUri(s), (e: unknown) => e instanceof EsxError && e.code === 'InvalidArgument' && re.test(e.message), s);
  }
});

test('scheme detection and default users', () => {
  assert.ok(isEsxUri('ESX://h'));
  assert.ok(!isEsxUri('qemu:///system'));
  assert.equal(defaultUsername('esx'), 'root');
  assert.equal(defaultUsername('gsx'), 'root');
  assert.equal(defaultUsername('vpx'), 'administrator');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from '../errors.js';
import { formatProxy, parseProxy } from './proxy.js';

test('parseProxy: type defaults to http and port to 1080', () => {
  assert.deepEqual(parseProxy('proxy.example.com'), { type: 'http', host: 'proxy.example.com', port: 1080 });
  assert.deepEqual(parseProxy('proxy.example.com:3128'), { type: 'http', host: 'proxy.example.com', port: 3128 });
  assert.deepEqual(parseProxy('http://10.0.0.1'), { type: 'http', host: '10.0.0.1', port: 1080 });
});

test('parseProxy: socks is socks5; socks4, socks4a and socks5 are kept; type is case-insensitive', () => {
  assert.deepEqual(parseProxy('socks://example-proxy.com:23456'), { type: 'socks5', host: 'example-proxy.com', port: 23456 });
  assert.deepEqual(parseProxy('socks4://h'), { type: 'socks4', host: 'h', port: 1080 });
  assert.deepEqual(parseProxy('socks4a://h:1'), { type: 'socks4a', host: 'h', port: 1 });
  assert.deepEqual(parseProxy('SOCKS5://h:65535'), { type: 'socks5', host: 'h', port: 65535 });
});

test('parseProxy: IPv6 in brackets, trailing slash tolerated', () => {
  assert.deepEqual(parseProxy('socks5://[::1]:9050'), { type: 'socks5', host: '::1', port: 9050 });
  assert.deepEqual(parseProxy('[2001:db8::2]'), { type: 'http', host: '2001:db8::2', port: 1080 });
  assert.deepEqual(parseProxy('http://p:8080/'), { type: 'http', host: 'p', port: 8080 });
});

test('parseProxy: malformed values throw InvalidArgumentError saying why', () => {
  const cases: [string, RegExp][] = [
    ['', /empty value/],
    ['ftp://h', /unknown proxy type 'ftp'/],
    ['://h', /missing proxy type/],
    ['http://', /missing host/],
    ['h:', /missing port/],
    ['h:abc', /invalid port 'abc'/],
    ['h:0', /out of range/],
    ['h:65536', /out of range/],
    ['h:123456', /invalid port/],
    ['user:pw@h:1', /credentials are not supported/],
    ['h:1/path', /path or query/],
    ['h:1?x=1', /path or query/],
    ['::1', /IPv6 addresses must be written in brackets/],
    ['[::1', /unterminated/],
    ['[::1]x', /unexpected 'x'/],
    ['[nothex]:1', /not an IPv6 address/],
    ['bad host:1', /invalid host/],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseProxy(input),
      (e: unknown) => {
        assert.ok(e instanceof InvalidArgumentError, `${input}: ${String(e)}`);
        assert.equal(e.code, 'InvalidArgument');
        assert.match(e.message, message, input);
        assert.match(e.message, /\[type:\/\/\]host\[:port\]/);
        return true;
      },
    );
  }
});

test('parseProxy: the message quotes the input and names the reason', () => {
  assert.throws(() => parseProxy('socks6://h'), /invalid proxy 'socks6:\/\/h': unknown proxy type 'socks6'/);
});

test('formatProxy round-trips through parseProxy', () => {
  for (const text of ['http://h:1', 'socks5://[::1]:1080', 'socks4a://a.b:99', 'socks4://1.2.3.4:5']) {
    assert.equal(formatProxy(parseProxy(text)), text);
  }
});

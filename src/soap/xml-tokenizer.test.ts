import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { XmlSyntaxError, XmlTokenizer, decodeEntities } from './xml-tokenizer.js';

type Ev = [string, ...string[]];

function events(chunks: string[]): Ev[] {
  const out: Ev[] = [];
  const t = new XmlTokenizer({
    opentag: (tag) => {
      const attrs = Object.values(tag.attributes)
        .map((a) => `${a.uri}|${a.local}=${a.value}`)
        .sort();
      out.push(['open', tag.uri, tag.local, ...attrs]);
    },
    closetag: (n) => out.push(['close', n]),
    text: (x) => {
      const last = out[out.length - 1];
      if (last && last[0] === 'text') last[1] += x;
      else out.push(['text', x]);
    },
  });
  for (const c of chunks) t.write(c);
  t.close();
  return out;
}

function saxesEvents(xml: string): Ev[] {
  const out: Ev[] = [];
  const p = new SaxesParser({ xmlns: true });
  p.on('opentag', (tag) => {
    const attrs = Object.values(tag.attributes)
      .map((a) => (typeof a === 'string' ? a : `${a.uri}|${a.local}=${a.value}`))
      .sort();
    out.push(['open', tag.uri ?? '', tag.local ?? tag.name, ...attrs]);
  });
  p.on('closetag', (tag) => out.push(['close', tag.name]));
  const text = (x: string): void => {
    const last = out[out.length - 1];
    if (last && last[0] === 'text') last[1] += x;
    else out.push(['text', x]);
  };
  p.on('text', text);
  p.on('cdata', text);
  p.write(xml).close();
  // whitespace outside the root element is not reported by ours
  while (out[0]?.[0] === 'text') out.shift();
  return out;
}

const SAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<soapenv:Body><RetrievePropertiesExResponse xmlns="urn:vim25"><returnval><objects>
<obj type="VirtualMachine">vm-1</obj><propSet><name>name</name>
<val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="xsd:string">a&lt;b&amp;c&gt;&quot;d&apos;e]]&gt;f &#233;&#x1F600;</val>
</propSet><!-- comment --><x a='1>2' b="&amp;"/><![CDATA[raw <stuff> & ]]></objects></returnval></RetrievePropertiesExResponse></soapenv:Body></soapenv:Envelope>`;

test('same events as saxes (namespaces, entities, CDATA, comments, self-closing, > in attributes)', () => {
  assert.deepEqual(events([SAMPLE]), saxesEvents(SAMPLE));
});

test('any chunking gives the same events', () => {
  const whole = events([SAMPLE]);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: SAMPLE.length - 1 }), { maxLength: 12 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b);
      const chunks: string[] = [];
      let last = 0;
      for (const p of points) {
        chunks.push(SAMPLE.slice(last, p));
        last = p;
      }
      chunks.push(SAMPLE.slice(last));
      assert.deepEqual(events(chunks), whole);
    }),
  );
});

test('text with XML-special characters round-trips through escaping', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
      const esc = clean.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      const ev = events([`<r>${esc}</r>`]);
      assert.equal(ev.find((e) => e[0] === 'text')?.[1] ?? '', clean);
    }),
  );
});

test('malformed XML is an XmlSyntaxError', () => {
  const bad = [
    '<a><b></a>',
    '<a>',
    '</a>',
    '<a></a><b></b>',
    'text<a/>',
    '<a>&bogus;</a>',
    '<a>x & y</a>',
    '<p:a/>',
    '<a b="1/>',
    '<!DOCTYPE a><a/>',
    '<a><!-- x</a>',
    '<a b="1" b="2"/>',
    '',
    '<a>&#0;</a>',
    '<a q:x="1"/>',
  ];
  for (const x of bad) assert.throws(() => events([x]), XmlSyntaxError, x);
});

test('decodeEntities', () => {
  assert.equal(decodeEntities('a&amp;b&#65;&#x42;'), 'a&bAB');
  assert.throws(() => decodeEntities('a & b'), XmlSyntaxError);
});

/**
 * A small HTTP proxy in front of esxvirt's simulator that normalises its SOAP answers the way ../shared/vcsim's proxy
 * does for the stock simulator: `XMLSchema-instance:type` becomes `xsi:type`, and every item of an ArrayOfX value
 * gets an explicit xsi:type, as real ESX and vCenter send them. libvirt's ESX driver (virsh) needs both; the stock
 * simulator cannot serve virsh's storage commands (no datastore mount path: virsh crashes), so the comparisons with
 * virsh run against our simulator through this proxy. Datastore transfers (/folder) pass through as streams.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const PRIMITIVE: Record<string, string> = {
  String: 'xsd:string',
  Int: 'xsd:int',
  Long: 'xsd:long',
  Boolean: 'xsd:boolean',
  Short: 'xsd:short',
  Byte: 'xsd:byte',
  DateTime: 'xsd:dateTime',
  AnyURI: 'xsd:anyURI',
  Base64Binary: 'xsd:base64Binary',
};

/** Gives each item of every ArrayOfX value an xsi:type (items are <X> elements, or <x> for primitives). */
export function typeArrayItems(body: string): string {
  return body.replace(/xsi:type="ArrayOf(\w+)"([^>]*)>([\s\S]*?)<\/val>/g, (_m, item: string, attrs: string, inner: string) => {
    const prim = PRIMITIVE[item];
    const tag = prim !== undefined ? item[0]?.toLowerCase() + item.slice(1) : item;
    const type = prim ?? item;
    const typed = inner.replace(new RegExp(`<${tag}((?: [^>]*)?)>`, 'g'), (open: string, rest: string) =>
      open.includes('xsi:type') ? open : `<${tag} xsi:type="${type}"${rest}>`,
    );
    return `xsi:type="ArrayOf${item}"${attrs}>${typed}</val>`;
  });
}

/** Normalises one SOAP answer. */
export function normaliseSoap(body: string): string {
  return typeArrayItems(
    body
      .replaceAll(' xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance"', '')
      .replaceAll('XMLSchema-instance:type=', 'xsi:type='),
  );
}

/** A running proxy. */
export interface XsiProxy {
  port: number;
  close(): Promise<void>;
}

/** Starts the proxy on 127.0.0.1 in front of `target` (http://host:port of a plain-HTTP simulator). */
export async function startXsiProxy(target: URL): Promise<XsiProxy> {
  const server = http.createServer((req, res) => {
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        if (!(req.url ?? '').startsWith('/sdk')) {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          const body = Buffer.from(normaliseSoap(Buffer.concat(chunks).toString('utf8')), 'utf8');
          const headers = { ...answer.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

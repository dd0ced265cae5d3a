/** HTTP client for the simulator launcher's /esxvirt-test/ control endpoints. */
import http from 'node:http';
import https from 'node:https';
import { HttpError, OperationError } from '../../src/errors.js';

/** POSTs /esxvirt-test/<name>?params to the launcher and resolves with its JSON answer. */
export function controlRequest(
  base: URL,
  ca: Buffer | undefined,
  name: string,
  params: Record<string, string | number | boolean>,
): Promise<unknown> {
  const u = new URL(`/esxvirt-test/${name}`, base);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage): void => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => (body += s));
      res.on('end', () => {
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          const msg = (json as { error?: string } | undefined)?.error ?? body.slice(0, 200);
          reject(new HttpError(status, `vcsim control ${name}: HTTP ${status}: ${msg}`));
          return;
        }
        resolve(json);
      });
      res.on('error', reject);
    };
    const req =
      base.protocol === 'https:'
        ? https.request(u, { method: 'POST', ca, agent: false }, onResponse)
        : http.request(u, { method: 'POST', agent: false }, onResponse);
    req.on('error', (e) => reject(new OperationError(`vcsim control ${name}: ${e.message}`, { cause: e })));
    req.end();
  });
}

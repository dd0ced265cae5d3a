/**
 * The node side of the soap-list benchmark as a process of its own (so process start counts, as it does for
 * pyvmomi): connects, lists name and power state of every VM, logs out, prints one JSON line.
 *
 *   node dist/bench/soap-list-cli.js URL USER PASSWORD [PAGE_SIZE]
 *
 * Certificate checks are off: the simulator's certificate is self-signed.
 */
import { pathToFileURL } from 'node:url';
import { VimClient } from '../src/vim25/client.js';
import { VirtualMachineProps } from '../src/vim25/generated/props.js';

/** Connects, lists, closes; returns what it measured. */
export async function listOnce(url: string, username: string, password: string, pageSize?: number): Promise<Record<string, number>> {
  const t0 = performance.now();
  const c = await VimClient.connect({ url, username, password, noVerify: true, pageSize });
  const t1 = performance.now();
  const calls = c.stats.soapCalls;
  const vms = await c.inventory.listVms([VirtualMachineProps.name, VirtualMachineProps.powerState]);
  const t2 = performance.now();
  const listCalls = c.stats.soapCalls - calls;
  await c.close();
  return {
    count: vms.length,
    connect_ms: Math.round((t1 - t0) * 10) / 10,
    list_ms: Math.round((t2 - t1) * 10) / 10,
    soap_calls: listCalls,
    max_rss_kib: process.resourceUsage().maxRSS,
  };
}

const [url, user, password, page] = process.argv.slice(2);
const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && url !== undefined && user !== undefined && password !== undefined) {
  listOnce(url, user, password, page === undefined ? undefined : Number(page)).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}

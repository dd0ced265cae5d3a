/** Opening the connection a command works on: -c/--connect, ESXVIRT_DEFAULT_URI, or LIBVIRT_DEFAULT_URI. */
import { InvalidArgumentError } from '../errors.js';
import { Connection, isEsxUri } from '../driver/connect/index.js';
import type { GlobalOptions } from './global-options.js';
import { terminalPrompter } from './prompt.js';
import type { Streams } from './io.js';

/** The URI to use, or a clear error saying how to give one. */
export function resolveUri(global: GlobalOptions, env: NodeJS.ProcessEnv = process.env): string {
  if (global.connect) return global.connect;
  if (env.ESXVIRT_DEFAULT_URI) return env.ESXVIRT_DEFAULT_URI;
  if (env.LIBVIRT_DEFAULT_URI && isEsxUri(env.LIBVIRT_DEFAULT_URI)) return env.LIBVIRT_DEFAULT_URI;
  throw new InvalidArgumentError(
    'no connection URI: use -c esx://HOST (or gsx://, vpx://VCENTER/DC/[CLUSTER/]HOST) or set ESXVIRT_DEFAULT_URI',
  );
}

/** True when a connection URI is given (-c) or set as default: commands that work offline then use the connection. */
export function hasConnectionUri(global: GlobalOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    resolveUri(global, env);
    return true;
  } catch {
    return false;
  }
}

/**
 * Timeouts from the environment, in seconds: ESXVIRT_IDLE_TIMEOUT (no progress on a request), ESXVIRT_CALL_TIMEOUT
 * (one call, answer included) and ESXVIRT_RETRY_DEADLINE (no retry starts later); 0 turns the last two off.
 */
export function timeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  idleTimeoutMs?: number;
  callTimeoutMs?: number;
  retryDeadlineMs?: number;
} {
  const seconds = (name: string, min: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    if (!/^\d+(\.\d+)?$/.test(text.trim()) || Number(text) < min) {
      throw new InvalidArgumentError(`${name} must be a number of seconds${min > 0 ? ` of at least ${min}` : ''}, got '${text}'`);
    }
    return Math.round(Number(text) * 1000);
  };
  const out: { idleTimeoutMs?: number; callTimeoutMs?: number; retryDeadlineMs?: number } = {};
  const idle = seconds('ESXVIRT_IDLE_TIMEOUT', 0.001);
  const call = seconds('ESXVIRT_CALL_TIMEOUT', 0);
  const retry = seconds('ESXVIRT_RETRY_DEADLINE', 0);
  if (idle !== undefined) out.idleTimeoutMs = idle;
  if (call !== undefined) out.callTimeoutMs = call;
  if (retry !== undefined) out.retryDeadlineMs = retry;
  return out;
}

/** Opens the connection, runs `fn`, and always closes (logs out). `deferHost`: see OpenOptions. */
export async function withConnection<T>(
  global: GlobalOptions,
  io: Streams,
  fn: (conn: Connection) => Promise<T>,
  opts: { deferHost?: boolean } = {},
): Promise<T> {
  const prompter = terminalPrompter();
  const conn = await Connection.open(resolveUri(global), {
    ...(prompter ? { prompter } : {}),
    ...(global.debug ? { debug: (m: string) => io.err(`debug: ${m}\n`) } : {}),
    warn: (m: string) => io.err(`warning: ${m}\n`),
    ...(opts.deferHost ? { deferHost: true } : {}),
    ...timeoutsFromEnv(),
  });
  try {
    return await fn(conn);
  } finally {
    await conn.close().catch(() => undefined);
    // SOAP requests of this command (logout included), for benchmarks
    if (process.env.ESXVIRT_STATS === '1') io.err(`debug: soap calls ${conn.client.stats.soapCalls}\n`);
  }
}

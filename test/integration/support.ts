/**
 * Shared bits of the vim25 integration suites: connecting to a simulator, and a simulator that accepts only one
 * user name and password (the launcher's -listen user:pass@host:port; vcsim then refuses other credentials).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSimulatorBinary, type Simulator } from '../harness/vcsim.js';
import { VimClient, type ConnectOptions } from '../../src/vim25/client.js';

/** Connects to `sim` trusting its certificate by thumbprint; fast retries so tests do not wait. */
export function connectTo(sim: Simulator, over: Partial<ConnectOptions> = {}): Promise<VimClient> {
  return VimClient.connect({
    url: sim.url,
    username: 'user',
    password: 'pass',
    thumbprint: sim.tls ? sim.thumbprint : undefined,
    retryDelayMs: 20,
    ...over,
  });
}

/** A running simulator that only accepts `username`/`password`. */
export interface CredentialSimulator {
  url: string;
  thumbprint: string;
  stop(): Promise<void>;
}

/** Starts an ESX simulator restricted to one login. */
export async function startCredentialSimulator(username: string, password: string): Promise<CredentialSimulator> {
  const bin = await ensureSimulatorBinary();
  const tmp = mkdtempSync(join(tmpdir(), 'esxvirt-vcsim-cred-'));
  const listen = `${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:0`;
  const child = spawn(bin, ['-model', 'esx', '-listen', listen, '-quiet'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        buf += s;
        const nl = buf.indexOf('\n');
        if (nl >= 0) resolve(buf.slice(0, nl));
      });
      child.once('exit', (code) => reject(new Error(`credential simulator exited (${code}): ${stderr}`)));
      setTimeout(() => reject(new Error('credential simulator did not start')), 60_000).unref();
    });
    const info = JSON.parse(line) as { url: string; thumbprint: string };
    return { url: info.url, thumbprint: info.thumbprint, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

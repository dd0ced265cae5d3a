/**
 * Running bin/esxvirt against a simulator the way users do: a URI with the simulator's thumbprint
 * pinned, credentials from an auth.conf (LIBVIRT_AUTH_FILE), no terminal.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from '../harness/vcsim.js';

/** The result of one CLI run. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** esx:// (ESX model) or vpx://…/DC0/DC0_C0/DC0_C0_H0 (VPX model) URI of a simulator, thumbprint pinned. */
export function simulatorUri(sim: Simulator, opts: { path?: string; params?: string } = {}): string {
  const scheme = sim.model === 'vpx' ? 'vpx' : 'esx';
  const path = opts.path ?? (sim.model === 'vpx' ? 'DC0/DC0_C0/DC0_C0_H0' : '');
  const params = [sim.tls ? `thumbprint=${sim.thumbprint}` : 'transport=http', opts.params].filter(Boolean).join('&');
  return `${scheme}://127.0.0.1:${sim.port}/${path}?${params}`;
}

/** Writes an auth.conf with credentials for 127.0.0.1 and returns its path. */
export function writeAuthConf(username = 'root', password = 'secret pass'): string {
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-auth-'));
  const file = join(dir, 'auth.conf');
  writeFileSync(file, `[credentials-sim]\nusername=${username}\npassword=${password}\n\n[auth-esx-127.0.0.1]\ncredentials=sim\n`);
  return file;
}

/** Runs `bin/esxvirt args…` with LIBVIRT_AUTH_FILE set; stdin is empty (not a terminal). */
export function runCli(args: string[], opts: { authFile?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...(opts.authFile ? { LIBVIRT_AUTH_FILE: opts.authFile } : {}) };
    delete env.ESXVIRT_DEFAULT_URI;
    delete env.LIBVIRT_DEFAULT_URI;
    Object.assign(env, opts.env ?? {});
    env.ESXVIRT_NODE = process.execPath;
    const child = spawn(join(process.cwd(), 'bin/esxvirt'), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    // a CLI that exits before reading its (empty) stdin closes the pipe first: EPIPE is no failure of the test
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    child.stdin.end(opts.input ?? '');
  });
}

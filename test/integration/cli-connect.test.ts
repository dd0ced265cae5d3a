/**
 * Connecting through bin/esxvirt as users do: URI checks, server kind checks, TLS policy, where credentials come
 * from (auth.conf by LIBVIRT_AUTH_FILE or XDG_CONFIG_HOME, user name in the URI), default URIs from the
 * environment, vpx:// paths through folders, and failures that must be quick, one line and password-free.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddStandaloneHost_Task, CreateDatacenter, CreateFolder } from '../../src/vim25/generated/methods.js';
import { DatacenterProps, prop, retrieveOne, waitForTask, type MoRef } from '../../src/vim25/index.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { simulatorUri, writeAuthConf, type CliResult } from './cli-support.js';
import { connectTo, startCredentialSimulator, type CredentialSimulator } from './support.js';

/** Runs bin/esxvirt with exactly `env` (plus PATH), stdin not a terminal; fails the test if it outlives `timeoutMs`. */
function run(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20_000): Promise<CliResult & { ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const home = mkdtempSync(join(tmpdir(), 'esxvirt-home-'));
    const child = spawn(join(process.cwd(), 'bin/esxvirt'), args, {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), ESXVIRT_NODE: process.execPath, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`esxvirt ${args.join(' ')} still running after ${timeoutMs} ms (waiting for input?)`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: Date.now() - started });
    });
    // An open, silent stdin: a CLI that tried to read credentials from it would hang here.
    child.stdin.on('error', () => undefined);
  });
}

function authConf(dir: string, host: string, username: string | undefined, password: string): string {
  const file = join(dir, 'auth.conf');
  writeFileSync(
    file,
    `[credentials-t]\n${username !== undefined ? `username=${username}\n` : ''}password=${password}\n\n[auth-esx-${host}]\ncredentials=t\n`,
  );
  return file;
}

function oneErrorLine(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`);
  assert.equal(r.stdout, '');
  return lines[0] as string;
}

describe('CLI connections', () => {
  let esx: Simulator;
  let vpx: Simulator;
  let cred: CredentialSimulator;
  let credPort: string;
  const auth = writeAuthConf();
  const PASSWORD = 'pw-Zq7#secret';

  before(async () => {
    [esx, vpx, cred] = await Promise.all([
      startSimulator({ model: 'esx', quiet: true }),
      startSimulator({ model: 'vpx', quiet: true }),
      startCredentialSimulator('alice', PASSWORD),
    ]);
    credPort = new URL(cred.url).port;
  });
  after(async () => {
    await Promise.all([esx?.stop(), vpx?.stop(), cred?.stop()]);
  });

  it('esx:// refuses a vCenter and vpx:// an ESX host, saying which scheme to use', async () => {
    const a = await run(['-c', `esx://127.0.0.1:${vpx.port}/?thumbprint=${vpx.thumbprint}`, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(a.status, 2);
    assert.match(
      oneErrorLine(a),
      /^error: 127\.0\.0\.1 is a vCenter \(VMware vCenter Server [^)]*\): connect with vpx:\/\/127\.0\.0\.1:\d+\/DATACENTER\/\[CLUSTER\/\]HOST$/,
    );
    const b = await run(['-c', `vpx://127.0.0.1:${esx.port}/ha-datacenter/localhost?thumbprint=${esx.thumbprint}`, 'uri'], {
      LIBVIRT_AUTH_FILE: auth,
    });
    assert.equal(b.status, 2);
    assert.match(
      oneErrorLine(b),
      /^error: 127\.0\.0\.1 is not a vCenter but VMware ESXi 6\.5\.0 build-\d+: connect with esx:\/\/127\.0\.0\.1:\d+\/ instead of vpx:\/\/$/,
    );
  });

  it('unknown URI parameters and malformed URIs: exit 2 with one line, before any network access', async () => {
    const cases: [string, RegExp][] = [
      ['esx://', /^error: URI 'esx:\/\/' lacks a hostname$/],
      ['esx+ssh://example.com/', /^error: unsupported URI scheme 'esx\+ssh'.*client-side only/],
      ['qemu:///system', /^error: unsupported URI scheme 'qemu'/],
      ['not a uri', /^error: malformed URI 'not a uri'/],
      [`esx://127.0.0.1:99999/`, /^error: invalid port '99999' in URI: expecting a number from 1 to 65535$/],
      ['esx://127.0.0.1:abc/', /^error: invalid port 'abc' in URI/],
      ['esx://127.0.0.1:-1/', /^error: invalid port '-1' in URI/],
      ['esx://[fe80::1%eth0]:443/', /^error: invalid IPv6 zone '%eth0' in URI/],
      [`esx://127.0.0.1/?no_verify=yes`, /^error: query parameter 'no_verify' has unexpected value 'yes'/],
      ['vpx://vc.example.com/', /^error: vpx:\/\/ URI .* must name the datacenter and the host/],
      ['esx://root:pw@example.com/', /^error: passwords are not accepted in the URI/],
    ];
    for (const [uri, re] of cases) {
      const r = await run(['-c', uri, 'list'], { LIBVIRT_AUTH_FILE: auth });
      assert.equal(r.status, 2, `${uri}: ${r.stderr}`);
      assert.match(oneErrorLine(r), re, uri);
      assert.doesNotMatch(r.stderr, /\bpw\b/);
    }
  });

  it('unknown URI parameters are ignored with a warning, as libvirt does, so virsh scripts keep working', async () => {
    const uri = `esx://127.0.0.1:${esx.port}/?colour=blue&thumbprint=${esx.thumbprint}`;
    const r = await run(['-c', uri, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${uri}\n\n`);
    assert.match(r.stderr, /^warning: ignoring unexpected query parameter 'colour' in URI \(known: [a-z_, ]+\)\n$/);
  });

  it('TLS: the self-signed certificate is refused unless no_verify=1 or its thumbprint is given', async () => {
    const base = `esx://127.0.0.1:${esx.port}/`;
    const r = await run(['-c', base, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(r.status, 1);
    assert.match(oneErrorLine(r), /^error: .*no_verify=1/);
    const ok1 = await run(['-c', `${base}?no_verify=1`, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(ok1.status, 0, ok1.stderr);
    const ok2 = await run(['-c', `${base}?thumbprint=${esx.thumbprint}`, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(ok2.status, 0, ok2.stderr);
  });

  it('no credentials and no terminal: fails at once and says how to provide them', async () => {
    const r = await run(['-c', simulatorUri(esx), 'list']);
    assert.equal(r.status, 1);
    const line = oneErrorLine(r);
    assert.match(
      line,
      /^error: authentication failed: no credentials for 127\.0\.0\.1: no auth\.conf was found and standard input is not a terminal/,
    );
    assert.match(line, /LIBVIRT_AUTH_FILE/);
    assert.match(line, /\[auth-esx-127\.0\.0\.1\] credentials=NAME/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms`);
  });

  it('credentials from LIBVIRT_AUTH_FILE, and from $XDG_CONFIG_HOME/libvirt/auth.conf', async () => {
    const uri = `esx://127.0.0.1:${credPort}/?thumbprint=${cred.thumbprint}`;
    const dir = mkdtempSync(join(tmpdir(), 'esxvirt-cc-'));
    const viaEnv = await run(['-c', uri, 'list', '--all'], { LIBVIRT_AUTH_FILE: authConf(dir, '127.0.0.1', 'alice', PASSWORD) });
    assert.equal(viaEnv.status, 0, viaEnv.stderr);
    assert.match(viaEnv.stdout, /ha-host_VM0/);
    const xdg = mkdtempSync(join(tmpdir(), 'esxvirt-xdg-'));
    mkdirSync(join(xdg, 'libvirt'));
    authConf(join(xdg, 'libvirt'), '127.0.0.1', 'alice', PASSWORD);
    const viaXdg = await run(['-c', uri, 'list', '--all'], { XDG_CONFIG_HOME: xdg });
    assert.equal(viaXdg.status, 0, viaXdg.stderr);
    assert.match(viaXdg.stdout, /ha-host_VM1/);
  });

  it('the user name in the URI wins; its password comes from auth.conf only for that user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'esxvirt-cu-'));
    const file = authConf(dir, '127.0.0.1', 'alice', PASSWORD);
    const ok = await run(['-c', `esx://alice@127.0.0.1:${credPort}/?thumbprint=${cred.thumbprint}`, 'uri'], { LIBVIRT_AUTH_FILE: file });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout, `esx://alice@127.0.0.1:${credPort}/?thumbprint=${cred.thumbprint}\n\n`);
    const other = await run(['-c', `esx://bob@127.0.0.1:${credPort}/?thumbprint=${cred.thumbprint}`, 'uri'], { LIBVIRT_AUTH_FILE: file });
    assert.equal(other.status, 1);
    assert.match(oneErrorLine(other), /^error: authentication failed: no credentials for 127\.0\.0\.1: '.*auth\.conf' has none for it/);
  });

  it('wrong password: "authentication failed", exit 1, the password never shown (not even with --debug)', async () => {
    const wrong = 'Wr0ng-pa55word!';
    const dir = mkdtempSync(join(tmpdir(), 'esxvirt-cw-'));
    for (const debug of [[], ['--debug']]) {
      const r = await run([...debug, '-c', `esx://127.0.0.1:${credPort}/?thumbprint=${cred.thumbprint}`, 'list'], {
        LIBVIRT_AUTH_FILE: authConf(dir, '127.0.0.1', 'alice', wrong),
      });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^error: authentication failed: /);
      if (debug.length === 0) oneErrorLine(r);
      for (const secret of [wrong, encodeURIComponent(wrong), PASSWORD]) assert.ok(!(r.stdout + r.stderr).includes(secret), r.stderr);
    }
  });

  it('ESXVIRT_DEFAULT_URI, then LIBVIRT_DEFAULT_URI (only esx/gsx/vpx) when -c is absent; -c wins', async () => {
    const esxUri = simulatorUri(esx);
    const vpxUri = simulatorUri(vpx);
    const a = await run(['uri'], { LIBVIRT_AUTH_FILE: auth, ESXVIRT_DEFAULT_URI: esxUri, LIBVIRT_DEFAULT_URI: vpxUri });
    assert.equal(a.stdout.trim(), esxUri);
    const b = await run(['uri'], { LIBVIRT_AUTH_FILE: auth, LIBVIRT_DEFAULT_URI: vpxUri });
    assert.equal(b.stdout.trim(), vpxUri);
    const c = await run(['-c', esxUri, 'uri'], { LIBVIRT_AUTH_FILE: auth, ESXVIRT_DEFAULT_URI: vpxUri });
    assert.equal(c.stdout.trim(), esxUri);
    const d = await run(['list'], { LIBVIRT_AUTH_FILE: auth, LIBVIRT_DEFAULT_URI: 'qemu:///system' });
    assert.equal(d.status, 2);
    assert.match(oneErrorLine(d), /^error: no connection URI: use -c esx:\/\/HOST .* or set ESXVIRT_DEFAULT_URI$/);
  });

  it('uri prints the URI as it was given, as virsh 9.0 does (default values and order kept)', async () => {
    const given = `ESX://127.0.0.1:${esx.port}?auto_answer=0&thumbprint=${esx.thumbprint}&no_verify=0&transport=https`;
    const r = await run(['-c', given, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${given}\n\n`);
    const vpxGiven = `vpx://127.0.0.1:${vpx.port}/DC0/DC0_C0/DC0_C0_H0/?auto_answer=1&thumbprint=${vpx.thumbprint}`;
    const v = await run(['-c', vpxGiven, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(v.stdout, `${vpxGiven}\n\n`);
  });

  it('vpx:// paths: a standalone host, and a datacenter inside a folder (made through the API)', async () => {
    const c = await connectTo(vpx);
    let hostTask: MoRef<'Task'>;
    try {
      const folder = await CreateFolder(c.soap, c.serviceContent.rootFolder, { name: 'Region 1' });
      const dc = await CreateDatacenter(c.soap, folder, { name: 'DC-F' });
      const hostFolder = prop(await retrieveOne(c, dc, [DatacenterProps.hostFolder]), DatacenterProps.hostFolder);
      assert.ok(hostFolder);
      hostTask = await AddStandaloneHost_Task(c.soap, hostFolder, {
        spec: { hostName: 'esx-f1.example.com', force: true },
        addConnected: true,
      });
      await waitForTask(c, hostTask);
    } finally {
      await c.close();
    }
    const base = `vpx://127.0.0.1:${vpx.port}`;
    const q = `?thumbprint=${vpx.thumbprint}`;
    const inFolder = await run(['--debug', '-c', `${base}/Region%201/DC-F/esx-f1.example.com${q}`, 'list', '--all'], {
      LIBVIRT_AUTH_FILE: auth,
    });
    assert.equal(inFolder.status, 0, inFolder.stderr);
    assert.match(inFolder.stderr, /host esx-f1\.example\.com in datacenter Region 1\/DC-F/);
    assert.match(inFolder.stdout, /^ Id +Name +State\n-+\n\n$/);
    const standalone = await run(['-c', `${base}/DC0/DC0_H0${q}`, 'list', '--all'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(standalone.status, 0, standalone.stderr);
    assert.match(standalone.stdout, /DC0_H0_VM0/);
    assert.doesNotMatch(standalone.stdout, /DC0_C0_RP0_VM/);
    const wrongDc = await run(['-c', `${base}/Region%201/NOPE/esx-f1.example.com${q}`, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(wrongDc.status, 1);
    assert.match(oneErrorLine(wrongDc), /^error: .*'NOPE'/);
    const wrongHost = await run(['-c', `${base}/DC0/DC0_C0/NOPE${q}`, 'uri'], { LIBVIRT_AUTH_FILE: auth });
    assert.equal(wrongHost.status, 1);
    assert.match(oneErrorLine(wrongHost), /^error: .*NOPE/);
  });
});

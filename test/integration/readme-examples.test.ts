/**
 * README.md's TypeScript examples, as written there: every ```ts block is extracted, type-checked against the
 * package's own declarations (the files import 'esxvirt', which Node and tsc resolve to this checkout through
 * package.json's exports), compiled with esbuild and run with node. Before running, two strings are swapped so the
 * examples reach the simulator instead of a real host: `esx1.example.com` becomes its address and `AB:CD:…` its
 * thumbprint (the README's HTML comments say so). The simulator is set up as the examples assume an ESX host to be:
 * a datastore `datastore1` holding the VM `web01` (off); `web.vmx` is test/fixtures/readme/web.vmx.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { transformSync } from 'esbuild';
import { formatDomain } from '../../src/conf/domain/format-domain.js';
import { Connection, defineDomain, destroyDomain, getDomainInfo } from '../../src/driver/index.js';
import { offlineContext } from '../../src/vmx/context.js';
import { vmxToDomain } from '../../src/vmx/vmx-to-domain.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { simulatorUri, writeAuthConf } from './cli-support.js';

const ROOT = process.cwd();
const FIXTURES = join(ROOT, 'test', 'fixtures', 'readme');
const PASSWORD = 'secret pass';

interface Example {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  source: string;
}

/** The ```ts blocks of a Markdown text. */
function tsBlocks(markdown: string): Example[] {
  const out: Example[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) body.push(lines[i] as string);
    assert.ok(i < lines.length, `README.md:${start + 1}: a ts block is not closed`);
    out.push({ line: start + 1, source: `${body.join('\n')}\n` });
  }
  return out;
}

// Plain node:https for the one setup call our client has no method for: stock vcsim's CreateLocalDatastore.
function soap(sim: Simulator, body: string, cookie?: string): Promise<{ status: number; text: string; cookie?: string }> {
  const envelope = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: 'urn:vim25/6.5',
      ...(cookie ? { Cookie: cookie } : {}),
    };
    const req = https.request(sim.url, { method: 'POST', headers, ca: readFileSync(sim.certPath), agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (s: string) => (text += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? cookie }));
    });
    req.on('error', reject);
    req.end(envelope);
  });
}

async function createLocalDatastore(sim: Simulator, name: string, path: string): Promise<void> {
  const login = await soap(
    sim,
    `<Login xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this><userName>root</userName><password>${PASSWORD}</password></Login>`,
  );
  assert.equal(login.status, 200, login.text);
  const props = await soap(
    sim,
    '<RetrievePropertiesEx xmlns="urn:vim25"><_this type="PropertyCollector">ha-property-collector</_this><specSet>' +
      '<propSet><type>HostSystem</type><pathSet>configManager.datastoreSystem</pathSet></propSet><objectSet><obj type="HostSystem">ha-host</obj></objectSet>' +
      '</specSet><options/></RetrievePropertiesEx>',
    login.cookie,
  );
  const dss = /<val [^>]*type="HostDatastoreSystem"[^>]*>([^<]+)<\/val>/.exec(props.text)?.[1];
  assert.ok(dss, props.text);
  const r = await soap(
    sim,
    `<CreateLocalDatastore xmlns="urn:vim25"><_this type="HostDatastoreSystem">${dss}</_this><name>${name}</name><path>${path}</path></CreateLocalDatastore>`,
    login.cookie,
  );
  assert.equal(r.status, 200, r.text);
  await soap(sim, '<Logout xmlns="urn:vim25"><_this type="SessionManager">ha-sessionmgr</_this></Logout>', login.cookie);
}

const WEB01 = `<domain type='vmware'>
  <name>web01</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='[datastore1] web01/web01.vmdk'/><target dev='sda' bus='scsi'/></disk>
    <controller type='scsi' index='0' model='lsilogic'/>
  </devices>
</domain>
`;

function runNode(file: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('README.md examples, compiled and run against the simulator', () => {
  const examples = tsBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  // Inside the checkout (in .cache/, which git ignores), so that `import 'esxvirt'` resolves to this package.
  const work = join(ROOT, '.cache', `readme-examples-${process.pid}`);
  let sim: Simulator;
  let conn: Connection;
  let env: NodeJS.ProcessEnv;
  let datastoreDir: string;

  before(async () => {
    mkdirSync(work, { recursive: true });
    sim = await startSimulator({ model: 'esx', quiet: true });
    datastoreDir = mkdtempSync(join(tmpdir(), 'esxvirt-datastore1-'));
    await createLocalDatastore(sim, 'datastore1', datastoreDir);
    env = { ...process.env, LIBVIRT_AUTH_FILE: writeAuthConf('root', PASSWORD), ESX_PASSWORD: PASSWORD };
    delete env.ESXVIRT_DEFAULT_URI;
    delete env.LIBVIRT_DEFAULT_URI;
    conn = await Connection.open(simulatorUri(sim), { env });
    // What ESX would find in a VM's directory, and vcsim 0.24.2's RegisterVM opens (as in cli-define.test.ts).
    mkdirSync(join(datastoreDir, 'web01'));
    for (const f of ['web01.vmdk', 'web01.nvram', 'vmware.log']) writeFileSync(join(datastoreDir, 'web01', f), '');
    await defineDomain(conn, WEB01);
  });
  after(async () => {
    await conn?.close();
    await sim?.stop();
    rmSync(work, { recursive: true, force: true });
    if (datastoreDir) rmSync(datastoreDir, { recursive: true, force: true });
  });

  it('README.md has the three examples (library, driver, vSphere client)', () => {
    const imports = examples.map((e) => /from 'esxvirt(\/\w+)?'/.exec(e.source)?.[0]);
    assert.deepEqual(
      imports,
      ["from 'esxvirt'", "from 'esxvirt/driver'", "from 'esxvirt/vim25'"],
      'a ts block was added or removed: extend this test',
    );
  });

  it('every example type-checks against the package as written in README.md', () => {
    const files = examples.map((e, i) => {
      const f = join(work, `example-${i + 1}.mts`);
      writeFileSync(f, e.source);
      return f;
    });
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          skipLibCheck: true,
        },
        files,
      }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(work, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    // tsc names example-N.mts(line,col); the README line is the fence's line + that line.
    const where = r.stdout.replace(
      /(?:\S*\/)?example-(\d+)\.mts\((\d+),(\d+)\)/g,
      (_m, n: string, l: string) => `README.md:${(examples[Number(n) - 1]?.line ?? 0) + Number(l)}`,
    );
    assert.equal(r.status, 0, `README examples do not compile:\n${where}${r.stderr}`);
  });

  /** Compiles example i with the simulator swapped in, resets web01 to off, runs it, and checks it left no session. */
  async function run(i: number, cwd = work): Promise<{ stdout: string }> {
    const e = examples[i] as Example;
    if (/from 'esxvirt\/(driver|vim25)'/.test(e.source))
      assert.ok(e.source.includes('esx1.example.com'), `README.md:${e.line}: a connecting example names esx1.example.com`);
    const source = e.source.replaceAll('esx1.example.com', `127.0.0.1:${sim.port}`).replaceAll('AB:CD:…', sim.thumbprint);
    const file = join(work, `example-${i + 1}.mjs`);
    writeFileSync(file, transformSync(source, { loader: 'ts', format: 'esm', target: 'node20', sourcefile: `README.md:${e.line}` }).code);
    if ((await getDomainInfo(conn, 'web01')).state !== 'shut off') await destroyDomain(conn, 'web01');
    const sessions = (await sim.sessions()).length;
    const r = await runNode(file, cwd, env);
    assert.equal(r.status, 0, `README.md:${e.line} example failed:\n${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.equal((await sim.sessions()).length, sessions, 'the example logs out');
    return r;
  }

  it('the library example converts web.vmx and prints its domain XML', async () => {
    const { stdout } = await run(0, FIXTURES);
    const want = formatDomain(
      vmxToDomain(readFileSync(join(FIXTURES, 'web.vmx')), offlineContext({ vmxPath: '[datastore1] web/web.vmx' })),
    );
    assert.equal(stdout, `${want}\n`);
    assert.match(stdout, /<name>web<\/name>[\s\S]*<source file='\[datastore1\] web\/web\.vmdk'\/>/);
  });

  it('the driver example lists the domains, starts web01 and prints its XML', async () => {
    const { stdout } = await run(1);
    const lines = stdout.split('\n');
    assert.ok(lines.includes('-1 web01 shut off'), stdout);
    assert.match(stdout, /^<domain type='vmware'[^>]*>\n {2}<name>web01<\/name>/m);
    assert.equal((await getDomainInfo(conn, 'web01')).state, 'running');
  });

  it('the vSphere client example finds web01, powers it on and reads its VMX', async () => {
    await run(2);
    assert.equal((await getDomainInfo(conn, 'web01')).state, 'running');
  });
});

#!/usr/bin/env node
// The README's first command (`npm run demo` = build + this tour): no ESX needed. Starts the vSphere simulator
// (an ESX host on 127.0.0.1, built on first use by scripts/ensure-vcsim.sh), writes a temporary auth.conf, and
// drives bin/esxvirt through a domain's life, printing each command before its output. Cleans up on exit.
// Run after `npm run build`: it uses the compiled harness (dist/test/harness/vcsim.js) and library.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const harness = join(repo, 'dist/test/harness/vcsim.js');
const library = join(repo, 'dist/src/index.js');
if (!existsSync(harness) || !existsSync(library)) {
  console.error('tour: dist/ is missing: run `npm run build` first (or `npm run demo`, which builds)');
  process.exit(1);
}
const { startSimulator } = await import(pathToFileURL(harness).href);
const { VimClient, makeDirectory, uploadDatastoreFile } = await import(pathToFileURL(join(repo, 'dist/src/vim25/index.js')).href);

const DOMAIN = 'tour-fedora';
const DATASTORE = 'LocalDS_0';
const DISK = `[${DATASTORE}] ${DOMAIN}/${DOMAIN}.vmdk`;
const DOMAIN_XML = `<domain type='vmware'>
  <name>${DOMAIN}</name>
  <memory unit='KiB'>1048576</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <source file='${DISK}'/>
      <target dev='sda' bus='scsi'/>
    </disk>
    <controller type='scsi' index='0' model='auto'/>
    <interface type='bridge'>
      <mac address='00:50:56:25:48:c7'/>
      <source bridge='VM Network'/>
      <model type='e1000'/>
    </interface>
  </devices>
</domain>
`;
// A VMFS disk descriptor: its ddb.adapterType is what the driver reads for SCSI controller model 'auto' (libvirt's ESX driver page).
const VMDK_DESCRIPTOR = `# Disk DescriptorFile
version=1
CID=fffffffe
parentCID=ffffffff
createType="vmfs"

# Extent description
RW 16777216 VMFS "${DOMAIN}-flat.vmdk"

# The Disk Data Base
#DDB

ddb.adapterType = "lsilogic"
ddb.geometry.cylinders = "1044"
ddb.geometry.heads = "255"
ddb.geometry.sectors = "63"
ddb.virtualHWVersion = "13"
`;

const started = Date.now();
const work = mkdtempSync(join(tmpdir(), 'esxvirt-tour-'));
let sim;

function quote(a) {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`;
}

/** Runs bin/esxvirt, printing the command line first and its output after; stops the tour on failure. */
function esxvirt(uri, args, env) {
  const shown = ['esxvirt', ...(uri ? ['-c', uri] : []), ...args].map(quote).join(' ');
  process.stdout.write(`\n$ ${shown}\n`);
  const r = spawnSync(join(repo, 'bin/esxvirt'), [...(uri ? ['-c', uri] : []), ...args], {
    cwd: work,
    env: { ...env, ESXVIRT_NODE: process.execPath },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`'${shown}' failed with exit status ${r.status ?? r.signal}`);
  return r.stdout;
}

function note(text) {
  process.stdout.write(`\n# ${text}\n`);
}

/** Command names bin/esxvirt offers (from its help), so the tour can skip what is not built yet. */
function availableCommands(env) {
  const r = spawnSync(join(repo, 'bin/esxvirt'), ['help'], { env: { ...env, ESXVIRT_NODE: process.execPath }, encoding: 'utf8' });
  return new Set([...r.stdout.matchAll(/^ {4}(\S+)/gm)].map((m) => m[1]));
}

async function createDisk(uri, thumbprint) {
  const u = new URL(uri.replace(/^esx:/, 'https:'));
  const client = await VimClient.connect({ url: `https://${u.host}/sdk`, username: 'root', password: 'tour', thumbprint });
  try {
    const ctx = await client.inventory.hostContext();
    await makeDirectory(client, `[${DATASTORE}] ${DOMAIN}`, { datacenter: ctx.datacenter.ref });
    const put = (name, text) =>
      uploadDatastoreFile(client, { datastore: DATASTORE, path: `${DOMAIN}/${name}`, dcPath: ctx.datacenter.path }, Buffer.from(text));
    await put(`${DOMAIN}.vmdk`, VMDK_DESCRIPTOR);
    // vcsim 0.24.2's RegisterVM opens NAME.nvram and vmware.log beside the .vmx; ESX would create them itself.
    await put(`${DOMAIN}.nvram`, '');
    await put('vmware.log', '');
  } finally {
    await client.close();
  }
}

async function tour() {
  note('starting the vSphere simulator (an ESX host; the first run builds it, ~30 s)');
  sim = await startSimulator({ model: 'esx', quiet: true });
  const authFile = join(work, 'auth.conf');
  writeFileSync(authFile, '[credentials-tour]\nusername=root\npassword=tour\n\n[auth-esx-127.0.0.1]\ncredentials=tour\n', { mode: 0o600 });
  const env = { ...process.env, LIBVIRT_AUTH_FILE: authFile, NO_COLOR: '1' };
  delete env.ESXVIRT_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  const uri = `esx://127.0.0.1:${sim.port}/?thumbprint=${sim.thumbprint}`;
  note(`simulator on 127.0.0.1:${sim.port}; its self-signed certificate is pinned by thumbprint in the URI`);
  note(`credentials come from an auth.conf, as libvirt's: LIBVIRT_AUTH_FILE=${authFile}`);
  process.stdout.write('#   [credentials-tour]\n#   username=root\n#   password=tour\n#   [auth-esx-127.0.0.1]\n#   credentials=tour\n');

  const have = availableCommands(env);
  esxvirt(uri, ['list', '--all'], env);

  if (!have.has('define')) {
    note("skipped: define, start, dumpxml, snapshots, destroy, undefine (this build of esxvirt has no 'define' command yet)");
    return;
  }
  await createDisk(uri, sim.thumbprint);
  note(`uploaded the disk descriptor ${DISK}: its ddb.adapterType = "lsilogic" is what SCSI model 'auto' becomes;`);
  process.stdout.write("#   also the .nvram and vmware.log that the simulator's RegisterVM wants to find\n");
  const xmlFile = join(work, `${DOMAIN}.xml`);
  writeFileSync(xmlFile, DOMAIN_XML);
  process.stdout.write(`\n$ cat ${DOMAIN}.xml\n${DOMAIN_XML}`);
  const step = (name, args) => {
    if (have.has(name)) esxvirt(uri, [name, ...args], env);
    else note(`skipped: ${name} (not in this build of esxvirt)`);
  };
  step('define', [`${DOMAIN}.xml`]);
  step('start', [DOMAIN]);
  step('list', []);
  step('dumpxml', [DOMAIN]);
  step('snapshot-create-as', [DOMAIN, 'before-upgrade', '--description', 'taken by the tour']);
  step('snapshot-list', [DOMAIN]);
  step('destroy', [DOMAIN]);
  step('undefine', [DOMAIN]);
  step('list', ['--all']);
}

let failed = false;
const onSignal = () => {
  failed = true;
  void cleanup().then(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

async function cleanup() {
  const s = sim;
  sim = undefined;
  if (s) await s.stop();
  rmSync(work, { recursive: true, force: true });
}

try {
  await tour();
} catch (e) {
  failed = true;
  console.error(`\ntour: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await cleanup();
}
note(
  `${failed ? 'tour FAILED' : 'tour done'} in ${((Date.now() - started) / 1000).toFixed(1)} s; simulator stopped, temporary files removed`,
);
process.exitCode = failed ? 1 : 0;

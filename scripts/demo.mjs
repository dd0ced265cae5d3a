#!/usr/bin/env node
// `npm run demo`: the main job on a local default, no ESX needed. Converts a sample VMX to
// libvirt domain XML and back, printing each command as it goes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'esxvirt-demo-'));
function show(args, input) {
  process.stdout.write(`\n$ esxvirt ${args.map((a) => (/[\s[\]']/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  const r = spawnSync('bin/esxvirt', args, { input, encoding: 'utf8', env: { ...process.env, ESXVIRT_NODE: process.execPath } });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  if (r.status !== 0) process.exit(r.status ?? 1);
  return r.stdout;
}
const xml = show(['domxml-from-native', 'vmware-vmx', 'examples/fedora11.vmx', '--vmx-path', '[datastore1] Fedora11/Fedora11.vmx']);
const xmlFile = join(dir, 'Fedora11.xml');
writeFileSync(xmlFile, xml);
show(['domxml-to-native', 'vmware-vmx', xmlFile, '--hw-version', '7']);

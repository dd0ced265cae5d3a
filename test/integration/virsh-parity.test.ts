/**
 * esxvirt against virsh 9.0 (Debian's libvirt-clients, libvirt's own ESX driver), byte for byte. Two stock
 * simulators (../shared/vcsim, normalised so libvirt can parse them) start from the same model; virsh drives one,
 * esxvirt the other, through the same sequence of commands, and each step's standard output and success must agree.
 * Creation times and the library's name and version are masked (the two servers and tools differ there by nature).
 * Where esxvirt differs on purpose (virsh cannot, esxvirt can), the step says why; the README lists these.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { external, runnable } from '../support/external.js';
import { sharedVcsimDir, startStockSimulator, type StockSimulator } from '../harness/stock-vcsim.js';

const virsh = external('virsh 9.0', () => runnable('virsh', ['--version']), "install Debian's libvirt-clients");
const shared = external('the stock simulator', () => sharedVcsimDir(), 'clone the shared folder beside the checkout');

interface Outcome {
  status: number;
  stdout: string;
}

function run(tool: 'virsh' | 'esxvirt', sim: StockSimulator, args: string[]): Outcome {
  const cmd = tool === 'virsh' ? 'virsh' : join(process.cwd(), 'bin/esxvirt');
  const env: NodeJS.ProcessEnv = { ...process.env, LIBVIRT_AUTH_FILE: sim.authFile, ESXVIRT_NODE: process.execPath };
  delete env.ESXVIRT_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  const r = spawnSync(cmd, ['-c', sim.uri, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout };
}

/** What differs between two servers and two tools by nature, masked in both outputs. */
function mask(text: string, sims: StockSimulator[]): string {
  let out = text
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}/g, 'TIME')
    .replace(/<creationTime>\d+<\/creationTime>/g, '<creationTime>T</creationTime>')
    .replace(/(libvirt|esxvirt) \d+\.\d+\.\d+/g, 'LIBRARY')
    .replace(/Using API: ESX \d+\.\d+\.\d+/, 'Using API: ESX API');
  for (const s of sims) out = out.split(`127.0.0.1:${s.port}`).join('127.0.0.1:PORT');
  return out;
}

/** One step: a command both run; `differs` names why esxvirt deliberately answers where virsh fails. */
interface Step {
  args: string[];
  differs?: string;
}

const VM0 = 'ha-host_VM0';
const VM1 = 'ha-host_VM1';

const ESX_STEPS: Step[] = [
  { args: ['list'] },
  { args: ['list', '--all'] },
  { args: ['list', '--all', '--name'] },
  { args: ['list', '--uuid'] },
  { args: ['list', '--table', '--all'] },
  { args: ['list', '--state-running'] },
  { args: ['list', '--state-shutoff', '--name'] },
  { args: ['list', '--id'] },
  { args: ['list', '--persistent'] },
  { args: ['list', '--transient'] },
  { args: ['dominfo', VM0] },
  { args: ['domstate', VM0] },
  { args: ['domstate', VM0, '--reason'] },
  { args: ['domid', VM0] },
  { args: ['domuuid', VM0] },
  { args: ['domname', '9'] },
  { args: ['dominfo', 'no-such-domain'] },
  { args: ['nodeinfo'] },
  { args: ['hostname'] },
  { args: ['uri'] },
  { args: ['version'] },
  { args: ['capabilities'] },
  { args: ['freecell'] },
  { args: ['schedinfo', VM0] },
  { args: ['net-list'] },
  {
    args: ['iface-list'],
    differs: "libvirt's ESX driver reads the network system's view, where vcsim has no NICs; esxvirt also reads the host's config.network",
  },
  { args: ['net-list', '--all', '--name'] },
  { args: ['net-info', 'vSwitch0'] },
  { args: ['net-uuid', 'vSwitch0'] },
  { args: ['net-dumpxml', 'vSwitch0'] },
  { args: ['start', VM0] },
  { args: ['resume', VM0] },
  { args: ['suspend', VM1] },
  { args: ['domstate', VM1] },
  { args: ['dominfo', VM1] },
  { args: ['list', '--state-paused'] },
  { args: ['suspend', VM1] },
  { args: ['resume', VM1] },
  { args: ['destroy', VM1] },
  { args: ['destroy', VM1] },
  { args: ['list', '--all'] },
  { args: ['start', VM1] },
  { args: ['shutdown', VM1] },
  { args: ['domstate', VM1] },
  { args: ['undefine', VM0] },
  { args: ['snapshot-create-as', VM0, 's1', 'first one'] },
  { args: ['snapshot-create-as', VM0, 's2'] },
  { args: ['snapshot-list', VM0] },
  { args: ['snapshot-list', VM0, '--tree'] },
  { args: ['snapshot-list', VM0, '--name'] },
  { args: ['snapshot-list', VM0, '--parent'] },
  { args: ['snapshot-list', VM0, '--roots'] },
  { args: ['snapshot-list', VM0, '--leaves', '--name'] },
  { args: ['snapshot-list', VM0, '--from', 's1'] },
  { args: ['snapshot-current', VM0, '--name'] },
  { args: ['snapshot-current', VM0] },
  { args: ['snapshot-info', VM0, 's1'] },
  { args: ['snapshot-info', VM0, '--current'] },
  { args: ['snapshot-parent', VM0, 's2'] },
  { args: ['snapshot-dumpxml', VM0, 's2'] },
  { args: ['snapshot-dumpxml', VM0, 'nope'] },
  { args: ['snapshot-revert', VM0, 's1'] },
  { args: ['snapshot-delete', VM0, 's2'] },
  { args: ['list', '--with-snapshot'] },
  { args: ['list', '--without-snapshot', '--all'] },
  { args: ['undefine', VM1] },
  { args: ['list', '--all'] },
  // esxvirt answers where libvirt's ESX driver cannot (on this server, or at all)
  {
    args: ['dumpxml', VM0],
    differs: "libvirt reads only the VMX file, which vcsim leaves empty; esxvirt falls back to the VM's configuration",
  },
  { args: ['sysinfo'], differs: "libvirt's ESX driver has no sysinfo; esxvirt reads the host's SMBIOS facts" },
  { args: ['nodememstats'], differs: "libvirt's ESX driver has no node memory statistics; esxvirt reads the host's quick stats" },
  { args: ['nodecpustats'], differs: "libvirt's ESX driver has no node CPU statistics; esxvirt reads performance counters or quick stats" },
  {
    args: ['freecell', '--all'],
    differs: "libvirt's ESX driver reports no cells (virsh prints a 0 KiB total); esxvirt reports the host's cell",
  },
  { args: ['vcpucount', VM0], differs: 'virsh needs the domain XML (empty VMX on vcsim); esxvirt reads the configuration' },
  { args: ['maxvcpus'], differs: "libvirt's ESX driver has no connection maximum; esxvirt gives the hardware version's" },
  { args: ['memtune', VM0], differs: "libvirt's ESX driver refuses virsh's flags for memory parameters; esxvirt reads the reservation" },
  { args: ['desc', VM0], differs: 'virsh needs the domain XML (empty VMX on vcsim); esxvirt reads the annotation' },
];

const VPX_STEPS: Step[] = [
  { args: ['list'] },
  { args: ['list', '--all'] },
  { args: ['list', '--all', '--name'] },
  { args: ['list', '--uuid'] },
  { args: ['nodeinfo'] },
  { args: ['hostname'] },
  { args: ['uri'] },
  { args: ['version'] },
  { args: ['capabilities'] },
  { args: ['freecell'] },
  { args: ['dominfo', 'no-such-domain'] },
];

for (const [model, steps] of [
  ['esx', ESX_STEPS],
  ['vpx', VPX_STEPS],
] as const) {
  describe(`the same output as virsh 9.0 on the stock simulator (${model})`, { ...virsh.options, ...shared.options }, () => {
    let forVirsh: StockSimulator;
    let forUs: StockSimulator;
    before(async () => {
      virsh.value();
      shared.value();
      [forVirsh, forUs] = await Promise.all([startStockSimulator({ model }), startStockSimulator({ model })]);
    });
    after(async () => {
      await Promise.all([forVirsh?.stop(), forUs?.stop()]);
    });

    it('every step: the same standard output and the same success', () => {
      const sims = [forVirsh, forUs];
      const problems: string[] = [];
      for (const step of steps) {
        const theirs = run('virsh', forVirsh, step.args);
        const ours = run('esxvirt', forUs, step.args);
        const label = step.args.join(' ');
        if (step.differs !== undefined) {
          if (ours.status !== 0) problems.push(`${label}: esxvirt failed (exit ${ours.status}) where it should answer (${step.differs})`);
          if (theirs.status === 0 && mask(theirs.stdout, sims) === mask(ours.stdout, sims)) {
            problems.push(`${label}: now identical to virsh: drop the difference '${step.differs}'`);
          }
          continue;
        }
        if ((theirs.status === 0) !== (ours.status === 0)) {
          problems.push(`${label}: virsh exit ${theirs.status}, esxvirt exit ${ours.status}`);
        }
        const a = mask(theirs.stdout, sims);
        const b = mask(ours.stdout, sims);
        if (a !== b) problems.push(`${label}: stdout differs\n--- virsh\n${a}--- esxvirt\n${b}`);
      }
      assert.deepEqual(problems, []);
    });
  });
}

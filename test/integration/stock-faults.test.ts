/**
 * The README's commands on the stock simulator (../shared/vcsim, govmomi's vcsim unextended), in both models, first
 * as it is and then with a fault on every 3rd SOAP call (a dropped connection, an HTTP 503, an expired session).
 * Every command ends in success or in exactly one clear error line (never a stack trace); a command that changes
 * something is repeated until it converges, and the server then holds the change once, never twice.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { external } from '../support/external.js';
import { sharedVcsimDir, startStockSimulator, type StockOptions, type StockSimulator } from '../harness/stock-vcsim.js';

const shared = external('the stock simulator', () => sharedVcsimDir(), 'clone the shared folder beside the checkout');

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
}

function cli(sim: StockSimulator, args: string[]): Outcome {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LIBVIRT_AUTH_FILE: sim.authFile,
    ESXVIRT_NODE: process.execPath,
    // retries wait less than by default, so a run of faults costs seconds, not minutes
    ESXVIRT_RETRY_DEADLINE: '20',
  };
  delete env.ESXVIRT_DEFAULT_URI;
  delete env.LIBVIRT_DEFAULT_URI;
  const r = spawnSync(join(process.cwd(), 'bin/esxvirt'), ['-c', sim.uri, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Success, or one `error:` line (warnings may come before it) and no stack trace. */
function assertClean(r: Outcome, label: string): void {
  assert.doesNotMatch(r.stderr, /\n\s+at |Error: .*\n.*\n/, `${label}: no stack trace\n${r.stderr}`);
  if (r.status === 0) return;
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(errors.length, 1, `${label}: one error line\n${r.stderr}`);
  assert.match(r.stderr, /^(warning: [^\n]*\n)*error: [^\n]+\n$/, `${label}\n${r.stderr}`);
}

/** Runs a command until it succeeds (at most `tries` times); `done` may accept a failure that proves it done. */
function converge(sim: StockSimulator, args: string[], done: (r: Outcome) => boolean = () => false, tries = 6): Outcome {
  let r = cli(sim, args);
  for (let i = 1; i < tries && r.status !== 0 && !done(r); i++) {
    assertClean(r, args.join(' '));
    r = cli(sim, args);
  }
  assert.ok(r.status === 0 || done(r), `${args.join(' ')} did not converge: ${r.stderr}`);
  return r;
}

const READS: Record<'esx' | 'vpx', string[][]> = {
  esx: [
    ['list', '--all'],
    ['dominfo', 'ha-host_VM0'],
    ['domstate', 'ha-host_VM0', '--reason'],
    ['domid', 'ha-host_VM0'],
    ['domuuid', 'ha-host_VM0'],
    ['dumpxml', 'ha-host_VM0'],
    ['schedinfo', 'ha-host_VM0'],
    ['vcpucount', 'ha-host_VM0'],
    ['memtune', 'ha-host_VM0'],
    ['domifaddr', 'ha-host_VM0'],
    ['nodeinfo'],
    ['capabilities'],
    ['sysinfo'],
    ['hostname'],
    ['uri'],
    ['version'],
    ['freecell', '--all'],
    ['nodememstats'],
    ['nodecpustats'],
    ['net-list', '--all'],
    ['iface-list'],
    ['snapshot-list', 'ha-host_VM0'],
  ],
  vpx: [['list', '--all'], ['nodeinfo'], ['capabilities'], ['hostname'], ['version'], ['freecell'], ['net-list', '--all'], ['iface-list']],
};

const FAULTS: [string, Omit<StockOptions, 'model'>][] = [
  ['no fault', {}],
  ['a dropped connection every 3rd call', { faultDrop: 3 }],
  ['an HTTP 503 every 3rd call', { fault503: 3 }],
  ['an expired session every 3rd call', { faultExpire: 3 }],
];

for (const model of ['esx', 'vpx'] as const) {
  for (const [label, faults] of FAULTS) {
    describe(`README commands on the stock simulator (${model}, ${label})`, shared.options, () => {
      let sim: StockSimulator;
      before(async () => {
        shared.value();
        sim = await startStockSimulator({ model, ...faults });
      });
      after(() => sim?.stop());

      it('every reading command succeeds, or fails in one clear line and succeeds when repeated', () => {
        for (const args of READS[model]) {
          const r = converge(sim, args);
          assertClean(r, args.join(' '));
        }
      });

      if (model === 'esx') {
        it('changes converge: each ends done once (power, tuning, snapshots, undefine)', () => {
          const vm = 'ha-host_VM1';
          const state = (): string => converge(sim, ['domstate', vm]).stdout.trim();
          // a repeated power change that was done already says so ('Domain is …'): that is converged too
          const already = (r: Outcome): boolean => /Domain is (already active|not powered on|not suspended)/.test(r.stderr);
          converge(sim, ['suspend', vm], already);
          assert.equal(state(), 'paused');
          converge(sim, ['resume', vm], already);
          assert.equal(state(), 'running');
          converge(sim, ['destroy', vm], already);
          assert.equal(state(), 'shut off');
          converge(sim, ['setmaxmem', vm, '64M']);
          converge(sim, ['setvcpus', vm, '2']);
          converge(sim, ['schedinfo', vm, 'shares=1500']);
          converge(sim, ['memtune', vm, '--min-guarantee', '16M']);
          converge(sim, ['desc', vm, '--new-desc', 'converged']);
          const info = converge(sim, ['dominfo', vm]).stdout;
          assert.match(info, /\nMax memory: +65536 KiB\n/);
          assert.match(info, /\nCPU\(s\): +2\n/);
          assert.equal(converge(sim, ['desc', vm]).stdout, 'converged\n');
          converge(sim, ['start', vm], already);
          assert.equal(state(), 'running');
          // a snapshot whose creation was lost on the way back is found by the repeat: one snapshot, never two
          converge(sim, ['snapshot-create-as', vm, 'conv', 'converging'], (r) => /Snapshot 'conv' already exists/.test(r.stderr));
          const names = converge(sim, ['snapshot-list', vm, '--name'])
            .stdout.split('\n')
            .filter((n) => n === 'conv');
          assert.deepEqual(names, ['conv']);
          converge(sim, ['snapshot-create-as', vm, 'conv2', '--disk-only'], (r) => /Snapshot 'conv2' already exists/.test(r.stderr));
          converge(sim, ['snapshot-revert', vm, 'conv']);
          converge(sim, ['snapshot-delete', vm, 'conv2'], (r) => /no domain snapshot with matching name 'conv2'/.test(r.stderr));
          assert.doesNotMatch(converge(sim, ['snapshot-list', vm, '--name']).stdout, /conv2/);
          converge(sim, ['destroy', vm], already);
          converge(sim, ['undefine', vm], (r) => /no domain with matching name/.test(r.stderr));
          assert.doesNotMatch(converge(sim, ['list', '--all', '--name']).stdout, new RegExp(`^${vm}$`, 'm'));
        });
      }
    });
  }
}

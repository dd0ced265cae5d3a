/**
 * Host commands through bin/esxvirt against the simulator, ESX and vCenter models: virsh layouts, --json, and
 * values that agree with what the vSphere API reports for the same host.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VERSION } from '../../src/version.js';
import {
  HostSystemProps,
  prop,
  retrieveOne,
  type HostCpuInfo,
  type HostListSummaryQuickStats,
  type HostSystemInfo,
} from '../../src/vim25/index.js';
import { startSimulator, type Simulator } from '../harness/vcsim.js';
import { runCli, simulatorUri, writeAuthConf } from './cli-support.js';
import { connectTo } from './support.js';

interface HostFacts {
  cpuInfo: HostCpuInfo;
  memorySize: number;
  systemInfo: HostSystemInfo;
  quickStats: HostListSummaryQuickStats;
}

/** The host's facts as the API gives them, to compare the CLI's output with. */
async function hostFacts(sim: Simulator, path?: string): Promise<HostFacts> {
  const c = await connectTo(sim);
  try {
    const ctx = await c.inventory.hostContext(path);
    const r = await retrieveOne(c, ctx.hostSystem, [
      HostSystemProps.cpuInfo,
      HostSystemProps.memorySize,
      HostSystemProps.systemInfo,
      HostSystemProps.quickStats,
    ]);
    return {
      cpuInfo: prop(r, HostSystemProps.cpuInfo) as HostCpuInfo,
      memorySize: prop(r, HostSystemProps.memorySize) as number,
      systemInfo: prop(r, HostSystemProps.systemInfo) as HostSystemInfo,
      quickStats: prop(r, HostSystemProps.quickStats) as HostListSummaryQuickStats,
    };
  } finally {
    await c.close();
  }
}

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI host commands (${model} model)`, () => {
    let sim: Simulator;
    let uri: string;
    let facts: HostFacts;
    const auth = writeAuthConf();
    const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['-c', uri, ...args], { authFile: auth });

    before(async () => {
      sim = await startSimulator({ model, quiet: true });
      uri = simulatorUri(sim);
      facts = await hostFacts(sim, model === 'vpx' ? 'DC0/DC0_C0/DC0_C0_H0' : undefined);
    });
    after(() => sim?.stop());

    it('nodeinfo prints virsh\'s "%-20s %s" block with the host\'s CPU and memory', async () => {
      const r = await cli('nodeinfo');
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.split('\n');
      assert.deepEqual(
        lines.slice(0, 8).map((l) => l.slice(0, 21)),
        [
          'CPU model:           ',
          'CPU(s):              ',
          'CPU frequency:       ',
          'CPU socket(s):       ',
          'Core(s) per socket:  ',
          'Thread(s) per core:  ',
          'NUMA cell(s):        ',
          'Memory size:         ',
        ],
      );
      assert.match(lines[0] as string, /^CPU model: {11}\S/);
      assert.doesNotMatch(lines[0] as string, /\((R|TM)\)/);
      assert.equal(lines[1], `CPU(s):              ${facts.cpuInfo.numCpuThreads}`);
      assert.equal(lines[2], `CPU frequency:       ${Math.round(facts.cpuInfo.hz / 1e6)} MHz`);
      assert.equal(lines[7], `Memory size:         ${Math.floor(facts.memorySize / 1024)} KiB`);
      const j = await cli('--json', 'nodeinfo');
      const n = JSON.parse(j.stdout) as Record<string, number>;
      assert.equal(n.cpus, facts.cpuInfo.numCpuThreads);
      assert.equal((n.numaCells as number) * (n.sockets as number) * (n.coresPerSocket as number) * (n.threadsPerCore as number), n.cpus);
    });

    it('capabilities: host uuid, x86_64, vpxmigr, hvm guests of domain type vmware', async () => {
      const r = await cli('capabilities');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^<capabilities>\n\n {2}<host>\n/);
      assert.ok(r.stdout.includes(`<uuid>${facts.systemInfo.uuid}</uuid>`), r.stdout);
      assert.match(r.stdout, /<cpu>\n {6}<arch>x86_64<\/arch>\n {4}<\/cpu>/);
      assert.match(r.stdout, /<uri_transport>vpxmigr<\/uri_transport>/);
      const guests = [
        ...r.stdout.matchAll(
          /<guest>\s*<os_type>hvm<\/os_type>\s*<arch name='(\w+)'>\s*<wordsize>(\d+)<\/wordsize>\s*<domain type='vmware'\/>/g,
        ),
      ];
      assert.deepEqual(
        guests.map((m) => [m[1], m[2]]),
        [
          ['i686', '32'],
          ['x86_64', '64'],
        ],
      );
      const j = JSON.parse((await cli('capabilities', '--json')).stdout) as { uuid: string; guests: unknown[] };
      assert.equal(j.uuid, facts.systemInfo.uuid);
      assert.equal(j.guests.length, 2);
    });

    it('sysinfo: smbios system entries from hardware.systemInfo', async () => {
      const r = await cli('sysinfo');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(
        r.stdout,
        `<sysinfo type='smbios'>\n  <system>\n    <entry name='manufacturer'>${facts.systemInfo.vendor.replace('&', '&amp;')}</entry>\n` +
          `    <entry name='product'>${facts.systemInfo.model}</entry>\n    <entry name='uuid'>${facts.systemInfo.uuid}</entry>\n  </system>\n</sysinfo>\n\n`,
      );
    });

    it('hostname is the DNS host.domain; uri the canonical URI without credentials', async () => {
      const h = await cli('hostname');
      assert.equal(h.status, 0, h.stderr);
      assert.equal(h.stdout, 'localhost.localdomain\n\n');
      const u = await cli('uri');
      assert.equal(u.status, 0, u.stderr);
      assert.equal(u.stdout.trim(), uri);
      assert.doesNotMatch(u.stdout, /secret/);
      assert.deepEqual(JSON.parse((await cli('--json', 'uri')).stdout), { uri });
    });

    it("version: virsh's four lines (driver type ESX on esx:// and vpx:// alike) and the server's version", async () => {
      const r = await cli('version');
      assert.equal(r.status, 0, r.stderr);
      const type = model === 'vpx' ? 'VPX' : 'ESX';
      assert.equal(
        r.stdout,
        `Compiled against library: esxvirt ${VERSION}\nUsing library: esxvirt ${VERSION}\nUsing API: ESX ${VERSION}\nRunning hypervisor: ESX 6.5.0\n\n`,
      );
      const j = JSON.parse((await cli('--json', 'version')).stdout) as { hypervisor: { type: string; version: string } };
      assert.deepEqual([j.hypervisor.type, j.hypervisor.version], [type, '6.5.0']);
    });

    it('freecell: total, --all per cell, one cell; free = memory size - quick stats usage', async () => {
      const free = Math.floor(facts.memorySize / 1024) - (facts.quickStats.overallMemoryUsage ?? 0) * 1024;
      assert.equal((await cli('freecell')).stdout, `Total: ${free} KiB\n\n`);
      const all = await cli('freecell', '--all');
      assert.equal(
        all.stdout,
        `    0: ${String(free).padStart(10)} KiB\n--------------------\nTotal: ${String(free).padStart(10)} KiB\n\n`,
      );
      assert.equal((await cli('freecell', '--cellno', '0')).stdout, `0: ${free} KiB\n\n`);
      const bad = await cli('freecell', '5');
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^error: invalid cell number 5/);
      const j = JSON.parse((await cli('--json', 'freecell', '--all')).stdout) as { freeKiB: number; cells: { id: number }[] };
      assert.equal(j.freeKiB, free);
      assert.deepEqual(
        j.cells.map((c) => c.id),
        [0],
      );
    });

    it('nodememstats: "%-7s: %20llu KiB" rows', async () => {
      const r = await cli('nodememstats');
      assert.equal(r.status, 0, r.stderr);
      const total = Math.floor(facts.memorySize / 1024);
      const free = total - (facts.quickStats.overallMemoryUsage ?? 0) * 1024;
      assert.equal(
        r.stdout,
        `total  : ${String(total).padStart(20)} KiB\nfree   : ${String(free).padStart(20)} KiB\nbuffers: ${'0'.padStart(20)} KiB\ncached : ${'0'.padStart(20)} KiB\n\n`,
      );
    });

    it('nodecpustats / node-cpu-stats: usage from QueryPerf (said under --debug), per CPU, bad CPU refused', async () => {
      const r = await cli('--debug', 'nodecpustats');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /^usage: {10} *\d+\.\d%\nidle: {11} *\d+\.\d%\n\n$/);
      const [usage, idle] = [...r.stdout.matchAll(/(\d+\.\d)%/g)].map((m) => Number(m[1]));
      assert.ok(Math.abs((usage as number) + (idle as number) - 100) < 0.11);
      assert.match(r.stderr, /debug: cpu usage from QueryPerf cpu\.usage\.average/);
      const one = await cli('--json', 'node-cpu-stats', '--cpu', '1');
      assert.equal(one.status, 0, one.stderr);
      const j = JSON.parse(one.stdout) as { cpu: number; usagePercent: number; source: string };
      assert.equal(j.cpu, 1);
      assert.equal(j.source, 'perf');
      assert.ok(j.usagePercent >= 0 && j.usagePercent <= 100);
      const bad = await cli('nodecpustats', String(facts.cpuInfo.numCpuThreads));
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /^error: invalid CPU number/);
      assert.equal((await cli('nodecpustats', 'x')).status, 2);
    });

    it('rejects unknown options with exit 2 and one line', async () => {
      const r = await cli('nodeinfo', '--bogus');
      assert.equal(r.status, 2);
      assert.equal(r.stderr, "error: command 'nodeinfo' doesn't support option --bogus\n");
    });
  });
}

describe('CLI version without a connection', () => {
  it("prints esxvirt's own version and needs no server", async () => {
    const r = await runCli(['version'], { env: { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `esxvirt ${VERSION}\n`);
    const j = await runCli(['--json', 'version']);
    assert.deepEqual(JSON.parse(j.stdout), { library: { name: 'esxvirt', version: VERSION } });
  });
});

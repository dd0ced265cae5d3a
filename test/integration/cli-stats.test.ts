/**
 * Statistics through bin/esxvirt against our simulator (real-time samples of 20 s, quick stats that move): virsh's
 * layouts and units, stopped domains, OpenNebula's poll line, counters that differ from one interval to the next,
 * and 200 VMs read in the same number of SOAP calls as 2. Run `npm run build` first (the CLI runs from dist/).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectStats, getDomainStats, readCounterCatalog, VM_COUNTERS } from '../../src/driver/stats/index.js';
import { methods } from '../../src/vim25/index.js';
import { startSimulator } from '../harness/vcsim.js';
import { runCli, simulatorUri, writeAuthConf } from './cli-support.js';
import { startTarget, type CliTarget } from './cli-domain-support.js';

for (const model of ['esx', 'vpx'] as const) {
  describe(`CLI statistics (${model}://)`, () => {
    let t: CliTarget;
    let vm: string;

    before(async () => {
      t = await startTarget(model);
      vm = t.vms[0] as string;
    });
    after(async () => {
      await t?.stop();
    });

    it("domstats: every domain of the host by default, virsh's 'Domain:' blocks, the groups in virsh's order", async () => {
      const r = await t.cli('domstats');
      assert.equal(r.status, 0, r.stderr);
      const blocks = r.stdout.split('\n\n').filter((b) => b !== '');
      assert.equal(blocks.length, t.vms.length);
      const first = blocks[0]?.split('\n') ?? [];
      assert.equal(first[0], `Domain: '${t.vms[0]}'`);
      const keys = first.slice(1).map((l) => /^ {2}([^=]+)=\d+|^ {2}([^=]+)=/.exec(l)?.[1] ?? /^ {2}([^=]+)=/.exec(l)?.[1]);
      const groups = [...new Set(keys.map((k) => k?.split('.')[0]))];
      assert.deepEqual(groups, ['state', 'cpu', 'balloon', 'vcpu', 'net', 'block']);
      for (const k of [
        'state.state',
        'cpu.time',
        'balloon.current',
        'balloon.rss',
        'vcpu.0.time',
        'net.0.rx.bytes',
        'block.0.rd.bytes',
        'block.0.capacity',
      ])
        assert.ok(keys.includes(k), `${k} in ${keys.join(' ')}`);
      assert.match(r.stdout, /^ {2}block\.0\.name=sda$/m);
    });

    it('domstats --vcpu --list-shutoff of a stopped domain: sizes only; --balloon of named domains', async () => {
      assert.equal((await t.cli('destroy', vm)).status, 0);
      assert.deepEqual(await t.cli('domstats', '--vcpu', '--list-shutoff'), {
        status: 0,
        stdout: `Domain: '${vm}'\n  vcpu.current=1\n  vcpu.maximum=1\n\n`,
        stderr: '',
      });
      const j = JSON.parse((await t.cli('--json', 'domstats', '--balloon', vm)).stdout) as {
        name: string;
        interval: null;
        stats: Record<string, number>;
      }[];
      assert.deepEqual(j, [{ name: vm, interval: null, timestamp: null, stats: { 'balloon.current': 32768, 'balloon.maximum': 32768 } }]);
      assert.deepEqual(await t.cli('dommemstat', vm), {
        status: 1,
        stdout: '\n',
        stderr: 'error: Requested operation is not valid: domain is not running\n',
      });
      assert.deepEqual(await t.cli('domstats', 'nosuch'), {
        status: 1,
        stdout: '\n',
        stderr: "error: Domain not found: no domain with matching name 'nosuch'\n",
      });
      assert.equal((await t.cli('start', vm)).status, 0);
    });

    it("dommemstat, domblkstat (--human), domifstat and cpu-stats: virsh's lines", async () => {
      const mem = (await t.cli('dommemstat', vm)).stdout;
      assert.match(mem, /^actual \d+\nswap_in \d+\nswap_out \d+\nunused \d+\navailable 32768\nusable \d+\nlast_update \d+\nrss \d+\n\n$/);
      const blk = (await t.cli('domblkstat', vm, 'sda')).stdout;
      assert.match(
        blk,
        /^sda rd_req \d+\nsda rd_bytes \d+\nsda wr_req \d+\nsda wr_bytes \d+\nsda rd_total_times \d+\nsda wr_total_times \d+\n\n$/,
      );
      assert.match((await t.cli('domblkstat', vm)).stdout, /^ rd_req \d+\n/);
      assert.match(
        (await t.cli('domblkstat', vm, 'sda', '--human')).stdout,
        /^Device: sda\n number of read operations: {6}\d+\n number of bytes read: {11}\d+\n/,
      );
      const mac = (JSON.parse((await t.cli('--json', 'domiflist', vm)).stdout) as { interfaces: { mac: string }[] }).interfaces[0]
        ?.mac as string;
      assert.match(
        (await t.cli('domifstat', vm, mac)).stdout,
        new RegExp(`^${mac} rx_bytes \\d+\\n${mac} rx_packets \\d+\\n${mac} rx_drop \\d+\\n${mac} tx_bytes \\d+\\n`),
      );
      assert.match(
        (await t.cli('cpu-stats', vm)).stdout,
        /^Total:\n\tcpu_time {8,}\d+\.\d{9} seconds\n\tuser_time {7,}\d+\.\d{9} seconds\n\tsystem_time {5,}\d+\.\d{9} seconds\n\n$/,
      );
      assert.equal(
        (await t.cli('cpu-stats', vm, '--start', '0')).stderr,
        "error: unsupported configuration: ESX does not split a domain's CPU time by host CPU: only --total is available\n",
      );
      assert.equal((await t.cli('domifstat', vm, 'vnet9')).stderr, "error: invalid argument: 'vnet9' is not a known interface\n");
    });

    it("poll: one line per domain with OpenNebula's fields; a stopped domain is 'd' with no usage", async () => {
      const other = t.vms[1];
      if (other !== undefined) assert.equal((await t.cli('destroy', other)).status, 0);
      const lines = (await t.cli('poll')).stdout.split('\n').filter(Boolean);
      assert.equal(lines.length, t.vms.length);
      assert.match(lines[0] as string, new RegExp(`^${vm} STATE=a CPU=\\d+\\.\\d\\d MEMORY=\\d+ NETRX=\\d+ NETTX=\\d+$`));
      if (other !== undefined) assert.equal(lines[1], `${other} STATE=d CPU=0.00 MEMORY=0 NETRX=0 NETTX=0`);
      const j = JSON.parse((await t.cli('--json', 'poll', vm)).stdout) as { state: string; memory: number; cpu: number }[];
      assert.equal(j.length, 1);
      assert.ok((j[0]?.memory ?? 0) > 0 && (j[0]?.cpu ?? 0) > 0, JSON.stringify(j));
      if (other !== undefined) assert.equal((await t.cli('start', other)).status, 0);
    });

    it('counters move: three consecutive real-time samples of a VM differ', async () => {
      const conn = await t.open();
      try {
        const catalog = await readCounterCatalog(conn);
        const [d] = await collectStats(conn, { domains: [vm] });
        const pm = conn.client.serviceContent.perfManager;
        assert.ok(pm && d);
        const r = await methods.QueryPerf(conn.client.soap, pm, {
          querySpec: [
            {
              entity: d.dom.ref,
              maxSample: 3,
              intervalId: 20,
              metricId: [{ counterId: catalog.get(VM_COUNTERS.netRx) as number, instance: '' }],
            },
          ],
        });
        const m = r[0] as { sampleInfo?: { timestamp: Date }[]; value?: { value?: number[] }[] };
        assert.equal(m.sampleInfo?.length, 3);
        const times = m.sampleInfo?.map((s) => s.timestamp.getTime()) ?? [];
        assert.deepEqual(
          times,
          [...times].sort((a, b) => a - b),
          'oldest first',
        );
        assert.equal(new Set(m.value?.[0]?.value).size, 3, JSON.stringify(m.value));
      } finally {
        await conn.close();
      }
    });
  });
}

describe('statistics of 200 VMs in a bounded number of calls', () => {
  it('domstats of 200 VMs costs the same SOAP calls as of 2, QueryPerf once', async () => {
    const calls = async (vms: number): Promise<{ soap: number; perf: number; domains: number }> => {
      const sim = await startSimulator({ model: 'esx', vms, quiet: true });
      try {
        const authFile = writeAuthConf();
        const before = (await sim.stats()).requests;
        const r = await runCli(['-c', simulatorUri(sim), '--json', 'domstats'], { authFile });
        assert.equal(r.status, 0, r.stderr);
        const soap = (await sim.stats()).requests - before;
        const { Connection } = await import('../../src/driver/connect/connection.js');
        const conn = await Connection.open(simulatorUri(sim), { env: { ...process.env, LIBVIRT_AUTH_FILE: authFile } });
        try {
          const n0 = conn.client.stats.byMethod.QueryPerf ?? 0;
          const stats = await getDomainStats(conn);
          return { soap, perf: (conn.client.stats.byMethod.QueryPerf ?? 0) - n0, domains: stats.length };
        } finally {
          await conn.close();
        }
      } finally {
        await sim.stop();
      }
    };
    const small = await calls(2);
    const big = await calls(200);
    assert.equal(small.domains, 2);
    assert.equal(big.domains, 200);
    assert.equal(big.perf, 1);
    assert.equal(big.soap, small.soap, `2 VMs: ${small.soap} calls, 200 VMs: ${big.soap}`);
  });
});

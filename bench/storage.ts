/**
 * Datastore transfers against curl to the same simulator URL, side by side in one run: upload and download MiB/s of
 * esxvirt's transfer layer (putDatastoreFile / createDatastoreReadStream, the bytes on the wire) and of the whole
 * library calls vol-upload and vol-download use (uploadVolume / downloadVolume: lookups, a partial file moved into
 * place), for a 64 MiB and a 1 GiB (× --scale) file; and this process's peak RSS above its idle level during each,
 * which must stay flat whatever the size. The simulator is esxvirt's (HTTPS, datastores on tmpfs); curl sends the
 * same session cookie. VMDK conversions (sparse→flat, flat→streamOptimized vs qemu-img) are the `vmdk` module.
 *
 * Run: `node dist/bench/run.js storage`, or alone: `node dist/bench/storage.js [--scale 0.25]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { Connection } from '../src/driver/connect/connection.js';
import { downloadVolume, uploadVolume } from '../src/driver/storage/index.js';
import { FileSink } from '../src/driver/storage/transfer.js';
import { BufferPool } from '../src/soap/http-bulk.js';
import { createDatastoreReadStream, datastoreFileUrl, putDatastoreFile, type DatastoreFile } from '../src/vim25/index.js';
import { startSimulator } from '../test/harness/vcsim.js';
import { simulatorUri, writeAuthConf } from '../test/integration/cli-support.js';
import { timedWithRss, type BenchOptions, type BenchResult, type Metric } from './measure.js';

/** One line: what this module measures. */
export const description = 'datastore upload/download MiB/s vs curl to the same simulator URL, and peak RSS for 64 MiB and 1 GiB';

const MiB = 2 ** 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** Writes `size` bytes of incompressible data in 1 MiB blocks. */
function makeFile(path: string, size: number): void {
  const block = Buffer.alloc(MiB);
  let x = 0x9e3779b9;
  for (let i = 0; i < MiB; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block.writeUInt32LE(x >>> 0, i);
  }
  writeFileSync(path, '');
  for (let at = 0; at < size; at += MiB) {
    block.writeUInt32LE(at / MiB, 0);
    writeFileSync(path, block.subarray(0, Math.min(MiB, size - at)), { flag: 'a' });
  }
}

/** Times `fn` while sampling this process's RSS every 5 ms; returns the time and the peak above `idle`. */
async function timed(fn: () => Promise<unknown>, idle: number, sampleRss: () => void): Promise<{ ms: number; rss: number }> {
  const { ms, peakRss } = await timedWithRss(fn, sampleRss);
  return { ms, rss: Math.max(0, peakRss - idle) };
}

function curl(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('curl', ['-sS', '--fail', '-k', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`curl failed: ${err.trim()}`))));
  });
}

/** Runs the comparison. */
export async function run(opts: BenchOptions): Promise<BenchResult> {
  if (spawnSync('curl', ['--version']).status !== 0) {
    console.error('storage: curl not found; skipping');
    return { metrics: [], json: { storage_skipped: 'curl not installed' } };
  }
  const sizes = [Math.max(8, Math.round(64 * opts.scale)) * MiB, Math.max(16, Math.round(1024 * opts.scale)) * MiB];
  const local = mkdtempSync(join('/dev/shm', 'esxvirt-bench-storage-'));
  const sim = await startSimulator({ model: 'esx', quiet: true });
  const authFile = writeAuthConf();
  const conn = await Connection.open(simulatorUri(sim), { env: { ...process.env, LIBVIRT_AUTH_FILE: authFile } });
  const metrics: Metric[] = [];
  const json: Record<string, number | string> = {};
  try {
    const cookie = `vmware_soap_session=${conn.client.transport.getSessionCookie() ?? ''}`;
    const dcPath = conn.host.datacenter.path;
    for (const size of sizes) {
      const tag = size >= 1024 * MiB ? `${size / 1024 / MiB}g` : `${size / MiB}m`;
      const src = join(local, `src-${tag}.bin`);
      makeFile(src, size);
      const file: DatastoreFile = { datastore: 'LocalDS_0', path: `bench/${tag}.bin`, dcPath };
      const url = `${sim.baseUrl}${datastoreFileUrl(file, dcPath)}`;
      const r = { upOurs: [] as number[], upCurl: [] as number[], downOurs: [] as number[], downCurl: [] as number[] };
      const lib = { up: [] as number[], down: [] as number[] };
      let rss = 0;
      let idle = process.memoryUsage().rss;
      const rounds = size >= 512 * MiB ? 3 : 5;
      for (let round = 0; round <= rounds; round++) {
        const a = await timed(
          () => putDatastoreFile(conn.client, file, { size, reopenable: true, open: () => createReadStream(src, { highWaterMark: MiB }) }),
          idle,
          opts.sampleRss,
        );
        const b = await curl(['-T', src, '-b', cookie, url]);
        // The GET into a file as downloadVolume writes one (FileSink, its buffers handed back to the stream).
        const c = await timed(
          () => {
            const pool = new BufferPool();
            return pipeline(
              createDatastoreReadStream(conn.client, file, { bufferPool: pool }).stream,
              new FileSink(join(local, 'down-ours.bin'), pool),
            );
          },
          idle,
          opts.sampleRss,
        );
        const d = await curl(['-o', join(local, 'down-curl.bin'), '-b', cookie, url]);
        const e = await timed(
          () => uploadVolume(conn, { pool: 'LocalDS_0', vol: `bench/lib-${tag}.bin` }, src, { force: true }),
          idle,
          opts.sampleRss,
        );
        const f = await timed(
          () => downloadVolume(conn, { pool: 'LocalDS_0', vol: `bench/lib-${tag}.bin` }, join(local, 'down-lib.bin'), { force: true }),
          idle,
          opts.sampleRss,
        );
        // The first round warms up (page cache, JIT, the connection pool, buffers); it is not counted, and the
        // idle level is taken after it.
        if (round === 0) {
          idle = process.memoryUsage().rss;
          continue;
        }
        rss = Math.max(rss, a.rss, c.rss, e.rss, f.rss);
        r.upOurs.push(a.ms);
        r.upCurl.push(b);
        r.downOurs.push(c.ms);
        r.downCurl.push(d);
        lib.up.push(e.ms);
        lib.down.push(f.ms);
      }
      rmSync(src, { force: true });
      const rate = (ms: number): number => size / MiB / (ms / 1000);
      const up = rate(median(r.upOurs));
      const upCurl = rate(median(r.upCurl));
      const down = rate(median(r.downOurs));
      const downCurl = rate(median(r.downCurl));
      const note = 'curl, same URL';
      metrics.push(
        { label: `upload ${tag} (PUT)`, value: up, unit: 'MiB/s', target: upCurl, targetNote: note },
        { label: `download ${tag} (GET into a file)`, value: down, unit: 'MiB/s', target: downCurl, targetNote: note },
        { label: `uploadVolume ${tag} (lookups, move)`, value: rate(median(lib.up)), unit: 'MiB/s', target: upCurl, targetNote: note },
        {
          label: `downloadVolume ${tag} (lookups, rename)`,
          value: rate(median(lib.down)),
          unit: 'MiB/s',
          target: downCurl,
          targetNote: note,
        },
        { label: `peak RSS above idle, ${tag}`, value: rss / MiB, unit: 'MiB' },
      );
      Object.assign(json, {
        [`upload_${tag}_mib_s`]: Math.round(up),
        [`upload_${tag}_curl_mib_s`]: Math.round(upCurl),
        [`download_${tag}_mib_s`]: Math.round(down),
        [`download_${tag}_curl_mib_s`]: Math.round(downCurl),
        [`upload_volume_${tag}_mib_s`]: Math.round(rate(median(lib.up))),
        [`download_volume_${tag}_mib_s`]: Math.round(rate(median(lib.down))),
        [`transfer_${tag}_peak_rss_mib`]: Math.round(rss / MiB),
        // Each figure against curl on the same URL (the goal: ≥ 0.9 for all of them).
        [`upload_${tag}_vs_curl`]: ratio(up, upCurl),
        [`upload_volume_${tag}_vs_curl`]: ratio(rate(median(lib.up)), upCurl),
        [`download_${tag}_vs_curl`]: ratio(down, downCurl),
        [`download_volume_${tag}_vs_curl`]: ratio(rate(median(lib.down)), downCurl),
      });
    }
  } finally {
    await conn.close();
    await sim.stop();
    rmSync(local, { recursive: true, force: true });
  }
  return { metrics, json };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = Number(process.argv[process.argv.indexOf('--scale') + 1] ?? 1) || 1;
  const r = await run({ minMs: 2000, warmupMs: 500, scale, sampleRss: () => undefined });
  for (const m of r.metrics)
    console.log(`${m.label}: ${m.value.toFixed(1)} ${m.unit}${m.target !== undefined ? ` (${m.targetNote}: ${m.target.toFixed(1)})` : ''}`);
  console.log(JSON.stringify(r.json));
}

/**
 * VMDK conversion speed and memory against qemu-img on the same files, side by side in one run:
 * monolithicSparse → raw (our reader + a hole-leaving file writer vs `qemu-img convert -O raw`) and
 * raw → streamOptimized (our writer vs `qemu-img convert -O vmdk -o subformat=streamOptimized`). The
 * input is a 256 MiB (× --scale) disk of mixed content per 64 KiB block: zeros, random data, text and
 * sparse bytes. Rates are disk bytes (capacity) per second; each conversion runs alternately with
 * qemu-img's, and the median of the runs is reported. Peak RSS is sampled during our conversions
 * (this process) and during qemu-img's (its /proc VmHWM).
 *
 * Run: `node dist/bench/run.js vmdk`, or alone: `node dist/bench/vmdk.js [--scale 0.25]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openVmdkFile, writeRawFile, writeStreamOptimizedFile } from '../src/vmdk/files.js';
import { timedWithRss, type BenchOptions, type BenchResult, type Metric } from './measure.js';

/** One line: what this module measures. */
export const description =
  'VMDK sparse→raw and raw→streamOptimized MiB/s and peak RSS, ours vs qemu-img convert on the same 256 MiB mixed disk';

const MiB = 2 ** 20;
const BLOCK = 65536;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Writes the mixed-content disk: per 64 KiB block 40 % zeros, 20 % random, 20 % text, 20 % sparse bytes (deterministic). */
function makeDisk(path: string, size: number): void {
  let x = 0x2545f491;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  // 64 distinct random blocks: deflate's 32 KiB window never sees a repeat, so they stay incompressible.
  const randoms = Array.from({ length: 64 }, () => {
    const b = Buffer.alloc(BLOCK);
    for (let i = 0; i < BLOCK; i += 4) b.writeUInt32LE(rnd(), i);
    return b;
  });
  const words = ['disk', 'grain', 'sector', 'vmdk', 'esx', 'datastore', 'extent', 'table', 'marker', 'footer'];
  const fd = openSync(path, 'w');
  try {
    const chunk = Buffer.alloc(16 * BLOCK);
    for (let at = 0; at < size; at += chunk.length) {
      chunk.fill(0);
      for (let b = 0; b < 16; b++) {
        const block = chunk.subarray(b * BLOCK, (b + 1) * BLOCK);
        const kind = rnd() % 10;
        if (kind >= 4 && kind < 6) (randoms[rnd() % 64] as Buffer).copy(block);
        else if (kind >= 6 && kind < 8) {
          let t = '';
          while (t.length < BLOCK) t += `${words[rnd() % words.length]} ${rnd() % 1000} `;
          block.write(t, 'latin1');
        } else if (kind >= 8) for (let i = rnd() % 4096; i < BLOCK; i += 4096) block[i] = 1 + (rnd() % 255);
      }
      writeSync(fd, chunk, 0, Math.min(chunk.length, size - at));
    }
  } finally {
    closeSync(fd);
  }
}

/** Runs qemu-img; resolves with wall time and its peak RSS (VmHWM sampled from /proc while it runs). */
function qemuImg(args: string[]): Promise<{ ms: number; peakRss: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('qemu-img', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    let peak = 0;
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'latin1'));
        if (m) peak = Math.max(peak, Number(m[1]) * 1024);
      } catch {
        // The process has exited between samples.
      }
    };
    const timer = setInterval(sample, 5);
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const ms = performance.now() - start;
      if (code === 0) resolve({ ms, peakRss: peak });
      else reject(new Error(`qemu-img ${args.join(' ')} failed: ${err.trim()}`));
    });
  });
}

function sameFile(a: string, b: string, size: number): boolean {
  if (statSync(b).size !== size) return false;
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    const ba = Buffer.alloc(4 * MiB);
    const bb = Buffer.alloc(4 * MiB);
    for (let at = 0; at < size; at += ba.length) {
      const n = Math.min(ba.length, size - at);
      if (readAt(fa, ba, n, at) !== n || readAt(fb, bb, n, at) !== n || !ba.subarray(0, n).equals(bb.subarray(0, n))) return false;
    }
    return true;
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

function readAt(fd: number, b: Buffer, n: number, at: number): number {
  let got = 0;
  while (got < n) {
    const k = readSync(fd, b, got, n - got, at + got);
    if (k === 0) break;
    got += k;
  }
  return got;
}

/** Runs the comparison. */
export async function run(opts: BenchOptions): Promise<BenchResult> {
  const ver = spawnSync('qemu-img', ['--version'], { encoding: 'utf8' });
  if (ver.status !== 0) {
    console.error('vmdk: qemu-img not found (Debian package qemu-utils); skipping');
    return { metrics: [], json: { vmdk_skipped: 'qemu-img not installed' } };
  }
  const size = Math.max(16, Math.round(256 * opts.scale)) * MiB;
  const dir = mkdtempSync(join(tmpdir(), 'esxvirt-bench-vmdk-'));
  try {
    const raw = join(dir, 'disk.raw');
    makeDisk(raw, size);
    const sparse = join(dir, 'disk-sparse.vmdk');
    await qemuImg(['convert', '-O', 'vmdk', raw, sparse]);
    const toRaw = { ours: [] as number[], qemu: [] as number[], oursRss: 0, qemuRss: 0 };
    const toSo = { ours: [] as number[], qemu: [] as number[], oursRss: 0, qemuRss: 0 };
    const rssBefore = process.memoryUsage().rss;
    // At least 3 alternating rounds, more while the budget (--min-ms per conversion) allows.
    const started = performance.now();
    for (let round = 0; round < 3 || (performance.now() - started < opts.minMs * 4 && round < 10); round++) {
      const a = await timedWithRss(async () => {
        const r = await openVmdkFile(sparse);
        await writeRawFile(r.stream(), join(dir, 'ours.raw'));
      }, opts.sampleRss);
      const b = await qemuImg(['convert', '-O', 'raw', sparse, join(dir, 'qemu.raw')]);
      const c = await timedWithRss(
        () => writeStreamOptimizedFile(createReadStream(raw, { highWaterMark: MiB }), join(dir, 'ours-so.vmdk'), { capacity: size }),
        opts.sampleRss,
      );
      const d = await qemuImg(['convert', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, join(dir, 'qemu-so.vmdk')]);
      if (round === 0) {
        // The first round only warms up (page cache, JIT); its numbers are not counted.
        if (!sameFile(raw, join(dir, 'ours.raw'), size)) throw new Error('vmdk bench: our sparse→raw output differs from the input');
        const cmp = spawnSync('qemu-img', ['compare', raw, join(dir, 'ours-so.vmdk')], { encoding: 'utf8' });
        if (cmp.status !== 0)
          throw new Error(`vmdk bench: qemu-img compare rejects our streamOptimized output: ${cmp.stdout}${cmp.stderr}`);
        continue;
      }
      toRaw.ours.push(a.ms);
      toRaw.qemu.push(b.ms);
      toSo.ours.push(c.ms);
      toSo.qemu.push(d.ms);
      toRaw.oursRss = Math.max(toRaw.oursRss, a.peakRss);
      toRaw.qemuRss = Math.max(toRaw.qemuRss, b.peakRss);
      toSo.oursRss = Math.max(toSo.oursRss, c.peakRss);
      toSo.qemuRss = Math.max(toSo.qemuRss, d.peakRss);
    }
    const rate = (ms: number): number => size / MiB / (ms / 1000);
    const soOurs = statSync(join(dir, 'ours-so.vmdk')).size;
    const soQemu = statSync(join(dir, 'qemu-so.vmdk')).size;
    const r = {
      sparseToRawOurs: rate(median(toRaw.ours)),
      sparseToRawQemu: rate(median(toRaw.qemu)),
      rawToSoOurs: rate(median(toSo.ours)),
      rawToSoQemu: rate(median(toSo.qemu)),
    };
    const note = 'qemu-img convert, same file';
    const metrics: Metric[] = [
      { label: `sparse→raw, ${size / MiB} MiB disk`, value: r.sparseToRawOurs, unit: 'MiB/s', target: r.sparseToRawQemu, targetNote: note },
      {
        label: `raw→streamOptimized, ${size / MiB} MiB disk`,
        value: r.rawToSoOurs,
        unit: 'MiB/s',
        target: r.rawToSoQemu,
        targetNote: note,
      },
      {
        label: 'sparse→raw peak RSS (this process)',
        value: toRaw.oursRss / MiB,
        unit: 'MiB',
        target: toRaw.qemuRss / MiB,
        targetNote: 'qemu-img',
      },
      {
        label: 'raw→streamOptimized peak RSS (this process)',
        value: toSo.oursRss / MiB,
        unit: 'MiB',
        target: toSo.qemuRss / MiB,
        targetNote: 'qemu-img',
      },
      { label: 'RSS of this process before the conversions', value: rssBefore / MiB, unit: 'MiB' },
      { label: 'streamOptimized size', value: soOurs / MiB, unit: 'MiB', target: soQemu / MiB, targetNote: 'qemu-img' },
    ];
    return {
      metrics,
      json: {
        vmdk_disk_mib: size / MiB,
        vmdk_rounds: toRaw.ours.length,
        vmdk_sparse_to_raw_mib_s: Math.round(r.sparseToRawOurs),
        vmdk_sparse_to_raw_qemu_mib_s: Math.round(r.sparseToRawQemu),
        vmdk_raw_to_so_mib_s: Math.round(r.rawToSoOurs),
        vmdk_raw_to_so_qemu_mib_s: Math.round(r.rawToSoQemu),
        vmdk_sparse_to_raw_peak_rss_mib: Math.round(toRaw.oursRss / MiB),
        vmdk_raw_to_so_peak_rss_mib: Math.round(toSo.oursRss / MiB),
        vmdk_qemu_peak_rss_mib: Math.round(Math.max(toRaw.qemuRss, toSo.qemuRss) / MiB),
        vmdk_rss_before_mib: Math.round(rssBefore / MiB),
        vmdk_so_size_mib: Math.round(soOurs / MiB),
        vmdk_so_size_qemu_mib: Math.round(soQemu / MiB),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = Number(process.argv[process.argv.indexOf('--scale') + 1]) || 1;
  const res = await run({ minMs: 2000, warmupMs: 500, scale, sampleRss: () => undefined });
  for (const m of res.metrics)
    console.log(`${m.label}: ${m.value.toFixed(1)} ${m.unit}${m.target !== undefined ? ` (${m.targetNote}: ${m.target.toFixed(1)})` : ''}`);
  console.log(JSON.stringify(res.json));
}

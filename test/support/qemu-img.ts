/**
 * qemu-img (Debian's qemu-utils) as the reference VMDK implementation for the tests, and raw disk
 * images with deterministic patterns (zeros, random blocks, sparse regions, text, odd sizes).
 * Without qemu-img the tests skip with a visible reason, except under CI (the CI variable set), where
 * they fail: the interoperability checks must never silently vanish.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Rng } from './rng.js';

let available: boolean | undefined;

/** True when `qemu-img --version` runs. */
export function qemuImgAvailable(): boolean {
  available ??= spawnSync('qemu-img', ['--version'], { encoding: 'utf8' }).status === 0;
  return available;
}

/** Skips the test (with the reason printed) when qemu-img is missing; fails it instead when CI is set. */
export function needQemuImg(t: TestContext): boolean {
  if (qemuImgAvailable()) return true;
  if (process.env.CI)
    throw new Error('qemu-img is not installed (Debian package qemu-utils); the VMDK interoperability tests need it in CI');
  t.skip('qemu-img is not installed (Debian package qemu-utils)');
  return false;
}

/** Runs qemu-img; throws with its stderr when it fails. Returns stdout. */
export function qemuImg(...args: string[]): string {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`qemu-img ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** qemu-img's exit status and output, for checks that expect failure. */
export function qemuImgStatus(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('qemu-img', args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A temporary directory removed by the test's after hook. */
export function tempDir(t: TestContext, prefix = 'esxvirt-vmdk-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One region of a generated disk. */
export type Fill = 'zero' | 'random' | 'text' | 'ones' | 'sparse-bytes';

/** A raw disk of `size` bytes built from `regions` ([offset, length, fill]); the rest is zero. */
export function rawDisk(size: number, regions: [number, number, Fill][], seed = 1): Buffer {
  const b = Buffer.alloc(size);
  const rng = new Rng(seed);
  for (const [off, len, fill] of regions) {
    const end = Math.min(size, off + len);
    for (let i = off; i < end; i++) {
      if (fill === 'random') b[i] = rng.next() & 0xff;
      else if (fill === 'text') b[i] = 0x61 + (i % 26);
      else if (fill === 'ones') b[i] = 0xff;
      else if (fill === 'sparse-bytes') b[i] = i % 4099 === 0 ? 1 + (rng.next() % 255) : 0;
    }
  }
  return b;
}

/** A mixed-content disk: random grains, text, sparse bytes and zero runs, chosen per 64 KiB block. */
export function mixedDisk(size: number, seed = 7): Buffer {
  const rng = new Rng(seed);
  const regions: [number, number, Fill][] = [];
  const fills: Fill[] = ['zero', 'zero', 'zero', 'random', 'text', 'sparse-bytes', 'ones'];
  for (let at = 0; at < size; at += 65536) regions.push([at, 65536, fills[rng.int(0, fills.length - 1)] as Fill]);
  return rawDisk(size, regions, seed);
}

/** Writes `data` to `dir/name` and returns the path. */
export function put(dir: string, name: string, data: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}

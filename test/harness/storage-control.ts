/**
 * The storage control endpoints of esxvirt's simulator (test/harness/README.md, "Storage"): transfer faults and
 * throttling of the /folder service, its request counts, a read-only licence, and how the host keeps a disk.
 */
import type { Simulator } from './vcsim.js';

/** How the simulated host keeps a disk (control endpoint `disk`). */
export interface HostDisk {
  exists: boolean;
  /** thin, preallocated (zeroedthick) or eagerZeroedThick. */
  kind?: 'thin' | 'preallocated' | 'eagerZeroedThick';
  capacity?: number;
  /** Bytes the extents take on the host's file system. */
  allocated?: number;
  adapterType?: string;
  createType?: string;
  extents?: string[];
}

/** Counts of /folder requests since the simulator started. */
export interface TransferCounts {
  gets: number;
  ranges: number;
  puts: number;
  denied: number;
  cuts: number;
}

/** Cuts the next `n` /folder transfers after `after` body bytes; with `expire` every session ends at that moment. */
export async function cutTransfers(sim: Simulator, after: number, opts: { n?: number; expire?: boolean } = {}): Promise<void> {
  await sim.control('transfer-fault', { after, n: opts.n ?? 1, expire: opts.expire ?? false });
}

/** Throttles /folder bodies to `bytesPerSecond` (0: no limit). */
export async function throttleTransfers(sim: Simulator, bytesPerSecond: number): Promise<void> {
  await sim.control('transfer-rate', { bytesPerSecond });
}

/** The /folder request counts. */
export async function transferCounts(sim: Simulator): Promise<TransferCounts> {
  return (await sim.control('transfers')) as TransferCounts;
}

/** Makes the host refuse API writes as ESXi under the free licence does (RestrictedVersion), or stop doing so. */
export async function restrictLicence(sim: Simulator, restricted: boolean): Promise<void> {
  await sim.control('license', { restricted });
}

/** How the host keeps the disk `[ds] path`. */
export async function hostDisk(sim: Simulator, path: string): Promise<HostDisk> {
  return (await sim.control('disk', { path })) as HostDisk;
}

/** Makes the next `n` calls of `method` run and then lose their answer (the connection closes before it). */
export async function loseAnswers(sim: Simulator, method: string, n = 1): Promise<void> {
  await sim.control('lose-answer', { method, n });
}

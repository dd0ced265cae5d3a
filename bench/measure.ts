/**
 * What every bench module shares: the result shape run.ts prints, a rate measurement that
 * warms up and then repeats its workload for a minimum time, and an RSS sampler.
 */

/** One measured number, with the target it is compared to (if any). */
export interface Metric {
  label: string;
  value: number;
  unit: string;
  /** A reference value to print beside the result (e.g. libvirt's C converter). */
  target?: number;
  /** What the target is. */
  targetNote?: string;
}

/** What a bench module returns: rows for the table and numbers for the final JSON line. */
export interface BenchResult {
  metrics: Metric[];
  json: Record<string, number | string>;
}

/** Settings run.ts passes to every module. */
export interface BenchOptions {
  /** Minimum duration of one timed measurement, in ms. */
  minMs: number;
  /** Warm-up before each measurement, in ms. */
  warmupMs: number;
  /** Size of generated workloads (modules scale theirs by it). */
  scale: number;
  /** Called regularly from inside hot loops so RSS peaks are seen. */
  sampleRss: () => void;
}

/** A bench module as run.ts loads it. */
export interface BenchModule {
  /** One line: what this module measures. */
  description: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

/** Result of one rate measurement. */
export interface Rate {
  perSecond: number;
  operations: number;
  ms: number;
  /** Input bytes processed per second (when the items have a size). */
  bytesPerSecond: number;
}

// Results go here so the JIT cannot drop the work as dead code.
let sink = 0;

/** Runs `fn` over `items` round-robin: `warmupMs` untimed, then at least `minMs` timed. */
export function measureRate<T>(items: readonly T[], fn: (item: T) => string, size: (item: T) => number, opts: BenchOptions): Rate {
  if (items.length === 0) return { perSecond: 0, operations: 0, ms: 0, bytesPerSecond: 0 };
  const loop = (ms: number): { ops: number; bytes: number; elapsed: number } => {
    const start = performance.now();
    let ops = 0;
    let bytes = 0;
    let elapsed = 0;
    let i = 0;
    while (elapsed < ms) {
      // Check the clock once per round of up to 64 items: cheap, and still precise to well under 1%.
      for (let k = 0; k < 64; k++) {
        const item = items[i] as T;
        sink += fn(item).length;
        bytes += size(item);
        ops++;
        i = i + 1 === items.length ? 0 : i + 1;
      }
      if ((ops & 1023) === 0) opts.sampleRss();
      elapsed = performance.now() - start;
    }
    return { ops, bytes, elapsed };
  };
  loop(opts.warmupMs);
  const r = loop(opts.minMs);
  opts.sampleRss();
  return { perSecond: (r.ops * 1000) / r.elapsed, operations: r.ops, ms: r.elapsed, bytesPerSecond: (r.bytes * 1000) / r.elapsed };
}

/** The sink's value (printed nowhere; exported so the work stays observable). */
export function sinkValue(): number {
  return sink;
}

/** Tracks the largest RSS seen by sampling process.memoryUsage().rss. */
export class RssSampler {
  peak = 0;
  readonly start = process.memoryUsage().rss;

  /** Takes one sample. */
  sample = (): void => {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
  };
}

/** Times `fn` in this process while sampling RSS every 5 ms (and calling `sampleRss`); returns time and peak RSS. */
export async function timedWithRss(fn: () => Promise<unknown>, sampleRss: () => void): Promise<{ ms: number; peakRss: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    sampleRss();
  }, 5);
  const start = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return { ms: performance.now() - start, peakRss: Math.max(peak, process.memoryUsage().rss) };
}

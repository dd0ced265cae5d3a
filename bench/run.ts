/**
 * `npm run bench`: runs the bench modules in one process, prints a table and, last, one JSON
 * line with every module's numbers plus peak RSS.
 *
 *   node dist/bench/run.js [NAME...] [--min-ms N] [--warmup-ms N] [--scale F] [--list]
 *
 * NAME selects modules whose name contains it. To add a benchmark, write bench/NAME.ts
 * exporting `description` and `run(options): Promise<BenchResult>` (see measure.ts) and add
 * NAME to MODULES.
 */
import { parseArgs } from 'node:util';
import { RssSampler, sinkValue, type BenchModule, type BenchOptions, type Metric } from './measure.js';

/** The bench modules, in the order they run. */
export const MODULES: readonly string[] = ['converter', 'soap-list', 'cli-list', 'vmdk', 'migrate', 'storage'];

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '-';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(2);
}

function table(rows: { module: string; m: Metric }[]): string {
  const cells = rows.map(({ module, m }) => [
    module,
    m.label,
    fmt(m.value),
    m.unit,
    m.target !== undefined ? `${fmt(m.target)} (${m.targetNote ?? 'target'})` : '',
    m.target !== undefined ? `${(m.value / m.target).toFixed(2)}x` : '',
  ]);
  const head = ['module', 'measurement', 'value', 'unit', 'target', 'vs target'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]): string =>
    c
      .map((s, i) => (i === 2 ? s.padStart(widths[i] as number) : s.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'min-ms': { type: 'string', default: '2000' },
      'warmup-ms': { type: 'string', default: '500' },
      scale: { type: 'string', default: '1' },
      list: { type: 'boolean', default: false },
    },
  });
  const selected = MODULES.filter((name) => positionals.length === 0 || positionals.some((p) => name.includes(p)));
  if (values.list) {
    for (const name of MODULES) {
      const mod = (await import(`./${name}.js`)) as BenchModule;
      console.log(`${name}: ${mod.description}`);
    }
    return 0;
  }
  if (selected.length === 0) {
    console.error(`no bench module matches ${positionals.join(', ')}; modules: ${MODULES.join(', ')}`);
    return 2;
  }
  const rss = new RssSampler();
  const opts: BenchOptions = {
    minMs: Number(values['min-ms']),
    warmupMs: Number(values['warmup-ms']),
    scale: Number(values.scale),
    sampleRss: rss.sample,
  };
  const rows: { module: string; m: Metric }[] = [];
  const json: Record<string, number | string> = { node: process.version };
  for (const name of selected) {
    const mod = (await import(`./${name}.js`)) as BenchModule;
    console.error(`running ${name}: ${mod.description}`);
    const started = performance.now();
    const result = await mod.run(opts);
    rss.sample();
    for (const m of result.metrics) rows.push({ module: name, m });
    Object.assign(json, result.json);
    json[`${name}_seconds`] = Math.round(performance.now() - started) / 1000;
  }
  rss.sample();
  const maxRssKiB = process.resourceUsage().maxRSS;
  rows.push({ module: 'process', m: { label: 'RSS at start', value: rss.start / 2 ** 20, unit: 'MiB' } });
  rows.push({ module: 'process', m: { label: 'peak RSS (sampled memoryUsage().rss)', value: rss.peak / 2 ** 20, unit: 'MiB' } });
  rows.push({ module: 'process', m: { label: 'peak RSS (resourceUsage().maxRSS)', value: maxRssKiB / 1024, unit: 'MiB' } });
  json.rss_start_mib = Math.round(rss.start / 2 ** 20);
  json.peak_rss_mib = Math.round(rss.peak / 2 ** 20);
  json.max_rss_mib = Math.round(maxRssKiB / 1024);
  console.log(table(rows));
  console.log(JSON.stringify(json));
  if (sinkValue() < 0) console.error('impossible');
  return 0;
}

process.exitCode = await main();

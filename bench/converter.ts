/**
 * Converter throughput: VMX → domain XML and domain XML → VMX per second, over the libvirt
 * conformance corpus and over a generated set of realistic multi-KB VMX files.
 */
import type { VmxContext } from '../src/vmx/context.js';
import { offlineContext } from '../src/vmx/context.js';
import { domainToVmx } from '../src/vmx/domain-to-vmx.js';
import { vmxToDomain } from '../src/vmx/vmx-to-domain.js';
import { formatDomain } from '../src/conf/domain/format-domain.js';
import { parseDomainXml } from '../src/conf/domain/parse-domain.js';
import { loadCorpus } from '../test/support/corpus.js';
import { realisticVmxSet } from '../test/support/realistic-vmx.js';
import { measureRate, type BenchOptions, type BenchResult, type Metric, type Rate } from './measure.js';

import { join } from 'node:path';
import { Oracle, oracleDir } from '../test/support/oracle.js';

/**
 * libvirt 9.0's converter measured in the same run, with the oracle's bench modes (one process per
 * file, `bench-vmx2xml FILE N` / `bench-xml2vmx FILE HW N`): conversions per second over the files.
 */
function libvirtRate(oracle: Oracle, jobs: { args: (n: number) => string[] }[], n: number): number {
  let conversions = 0;
  let seconds = 0;
  for (const j of jobs) {
    const m = /: (\d+) conversions in ([\d.]+) s/.exec(oracle.bench(j.args(n)));
    if (!m) continue;
    conversions += Number(m[1]);
    seconds += Number(m[2]);
  }
  return seconds > 0 ? conversions / seconds : NaN;
}

/** One line: what this module measures. */
export const description = 'VMX ⇄ domain XML conversions per second (conformance corpus and generated realistic VMX files)';

interface VmxItem {
  bytes: Uint8Array;
  ctx: VmxContext;
}

interface XmlItem {
  text: string;
  size: number;
  ctx: VmxContext;
  hw: number;
}

const vmx2xml = (it: VmxItem): string => formatDomain(vmxToDomain(it.bytes, it.ctx));
const xml2vmx = (it: XmlItem): string => domainToVmx(parseDomainXml(it.text), it.ctx, { virtualHwVersion: it.hw });

// Only inputs that convert are timed: a failing one would measure error paths instead.
function converting<T>(items: T[], fn: (item: T) => string): T[] {
  return items.filter((it) => {
    try {
      fn(it);
      return true;
    } catch {
      return false;
    }
  });
}

function rateMetrics(what: string, r: Rate, target: number, n: number): Metric[] {
  return [
    {
      label: `${what} (${n} files)`,
      value: r.perSecond,
      unit: 'conv/s',
      ...(Number.isFinite(target) ? { target, targetNote: 'libvirt 9.0, measured' } : {}),
    },
    { label: `${what} input throughput`, value: r.bytesPerSecond / 1e6, unit: 'MB/s' },
  ];
}

/** Runs the four measurements. */
export async function run(opts: BenchOptions): Promise<BenchResult> {
  const metrics: Metric[] = [];
  const json: Record<string, number> = {};
  const corpus = loadCorpus();
  if (corpus) {
    const vmxItems = converting(
      corpus.vmx.map((c) => ({
        bytes: c.bytes,
        ctx: offlineContext({ vmxPath: c.vmxPath, ...(c.datacenterPath ? { datacenterPath: c.datacenterPath } : {}) }),
      })),
      vmx2xml,
    );
    const xmlCtx = offlineContext({ defaultScsiModel: 'lsilogic' });
    const xmlItems = converting(
      corpus.xml
        .filter((c) => c.name.startsWith('xml2vmx-'))
        .map((c) => ({ text: c.text, size: Buffer.byteLength(c.text), ctx: xmlCtx, hw: c.hw })),
      xml2vmx,
    );
    const a = measureRate(vmxItems, vmx2xml, (it) => it.bytes.length, opts);
    const b = measureRate(xmlItems, xml2vmx, (it) => it.size, opts);
    let libA = NaN;
    let libB = NaN;
    if (oracleDir() !== undefined) {
      const oracle = Oracle.open(1);
      const n = Math.max(50, Math.round(2000 * opts.scale));
      const dir = corpus.dir;
      libA = libvirtRate(
        oracle,
        corpus.vmx
          .filter((c) => !c.name.includes('missing'))
          .map((c) => ({
            args: (k: number) => [
              'bench-vmx2xml',
              join(dir, 'vmx2xml', `${c.name}.vmx`),
              String(k),
              ...(c.datacenterPath ? ['--datacenter-path', c.datacenterPath] : []),
            ],
          })),
        n,
      );
      libB = libvirtRate(
        oracle,
        corpus.xml
          .filter((c) => c.name.startsWith('xml2vmx-'))
          .map((c) => ({
            args: (k: number) => ['bench-xml2vmx', join(dir, 'xml2vmx', `${c.name}.xml`), String(c.hw), String(k)],
          })),
        n,
      );
    }
    metrics.push(...rateMetrics('corpus VMX→XML', a, libA, vmxItems.length));
    metrics.push(...rateMetrics('corpus XML→VMX', b, libB, xmlItems.length));
    json.vmx2xml_per_s = Math.round(a.perSecond);
    json.xml2vmx_per_s = Math.round(b.perSecond);
    json.libvirt_vmx2xml_per_s = Math.round(libA);
    json.libvirt_xml2vmx_per_s = Math.round(libB);
  } else {
    metrics.push({ label: 'conformance corpus not found (ESXVIRT_CONFORMANCE_DIR)', value: NaN, unit: '' });
  }

  const count = Math.max(100, Math.round(10_000 * opts.scale));
  const genStart = performance.now();
  // Only the bytes are kept (as a file read would give them), not the generator's strings.
  const genVmx = converting(
    realisticVmxSet(count, 1).map((g) => ({ bytes: Buffer.from(g.text, 'utf8'), ctx: offlineContext({ vmxPath: g.vmxPath }), hw: g.hw })),
    vmx2xml,
  );
  opts.sampleRss();
  const genXml = converting(
    genVmx.map((g) => {
      const text = vmx2xml(g);
      return { text, size: Buffer.byteLength(text), ctx: g.ctx, hw: g.hw };
    }),
    xml2vmx,
  );
  const setupMs = performance.now() - genStart;
  opts.sampleRss();
  const avgVmx = genVmx.reduce((s, g) => s + g.bytes.length, 0) / Math.max(1, genVmx.length);
  const avgXml = genXml.reduce((s, g) => s + g.size, 0) / Math.max(1, genXml.length);
  const c = measureRate(genVmx, vmx2xml, (it) => it.bytes.length, opts);
  const d = measureRate(genXml, xml2vmx, (it) => it.size, opts);
  metrics.push(...rateMetrics(`generated VMX→XML (avg ${(avgVmx / 1024).toFixed(1)} KiB)`, c, NaN, genVmx.length));
  metrics.push(...rateMetrics(`generated XML→VMX (avg ${(avgXml / 1024).toFixed(1)} KiB)`, d, NaN, genXml.length));
  metrics.push({ label: `generating + preparing ${count} files`, value: setupMs, unit: 'ms' });
  json.gen_files = genVmx.length;
  json.gen_avg_vmx_bytes = Math.round(avgVmx);
  json.gen_vmx2xml_per_s = Math.round(c.perSecond);
  json.gen_xml2vmx_per_s = Math.round(d.perSecond);
  json.gen_vmx2xml_mb_per_s = Math.round(c.bytesPerSecond / 1e4) / 100;
  json.gen_xml2vmx_mb_per_s = Math.round(d.bytesPerSecond / 1e4) / 100;
  return { metrics, json };
}

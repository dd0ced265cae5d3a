/**
 * The classes of inputs where esxvirt deliberately differs from libvirt 9.0's converter, each
 * with its reason (the README's "Differences from libvirt's converter" table lists the same).
 * The differential run counts a case of these classes as a known difference, not as agreement.
 */
import type { DiffCase, OurResult } from './differential.js';
import type { OracleResult } from './oracle.js';

/** One documented class of deliberate differences: a class of results (`applies`) or of output lines (`normalize`). */
export interface KnownDifference {
  id: string;
  reason: string;
  /** The golden files (under test/fixtures/golden/) that pin esxvirt's side of the class. */
  goldens: readonly string[];
  /** True when the case (whose results differ; invented UUIDs and MACs masked) belongs to the class. */
  applies?(c: DiffCase, ours: OurResult, oracle: OracleResult): boolean;
  /**
   * For two VMX outputs: both with this class's difference taken out, or undefined when the class does not apply.
   * Output classes combine: a case may show several at once.
   */
  normalize?(ours: string, theirs: string): [string, string] | undefined;
}

// The characters libvirt writes raw and esxvirt escapes, in either form.
const UNSAFE = /\|(22|0a|0d)|["\n\r]/g;

/** The classes, most specific first. */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'libvirt-crash-null-file-name',
    goldens: ['errors/serial-file-without-filename.vmx'],
    reason:
      'libvirt 9.0 passes a NULL file name to its callback for serialN.fileType = "file" without serialN.fileName and crashes; esxvirt refuses with a message',
    applies: (_c, _ours, oracle) => oracle.status === 'crash' && /NULL file name/.test(oracle.error),
  },
  {
    id: 'libvirt-huge-allocation',
    goldens: ['errors/vcpu-huge.xml', 'errors/numvcpus-huge.vmx', 'xml2vmx/controller-index-huge.xml'],
    reason:
      'a huge count (<vcpu> of 2^31, a controller index of 2^31 - 1, …): libvirt 9.0 allocates a structure per item and aborts (GLib out of memory) or runs for minutes; esxvirt answers at once (it refuses more than 4,096 vCPUs and allocates nothing per controller index)',
    applies: (_c, _ours, oracle) => oracle.status === 'timeout' || (oracle.status === 'crash' && /SIG/.test(oracle.error)),
  },
  {
    id: 'vcpus-beyond-4096',
    goldens: ['errors/vcpu-65535.xml', 'errors/numvcpus-65535.vmx'],
    reason:
      'more than 4,096 vCPUs (below 2^32): libvirt 9.0 converts, allocating a structure per vCPU (7 s for 10^7); esxvirt refuses them (VMware allows 768)',
    applies: (_c, ours, oracle) => {
      const n = /(?:<vcpu>|'numvcpus') is too large: (\d+)/.exec(ours.error)?.[1];
      return oracle.status === 'ok' && n !== undefined && BigInt(n) < 2n ** 32n;
    },
  },
  {
    id: 'duplicate-chr-port',
    goldens: ['errors/serial-duplicate-port.xml'],
    reason:
      'two serial (or parallel) ports with the same <target port>: libvirt 9.0 writes both under the same serialN keys, so VMware reads only the first; esxvirt refuses',
    applies: (_c, ours, oracle) => oracle.status === 'ok' && /two (serial|parallel) ports use port \d+/.test(ours.error),
  },
  {
    id: 'datastore-path-without-bracket',
    goldens: ['errors/datastore-path-without-bracket.xml'],
    reason:
      "a file name '[ds/a.vmdk' (a '[' without its ']'): the oracle's file-name callback (that of libvirt's test suite) makes '/vmfs/volumes/ds/a.vmdk/' of it; libvirt's ESX driver refuses it, and so does esxvirt",
    applies: (_c, ours, oracle) => oracle.status === 'ok' && /file name '\[[^\]]*' is no datastore path/.test(ours.error),
  },
  {
    id: 'invalid-utf8-copied',
    goldens: ['vmx2xml/invalid-utf8.vmx'],
    reason:
      'a VMX with bytes that are not UTF-8 (and no .encoding): libvirt copies them into its XML, which is then not well-formed; esxvirt reads them as U+FFFD (with a warning)',
    applies: (_c, _ours, oracle) => oracle.status === 'ok' && !oracle.utf8,
  },
  {
    id: 'charset-unknown-to-node',
    goldens: ['errors/encoding-utf7.vmx', 'errors/xml-encoding-utf7.xml'],
    reason:
      "a VMX whose .encoding names a charset that iconv knows but Node's decoders do not (UTF-7, …): libvirt converts it, esxvirt refuses naming the charset",
    applies: (_c, ours, oracle) =>
      oracle.status === 'ok' && ours.status === 'refused' && /unsupported (charset|encoding) '(utf-7|utf7)'/i.test(ours.error),
  },
  {
    id: 'device-not-in-vmx',
    goldens: ['errors/hostdev.xml'],
    reason: 'a device VMX cannot hold (hostdev, sound, watchdog, tpm, channel, …): libvirt drops it silently, esxvirt refuses naming it',
    applies: (_c, ours, oracle) => oracle.status === 'ok' && ours.status === 'refused' && /VMware VMs cannot have it/.test(ours.error),
  },
  {
    id: 'cpu-shares-beyond-2^53',
    goldens: ['errors/cpu-shares-negative.vmx', 'errors/cpu-shares-beyond-2-53.vmx'],
    reason:
      "sched.cpu.shares beyond 2^53 or negative: libvirt reads it as an unsigned 64-bit number (a '-' wrapping around to 18446744073709551615); esxvirt refuses it",
    applies: (_c, ours, oracle) =>
      oracle.status === 'ok' &&
      ours.status === 'refused' &&
      /sched\.cpu\.shares' (is too large|to be a number)/.test(ours.error) &&
      /<shares>\d{16,}<\/shares>/.test(oracle.stdout),
  },
  {
    id: 'numvcpus-32-bit-wrap',
    goldens: ['errors/numvcpus-2-32.vmx'],
    reason:
      'numvcpus of 2^32 or more: libvirt 9.0 cuts it to 32 bits (4294967297 gives 1 vCPU, 4294967296 gives <vcpu>0</vcpu>); esxvirt refuses it',
    applies: (_c, ours, oracle) => {
      const n = /'numvcpus' is too large: (\d+)/.exec(ours.error)?.[1];
      const got = /<vcpu[^>]*>(\d+)<\/vcpu>/.exec(oracle.stdout)?.[1];
      return (
        oracle.status === 'ok' && n !== undefined && got !== undefined && BigInt(n) >= 2n ** 32n && BigInt(n) % 2n ** 32n === BigInt(got)
      );
    },
  },
  {
    id: 'ipv6-serial-uri',
    goldens: ['xml2vmx/serial-parallel-kinds.xml'],
    reason:
      'a TCP serial port on an IPv6 host: libvirt writes the address without brackets (tcp://::1:99), which no URI parser reads back; esxvirt writes tcp://[::1]:99',
    normalize: (ours, theirs) => {
      const a = ours.replace(/(fileName = "[a-z+]+:\/\/)\[([^\]]*)\]/g, '$1$2');
      return a !== ours ? [a, theirs] : undefined;
    },
  },
  {
    id: 'unsafe-vmx-value',
    goldens: ['xml2vmx/name-description-escaping.xml'],
    reason:
      "a value with '\"' or a line end (a name, a path, an annotation): libvirt writes it raw into the quoted VMX value, making a file that no VMX reader (libvirt's included) accepts; esxvirt pipe-escapes those characters (|22, |0a, |0d) as VMware does",
    normalize: (ours, theirs) =>
      theirs.split('\n').some((l) => l !== '' && !/^[^ ]+ = "[^"]*"$/.test(l))
        ? [ours.replace(UNSAFE, ''), theirs.replace(UNSAFE, '')]
        : undefined,
  },
];

/** The class a differing case belongs to, if any: its id, or the ids joined by '+' when output classes combine. */
export function classifyDifference(c: DiffCase, ours: OurResult, oracle: OracleResult): string | undefined {
  const byResult = KNOWN_DIFFERENCES.find((k) => k.applies?.(c, ours, oracle));
  if (byResult) return byResult.id;
  if (c.direction !== 'xml2vmx' || ours.status !== 'ok' || oracle.status !== 'ok') return undefined;
  let pair: [string, string] = [ours.output, oracle.stdout];
  const ids: string[] = [];
  for (const k of KNOWN_DIFFERENCES) {
    const next = k.normalize?.(...pair);
    if (next === undefined || (next[0] === pair[0] && next[1] === pair[1])) continue;
    ids.push(k.id);
    pair = next;
  }
  return ids.length > 0 && pair[0] === pair[1] ? ids.join('+') : undefined;
}

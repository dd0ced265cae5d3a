/**
 * The classes of inputs where esxvirt deliberately differs from libvirt 9.0's converter, each
 * with its reason (the README's "Differences from libvirt's converter" table lists the same).
 * The differential run counts a case of these classes as a known difference, not as agreement.
 */
import type { DiffCase, OurResult } from './differential.js';
import type { OracleResult } from './oracle.js';

/** One documented class of deliberate differences. */
export interface KnownDifference {
  id: string;
  reason: string;
  /** True when the case (whose results differ) belongs to the class. */
  applies(c: DiffCase, ours: OurResult, oracle: OracleResult): boolean;
}

/** The classes, most specific first. */
export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'libvirt-crash-null-file-name',
    reason: 'libvirt 9.0 passes a NULL file name to its callback for serialN.fileType = "file" without serialN.fileName and crashes; esxvirt refuses with a message',
    applies: (_c, _ours, oracle) => oracle.status === 'crash' && /NULL file name/.test(oracle.error),
  },
  {
    id: 'libvirt-huge-allocation',
    reason: 'for a huge count (<vcpu> of 2^31, …) libvirt 9.0 allocates per-item structures: it aborts (GLib out of memory) or runs for minutes; esxvirt refuses counts beyond what VMware allows',
    applies: (_c, ours, oracle) => ours.status === 'refused' && (oracle.status === 'timeout' || (oracle.status === 'crash' && /SIG/.test(oracle.error))),
  },
  {
    id: 'invalid-utf8-copied',
    reason: 'a VMX with bytes that are not UTF-8 (and no .encoding): libvirt copies them into its XML, which is then not well-formed; esxvirt reads them as U+FFFD (with a warning)',
    applies: (_c, _ours, oracle) => oracle.status === 'ok' && !oracle.utf8,
  },
];

/** The id of the class a differing case belongs to, if any. */
export function classifyDifference(c: DiffCase, ours: OurResult, oracle: OracleResult): string | undefined {
  return KNOWN_DIFFERENCES.find((k) => k.applies(c, ours, oracle))?.id;
}

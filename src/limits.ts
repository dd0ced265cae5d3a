/**
 * Limits on what esxvirt parses, in one place: every document read from a file, standard input or a server is
 * bounded in size, nesting depth and element count, so hostile input fails fast with a message naming the limit
 * rather than hanging or exhausting memory.
 */

/** Bounds on one parsed document. */
export interface DocumentLimits {
  /** Largest document, in bytes (UTF-8). */
  maxBytes: number;
  /** Deepest element nesting. */
  maxDepth: number;
  /** Most elements in one document. */
  maxElements: number;
}

/**
 * libvirt XML documents (domain, snapshot, capabilities …): 10 MiB, as virsh reads XML files (its
 * VSH_MAX_XML_FILE); depth 256, as libxml2's default; 200,000 elements, far beyond any VM a host can run.
 */
export const XML_LIMITS: DocumentLimits = { maxBytes: 10 * 1024 * 1024, maxDepth: 256, maxElements: 200_000 };

/** Formats a byte count for limit messages: '10 MiB (10485760 bytes)'. */
export function describeBytes(n: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) if (n >= size && n % size === 0) return `${n / size} ${unit} (${n} bytes)`;
  return `${n} bytes`;
}

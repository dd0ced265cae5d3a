/** virsh's output layouts (tables, "Key: value" blocks) and the `--json` alternative. */

/** A vshTable-style table: one leading space, columns padded, 3 spaces apart, dashes under the header. */
export function tableLines(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // virsh's vshTable: a leading space, every cell but the last padded to its column, three spaces between cells
  // (so an empty last cell leaves the separator's spaces at the end of the line, as virsh prints them)
  const line = (cells: string[]): string =>
    ` ${cells.map((c, i) => (i === cells.length - 1 ? (c ?? '') : (c ?? '').padEnd(widths[i] as number))).join('   ')}`;
  const dashes = '-'.repeat(widths.reduce((a, w) => a + w + 3, 0));
  return [line(header), dashes, ...rows.map(line), ''].join('\n');
}

/** A table as `virsh list` prints it: tableLines and the empty line virsh prints after a command. */
export function formatTable(header: string[], rows: string[][]): string {
  return tableLines(header, rows) + '\n';
}

/** virsh's "Label:        value" blocks (label left-justified in `width`). */
export function formatKeyValues(pairs: [string, string | number][], width = 15): string {
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`.trimEnd()).join('\n') + '\n';
}

/** One JSON document on stdout, pretty-printed, newline-terminated. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

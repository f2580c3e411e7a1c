/** Plain-text tables for the console: first column left-aligned, the rest right-aligned. */

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A number for a table cell: fixed decimals, '-' for missing values. */
export function cell(x: number | undefined, digits = 1): string {
  return x === undefined || Number.isNaN(x) ? '-' : x.toFixed(digits);
}

/**
 * Plain-text tables for the terminal: left-aligned text, right-aligned numbers. Pure.
 */

export type Cell = string | number | boolean | null | undefined;

/** Renders `rows` under `headers` with a rule line; numbers right-aligned, `null`/`undefined` as `-`. */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => headers.map((_, column) => cellText(row[column])));
  const numeric = headers.map((_, column) => rows.length > 0 && rows.every((row) => isNumeric(row[column])));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => (row[column] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...text.map(line)].join('\n');
}

/** A titled section: the title, then the body, then a blank line. */
export function section(title: string, body: string): string {
  return `${title}\n${body}\n`;
}

function cellText(cell: Cell): string {
  if (cell === null || cell === undefined) return '-';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '-';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return cell;
}

function isNumeric(cell: Cell): boolean {
  return typeof cell === 'number' || cell === null || cell === undefined;
}

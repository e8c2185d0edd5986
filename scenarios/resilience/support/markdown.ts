/** A markdown table: a header row and rows of cells (cells are written as given). */
export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const line = (cells: readonly unknown[]) =>
    `| ${cells.map((cell) => String(cell)).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `yes` or `**NO**`, so a missed bar stands out in the report. */
export function yesNo(met: boolean): string {
  return met ? 'yes' : '**NO**';
}

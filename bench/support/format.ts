import type { Summary } from './stats.js';

/** Milliseconds with 3 significant digits (`0.412`, `1.93`, `11.9`, `253`). */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** A ratio as `1.12×`. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/**
 * `a / b` as a ratio, or n/a when either is ≤ 0, where a quotient would mean nothing (a change held
 * before its registrar's answer, a memory reading that fell).
 */
export function positiveRatio(a: number, b: number): string {
  return a > 0 && b > 0 ? ratio(a / b) : 'n/a';
}

/** An integer with thousands separators: `10,000`. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Bytes as `512 B`, `3.4 KiB`, `12.1 MiB`. */
export function bytes(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / (1024 * 1024)).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

/** `median / p95` of a summary, in ms. */
export function medianP95(summary: Summary): string {
  return `${ms(summary.median)} / ${ms(summary.p95)}`;
}

/** A GitHub-flavoured Markdown table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** "met" or "missed" for a goal, with the figure that decides it. */
export function verdict(met: boolean): string {
  return met ? '**met**' : '**missed**';
}

// One nearest-rank summary for benchmarks and scenarios alike.
import { summarize } from '../../../bench/support/stats.js';

export { quantile, type Summary, summarize } from '../../../bench/support/stats.js';

/** `1234.5` → `1235 ms`; NaN → `n/a`. */
export function ms(value: number): string {
  return Number.isFinite(value) ? `${Math.round(value)} ms` : 'n/a';
}

/** `12.345` → `12.3 ms`, for sub-10 ms latencies. */
export function msPrecise(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`;
}

/** Bytes as MiB with one decimal, signed when `signed`. */
export function mib(bytes: number, signed = false): string {
  const value = (bytes / 1024 ** 2).toFixed(1);
  return signed && bytes >= 0 ? `+${value} MiB` : `${value} MiB`;
}

/** `median / max` of `values`, in ms. */
export function medianMax(values: readonly number[]): string {
  const summary = summarize(values);
  return `${ms(summary.median)} / ${ms(summary.max)}`;
}

/** Median, p95, p99 and the extremes of a set of samples. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

/**
 * The value at quantile `q` (0..1) of ascending `sorted`, nearest rank: an observed sample, never
 * an interpolation (the p95 of 20 samples is the 19th smallest).
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Summarizes `samples` (any order; not modified). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

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

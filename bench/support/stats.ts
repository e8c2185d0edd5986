/** A summary of timing samples: the figures BENCHMARKS.md quotes. */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/**
 * The value at quantile `q` (0..1) of ascending `sorted`, by the nearest-rank method: the
 * smallest sample with at least `q` of all samples at or below it. No interpolation, so a p95 of
 * 20 samples is the 19th smallest, an observed value.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Median, p95, p99, min, max and mean of `samples` (any order; not modified). */
export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    mean: sorted.length ? total / sorted.length : Number.NaN,
  };
}

/** Median of `samples`. */
export function median(samples: readonly number[]): number {
  return summarize(samples).median;
}

/** How often each value occurs, as `value×count` pairs sorted by value: `2×98, 3×2`. */
export function histogram(values: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([value, count]) => `${value}×${count}`)
    .join(', ');
}

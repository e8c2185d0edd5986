/**
 * `BENCH_SMOKE=1 npm run bench -- <name> --dry-run`: the benchmarks that read it run with tiny
 * sizes and a few trials, to check that they run end to end in seconds (their figures mean
 * nothing). Never set for a recorded run.
 */
export const SMOKE = process.env.BENCH_SMOKE === '1';

/** `full` in a real run, `small` in a smoke run. */
export function smoke<T>(full: T, small: T): T {
  return SMOKE ? small : full;
}

import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nextMessage } from './child-processes.js';
import { smoke } from './smoke.js';
import { median, quantile } from './stats.js';

const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e');

/** The closed loop of every end-to-end load generator: workers, warm-up, measured time, runs. */
export const LOAD = Object.freeze({
  concurrency: 16,
  warmupMs: smoke(1_500, 200),
  durationMs: smoke(5_000, 500),
  runs: smoke(3, 1),
});

/** What one run of a load generator measured. */
export interface LoadRun {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/**
 * Runs `bench/e2e/<script>` once, its arguments `before`, then the loop's concurrency, warm-up and
 * duration, then `after`, and reads what it measured.
 */
export async function runLoadProcess(
  script: string,
  before: readonly string[],
  after: readonly string[] = [],
): Promise<LoadRun> {
  const child = fork(
    join(e2eDir, script),
    [...before, String(LOAD.concurrency), String(LOAD.warmupMs), String(LOAD.durationMs), ...after],
    { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const result = await nextMessage(child, 'result');
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  return {
    rps: result.requests / result.seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    errors: result.errors,
  };
}

/** The medians of several runs of one target, and all their errors. */
export function medianRun(runs: readonly LoadRun[]): LoadRun {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

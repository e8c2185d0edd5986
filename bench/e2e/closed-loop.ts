import { tell } from './messages.js';

/** How long a load generator warms up and then measures, with how many workers. */
export interface ClosedLoopOptions {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

/**
 * The closed loop every load generator of the end-to-end benchmark runs: each of `concurrency`
 * workers calls again as soon as its last call ended; the latencies of the calls that start after
 * the warm-up and end before its end are kept. A call that throws counts as an error.
 */
export async function closedLoop(
  call: () => Promise<unknown>,
  { concurrency, warmupMs, durationMs }: ClosedLoopOptions,
): Promise<{ latencies: number[]; errors: number }> {
  const measureFrom = performance.now() + warmupMs;
  const measureTo = measureFrom + durationMs;
  const latencies: number[] = [];
  let errors = 0;
  const worker = async () => {
    while (performance.now() < measureTo) {
      const sent = performance.now();
      try {
        await call();
      } catch {
        errors++;
      }
      const done = performance.now();
      if (sent >= measureFrom && done <= measureTo) latencies.push(done - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, errors };
}

/** Tells the benchmark what a closed loop measured over `durationMs`. */
export function reportLoad(latencies: number[], errors: number, durationMs: number): Promise<void> {
  return tell({
    type: 'result',
    requests: latencies.length,
    errors,
    seconds: durationMs / 1000,
    latenciesMs: latencies,
  });
}

/** Runs a load generator's `main`, exiting with 0 once it reported, 1 (and the error) if it threw. */
export function runLoadGenerator(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

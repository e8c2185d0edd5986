import type { ZooKeeperServer } from '../../lib/testing/index.js';

/** What a benchmark gets from the runner. */
export interface BenchContext {
  /** A ZooKeeper server started for this benchmark alone, stopped after it. */
  readonly zk: ZooKeeperServer;
  /** Progress lines, to stderr. */
  log(line: string): void;
}

/** One benchmark: `npm run bench -- <name>` runs it alone. */
export interface BenchCase {
  readonly name: string;
  /** Section heading in BENCHMARKS.md. */
  readonly title: string;
  /** Measures, and returns the Markdown of its section (tables and the figures' meaning). */
  run(context: BenchContext): Promise<string>;
}

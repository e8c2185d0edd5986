import type { BenchCase } from './bench-case.js';

/** A benchmark as the runner knows it before loading it. */
export interface BenchEntry {
  name: string;
  /** Flags of the Node process it runs in (each benchmark runs in a fresh process). */
  nodeFlags: readonly string[];
  load: () => Promise<BenchCase>;
}

const GC = ['--expose-gc'];

/** Every benchmark, in the order of BENCHMARKS.md; loaded only when run. */
export const BENCH_CASES: readonly BenchEntry[] = [
  {
    name: 'propagation',
    nodeFlags: [],
    load: async () => (await import('./propagation.js')).propagation,
  },
  { name: 'growth', nodeFlags: [], load: async () => (await import('./growth.js')).growth },
  { name: 'floor', nodeFlags: GC, load: async () => (await import('./floor.js')).floor },
  {
    name: 'transport',
    nodeFlags: [],
    load: async () => (await import('./transport.js')).transport,
  },
  {
    name: 'cold-start',
    nodeFlags: GC,
    load: async () => (await import('./cold-start.js')).coldStart,
  },
  { name: 'burst', nodeFlags: [], load: async () => (await import('./burst.js')).burst },
  {
    name: 'hot-path',
    // A young generation of 512 MB from the start: the measured loops run without a scavenge,
    // so the heap's growth across a loop is what the loop allocated.
    nodeFlags: [...GC, '--min-semi-space-size=512', '--max-semi-space-size=512'],
    load: async () => (await import('./hot-path.js')).hotPath,
  },
  {
    name: 'many-consumers',
    nodeFlags: [],
    load: async () => (await import('./many-consumers.js')).manyConsumers,
  },
  {
    name: 'scale',
    nodeFlags: [],
    load: async () => (await import('./scale.js')).scale,
  },
  {
    name: 'end-to-end',
    nodeFlags: [],
    load: async () => (await import('./end-to-end.js')).endToEnd,
  },
  {
    name: 'routing',
    nodeFlags: [],
    load: async () => (await import('./routing.js')).routing,
  },
  {
    name: 'import-time',
    nodeFlags: [],
    load: async () => (await import('./import-time.js')).importTime,
  },
];

export const BENCH_NAMES = BENCH_CASES.map((entry) => entry.name);

/** The entry named `name`, or an error listing the known names. */
export function findCase(name: string): BenchEntry {
  const entry = BENCH_CASES.find((candidate) => candidate.name === name);
  if (!entry) {
    throw new Error(
      `Unknown benchmark "${name}". Known: ${BENCH_NAMES.join(', ')}. ` +
        'Run them all with `npm run bench`, one with `npm run bench -- <name>`.',
    );
  }
  return entry;
}

import {
  propagationTable,
  requestsTable,
  runTrials,
  type SizeResult,
} from '../support/propagation-report.js';
import { PropagationRig } from '../support/propagation-rig.js';
import type { BenchCase } from './bench-case.js';

const SIZES: readonly { size: number; trials: number }[] = [
  { size: 1, trials: 100 },
  { size: 100, trials: 100 },
  { size: 1_000, trials: 100 },
  { size: 10_000, trials: 50 },
];
const WARMUP = 10;

/**
 * Issue 7, item 2: propagation with 1 to 10,000 instances already registered under the path; the
 * library once per transport (issue 23), against the same floor, in the same trials.
 */
export const growth: BenchCase = {
  name: 'growth',
  title: '2. Growth',
  async run({ zk, log }) {
    const results: SizeResult[] = [];
    for (const { size, trials } of SIZES) {
      log(`${size} instances: registering them, then ${trials} trials`);
      const rig = await PropagationRig.start(zk.connectString, size);
      try {
        results.push(await runTrials(rig, trials, WARMUP));
      } finally {
        await rig.close();
      }
    }
    return [
      'Each size on fresh paths: the library on each transport (its registering app on the same ' +
        'transport) and the floor each watch their own copy of the service; each trial takes the ' +
        'next order of the three sides.',
      '',
      propagationTable(results),
      '',
      'ZooKeeper requests sent by the consuming session per change (`requests×trials`):',
      '',
      requestsTable(results),
    ].join('\n');
  },
};

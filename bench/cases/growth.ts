import { type CuratorMissing, CuratorTimer, isTimer } from '../support/curator-timer.js';
import {
  curatorNote,
  propagationTable,
  requestsTable,
  runTrials,
  type SizeResult,
} from '../support/propagation-report.js';
import { PropagationRig } from '../support/propagation-rig.js';
import { smoke } from '../support/smoke.js';
import type { BenchCase } from './bench-case.js';

/** Issue 24's sizes (with 10 for the goal "at 10,000 within 1.25× of the same at 10"). */
const SIZES: readonly { size: number; trials: number }[] = smoke(
  [
    { size: 10, trials: 100 },
    { size: 100, trials: 100 },
    { size: 1_000, trials: 100 },
    { size: 3_000, trials: 100 },
    { size: 10_000, trials: 50 },
  ],
  [
    { size: 10, trials: 5 },
    { size: 200, trials: 5 },
  ],
);
const WARMUP = smoke(10, 2);

/**
 * Issue 7, item 2: propagation with 10 to 10,000 instances already registered under the path; the
 * library once per transport (issue 23), the floor and the one-shot floor, and Curator's
 * ServiceCache (issue 24, item 4, when Java is here: one JVM for every size), in the same trials.
 */
export const growth: BenchCase = {
  name: 'growth',
  title: '2. Growth',
  async run({ zk, log }) {
    const curator = await CuratorTimer.start(zk.connectString);
    const missing: CuratorMissing | undefined = isTimer(curator) ? undefined : curator;
    if (missing) log(`Curator not timed: ${missing.detail}`);
    const results: SizeResult[] = [];
    try {
      for (const { size, trials } of SIZES) {
        log(`${size} instances: registering them for every side, then ${trials} trials`);
        const rig = await PropagationRig.start(zk.connectString, size, {
          curator: isTimer(curator) ? curator : undefined,
        });
        try {
          results.push(await runTrials(rig, trials, WARMUP, missing));
        } finally {
          await rig.close();
        }
      }
    } finally {
      if (isTimer(curator)) await curator.close();
    }
    return [
      'Each size on fresh paths: each side watches its own copy of the service (the library on ' +
        'each transport, its registering app on the same transport; the floor and the one-shot ' +
        "floor, in go-kit's format like the library's; Curator's ServiceCache, in Curator's JSON " +
        'format, the only one it reads); each trial takes the next order of the sides.',
      '',
      propagationTable(results),
      curatorNote(results),
      '',
      'ZooKeeper requests sent by the consuming session per change (`requests×trials`):',
      '',
      requestsTable(results),
    ].join('\n');
  },
};

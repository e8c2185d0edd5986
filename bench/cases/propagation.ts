import { type CuratorMissing, CuratorTimer, isTimer } from '../support/curator-timer.js';
import {
  curatorNote,
  propagationTable,
  requestsTable,
  runTrials,
} from '../support/propagation-report.js';
import { PropagationRig } from '../support/propagation-rig.js';
import { smoke } from '../support/smoke.js';
import type { BenchCase } from './bench-case.js';

const TRIALS = smoke(200, 10);
const WARMUP = smoke(20, 2);

/**
 * Issue 7, item 1: register → another client's endpointer holds it, and deregister → dropped; the
 * library once per transport (issue 23), against the floor of issue 24 (the protocol client on a
 * persistent recursive watch), the one-shot floor before it, and Curator's ServiceCache (issue 24,
 * item 4, when Java is here), in the same trials.
 */
export const propagation: BenchCase = {
  name: 'propagation',
  title: '1. Propagation',
  async run({ zk, log }) {
    const curator = await CuratorTimer.start(zk.connectString);
    const missing: CuratorMissing | undefined = isTimer(curator) ? undefined : curator;
    if (missing) log(`Curator not timed: ${missing.detail}`);
    try {
      const rig = await PropagationRig.start(zk.connectString, 0, {
        curator: isTimer(curator) ? curator : undefined,
      });
      try {
        log(`${TRIALS} trials`);
        const result = await runTrials(rig, TRIALS, WARMUP, missing);
        return [
          `${TRIALS} trials (after ${WARMUP} unrecorded); each trial registers and deregisters ` +
            'on every side (the library on each transport, its registering app on the same ' +
            "transport; the floor; the one-shot floor; Curator's ServiceCache), taking the next " +
            'order of the sides.',
          '',
          propagationTable([result]),
          curatorNote([result]),
          '',
          'ZooKeeper requests sent by the consuming session per change (`requests×trials`):',
          '',
          requestsTable([result]),
        ].join('\n');
      } finally {
        await rig.close();
      }
    } finally {
      if (isTimer(curator)) await curator.close();
    }
  },
};

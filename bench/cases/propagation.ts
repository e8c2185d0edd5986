import { propagationTable, requestsTable, runTrials } from '../support/propagation-report.js';
import { PropagationRig } from '../support/propagation-rig.js';
import type { BenchCase } from './bench-case.js';

const TRIALS = 200;
const WARMUP = 20;

/**
 * Issue 7, item 1: register → another client's endpointer holds it, and deregister → dropped; the
 * library once per transport (issue 23), against the same floor, in the same trials.
 */
export const propagation: BenchCase = {
  name: 'propagation',
  title: '1. Propagation',
  async run({ zk, log }) {
    const rig = await PropagationRig.start(zk.connectString, 0);
    try {
      log(`${TRIALS} trials`);
      const result = await runTrials(rig, TRIALS, WARMUP);
      return [
        `${TRIALS} trials (after ${WARMUP} unrecorded); each trial registers and deregisters on ` +
          `every side (the library on each transport, its registering app on the same transport, ` +
          'and the floor), taking every order of the three in turn.',
        '',
        propagationTable([result]),
        '',
        'ZooKeeper requests sent by the consuming session per change (`requests×trials`):',
        '',
        requestsTable([result]),
      ].join('\n');
    } finally {
      await rig.close();
    }
  },
};

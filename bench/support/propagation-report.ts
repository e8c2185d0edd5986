import { count, medianP95, ratio, table, verdict } from './format.js';
import type { PropagationRig, PropagationTrial } from './propagation-rig.js';
import { histogram, type Summary, summarize } from './stats.js';

/** Goal of issue 7: the library's median within 1.3× of the floor's. */
export const PROPAGATION_GOAL = 1.3;

/** The trials of one size, summarized. */
export interface SizeResult {
  size: number;
  trials: number;
  register: { ours: Summary; floor: Summary };
  deregister: { ours: Summary; floor: Summary };
  requests: {
    register: string;
    deregister: string;
    floorRegister: string;
    floorDeregister: string;
  };
}

/** Runs `warmup` unrecorded trials, then `trials` alternating which side goes first. */
export async function runTrials(
  rig: PropagationRig,
  trials: number,
  warmup: number,
): Promise<SizeResult> {
  for (let i = 0; i < warmup; i++) await rig.trial(i % 2 === 0);
  const results: PropagationTrial[] = [];
  for (let i = 0; i < trials; i++) results.push(await rig.trial(i % 2 === 0));
  return {
    size: rig.size,
    trials,
    register: {
      ours: summarize(results.map((r) => r.ours.register)),
      floor: summarize(results.map((r) => r.floor.register)),
    },
    deregister: {
      ours: summarize(results.map((r) => r.ours.deregister)),
      floor: summarize(results.map((r) => r.floor.deregister)),
    },
    requests: {
      register: histogram(results.map((r) => r.ours.registerRequests)),
      deregister: histogram(results.map((r) => r.ours.deregisterRequests)),
      floorRegister: histogram(results.map((r) => r.floor.registerRequests)),
      floorDeregister: histogram(results.map((r) => r.floor.deregisterRequests)),
    },
  };
}

/** One row per size and direction: ours, the floor, the ratio of medians, the goal. */
export function propagationTable(results: readonly SizeResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    for (const direction of ['register', 'deregister'] as const) {
      const { ours, floor } = result[direction];
      const r = ours.median / floor.median;
      rows.push([
        count(result.size),
        direction,
        String(result.trials),
        medianP95(ours),
        medianP95(floor),
        ratio(r),
        ratio(ours.p95 / floor.p95),
        verdict(r <= PROPAGATION_GOAL),
      ]);
    }
  }
  return table(
    [
      'instances already there',
      'change',
      'trials',
      'library p50 / p95 (ms)',
      'floor p50 / p95 (ms)',
      'p50 ratio',
      'p95 ratio',
      `goal ≤ ${PROPAGATION_GOAL}×`,
    ],
    rows,
  );
}

/** ZooKeeper requests the consumer sent per change, as `count×trials`. */
export function requestsTable(results: readonly SizeResult[]): string {
  return table(
    [
      'instances already there',
      'library, register',
      'library, deregister',
      'floor, register',
      'floor, deregister',
    ],
    results.map((result) => [
      count(result.size),
      result.requests.register,
      result.requests.deregister,
      result.requests.floorRegister,
      result.requests.floorDeregister,
    ]),
  );
}

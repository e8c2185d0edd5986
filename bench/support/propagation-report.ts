import { count, medianP95, ms, ratio, table, verdict } from './format.js';
import type { ChangeTiming, PropagationRig, PropagationTrial } from './propagation-rig.js';
import { histogram, type Summary, summarize } from './stats.js';

/** Goal of issue 14 (issue 7 had 1.3×): the library's median within 1.15× of the floor's. */
export const PROPAGATION_GOAL = 1.15;
/** Goal of issue 14 for many changes or many consumers at once (bursts, 50 consumers). */
export const BURST_GOAL = 1.2;

type Direction = 'register' | 'deregister';

interface Side {
  fromResolved: Summary;
  fromCall: Summary;
  requests: string;
}

/** The trials of one size, summarized. */
export interface SizeResult {
  size: number;
  trials: number;
  ours: Record<Direction, Side>;
  floor: Record<Direction, Side>;
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
  const side = (pick: (trial: PropagationTrial) => ChangeTiming): Side => ({
    fromResolved: summarize(results.map((r) => pick(r).fromResolved)),
    fromCall: summarize(results.map((r) => pick(r).fromCall)),
    requests: histogram(results.map((r) => pick(r).requests)),
  });
  return {
    size: rig.size,
    trials,
    ours: { register: side((r) => r.ours.register), deregister: side((r) => r.ours.deregister) },
    floor: {
      register: side((r) => r.floor.register),
      deregister: side((r) => r.floor.deregister),
    },
  };
}

/**
 * One row per size and direction. Main figures from the change's resolution in the registering
 * app (issue 7's definition); a value ≤ 0 means the consumer held the change before the
 * registering app had its answer. Then the same from the call, whose ratio stays meaningful.
 */
export function propagationTable(results: readonly SizeResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    for (const direction of ['register', 'deregister'] as const) {
      const ours = result.ours[direction];
      const floor = result.floor[direction];
      const r = ours.fromResolved.median / floor.fromResolved.median;
      const fromCall = ours.fromCall.median / floor.fromCall.median;
      rows.push([
        count(result.size),
        direction,
        String(result.trials),
        medianP95(ours.fromResolved),
        medianP95(floor.fromResolved),
        ours.fromResolved.median <= 0 ? 'ahead' : ratio(r),
        verdict(r <= PROPAGATION_GOAL),
        `${ms(ours.fromCall.median)} / ${ms(floor.fromCall.median)} (${ratio(fromCall)})`,
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
      `goal ≤ ${PROPAGATION_GOAL}×`,
      'from the call: library / floor p50 (ratio)',
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
      result.ours.register.requests,
      result.ours.deregister.requests,
      result.floor.register.requests,
      result.floor.deregister.requests,
    ]),
  );
}

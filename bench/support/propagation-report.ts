import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { count, medianP95, ms, positiveRatio, ratio, table, verdict } from './format.js';
import { libraryLabel } from './lib-parts.js';
import type { ChangePair, PropagationRig, PropagationTrial } from './propagation-rig.js';
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

/** The trials of one size, summarized: the library on each transport (the rig's order), the floor. */
export interface SizeResult {
  size: number;
  trials: number;
  library: readonly { transport: ZkTransport; sides: Record<Direction, Side> }[];
  floor: Record<Direction, Side>;
}

/** Runs `warmup` unrecorded trials, then `trials`, cycling through the orders of the sides. */
export async function runTrials(
  rig: PropagationRig,
  trials: number,
  warmup: number,
): Promise<SizeResult> {
  for (let i = 0; i < warmup; i++) await rig.trial(i);
  const results: PropagationTrial[] = [];
  for (let i = 0; i < trials; i++) results.push(await rig.trial(i));
  const side = (pick: (trial: PropagationTrial) => ChangePair, direction: Direction): Side => ({
    fromResolved: summarize(results.map((r) => pick(r)[direction].fromResolved)),
    fromCall: summarize(results.map((r) => pick(r)[direction].fromCall)),
    requests: histogram(results.map((r) => pick(r)[direction].requests)),
  });
  const sides = (pick: (trial: PropagationTrial) => ChangePair) => ({
    register: side(pick, 'register'),
    deregister: side(pick, 'deregister'),
  });
  return {
    size: rig.size,
    trials,
    library: rig.transports.map((transport) => ({
      transport,
      sides: sides((r) => r.library.get(transport)!),
    })),
    floor: sides((r) => r.floor),
  };
}

/**
 * One row per size, direction and transport. Main figures from the change's resolution in the
 * registering app (issue 7's definition); a value ≤ 0 means the consumer held the change before
 * the registering app had its answer. Then the same from the call, whose ratio stays meaningful.
 * The last column compares each transport with the first (the reference, native), from the
 * resolution and from the call.
 */
export function propagationTable(results: readonly SizeResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    for (const direction of ['register', 'deregister'] as const) {
      const floor = result.floor[direction];
      const reference = result.library[0]!.sides[direction];
      for (const [index, { transport, sides }] of result.library.entries()) {
        const ours = sides[direction];
        const r = ours.fromResolved.median / floor.fromResolved.median;
        const fromCall = ours.fromCall.median / floor.fromCall.median;
        rows.push([
          count(result.size),
          direction,
          String(result.trials),
          libraryLabel(transport),
          medianP95(ours.fromResolved),
          medianP95(floor.fromResolved),
          ours.fromResolved.median <= 0 ? 'ahead' : ratio(r),
          verdict(r <= PROPAGATION_GOAL),
          `${ms(ours.fromCall.median)} / ${ms(floor.fromCall.median)} (${ratio(fromCall)})`,
          index === 0
            ? 'reference'
            : `${positiveRatio(ours.fromResolved.median, reference.fromResolved.median)}; ` +
              ratio(ours.fromCall.median / reference.fromCall.median),
        ]);
      }
    }
  }
  const [reference, ...others] = results[0]?.library.map((l) => l.transport) ?? [];
  return table(
    [
      'instances already there',
      'change',
      'trials',
      'consumer',
      'library p50 / p95 (ms)',
      'floor p50 / p95 (ms)',
      'p50 ratio',
      `goal ≤ ${PROPAGATION_GOAL}×`,
      'from the call: library / floor p50 (ratio)',
      `${others.join(', ')}/${reference} p50: from the resolution; from the call`,
    ],
    rows,
  );
}

/** ZooKeeper requests the consumer sent per change, as `count×trials`. */
export function requestsTable(results: readonly SizeResult[]): string {
  const transports = results[0]?.library.map((l) => l.transport) ?? [];
  return table(
    [
      'instances already there',
      ...transports.flatMap((transport) => [
        `${libraryLabel(transport)}, register`,
        `${libraryLabel(transport)}, deregister`,
      ]),
      'floor, register',
      'floor, deregister',
    ],
    results.map((result) => [
      count(result.size),
      ...result.library.flatMap(({ sides }) => [
        sides.register.requests,
        sides.deregister.requests,
      ]),
      result.floor.register.requests,
      result.floor.deregister.requests,
    ]),
  );
}

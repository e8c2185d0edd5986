import type { CuratorMissing } from './curator-timer.js';
import { count, medianP95, positiveRatio, ratio, table, verdict } from './format.js';
import type { ChangePair, PropagationRig, PropagationTrial, Side } from './propagation-rig.js';
import { sideLabel } from './propagation-rig.js';
import { histogram, type Summary, summarize } from './stats.js';

/**
 * Goal of issue 14 (issue 7 had 1.3×), against issue 24's floor, both directions: the library's
 * median ≤ 1.15× the floor's.
 */
export const PROPAGATION_GOAL = 1.15;
/** Goal of issue 14 for many changes or many consumers at once (bursts, 50 consumers). */
export const BURST_GOAL = 1.2;

type Direction = 'register' | 'deregister';

interface SideSummary {
  fromResolved: Summary;
  fromCall: Summary;
  requests: string;
}

/** The trials of one size, summarized per side, in the rig's order. */
export interface SizeResult {
  size: number;
  trials: number;
  sides: ReadonlyMap<Side, Record<Direction, SideSummary>>;
  /** Why there is no Curator side, when there is none. */
  curatorMissing: CuratorMissing | undefined;
}

/** Runs `warmup` unrecorded trials, then `trials`, cycling through the orders of the sides. */
export async function runTrials(
  rig: PropagationRig,
  trials: number,
  warmup: number,
  curatorMissing?: CuratorMissing,
): Promise<SizeResult> {
  for (let i = 0; i < warmup; i++) await rig.trial(i);
  const results: PropagationTrial[] = [];
  for (let i = 0; i < trials; i++) results.push(await rig.trial(i));
  const summary = (side: Side, direction: Direction): SideSummary => {
    const pairs: ChangePair[] = results.map((r) => r.sides.get(side)!);
    return {
      fromResolved: summarize(pairs.map((p) => p[direction].fromResolved)),
      fromCall: summarize(pairs.map((p) => p[direction].fromCall)),
      requests: histogram(pairs.map((p) => p[direction].requests)),
    };
  };
  return {
    size: rig.size,
    trials,
    sides: new Map(
      rig.sides.map((side) => [
        side,
        { register: summary(side, 'register'), deregister: summary(side, 'deregister') },
      ]),
    ),
    curatorMissing: rig.sides.includes('curator') ? undefined : curatorMissing,
  };
}

/**
 * `a` against `b`, medians from the resolution: a ratio when both are > 0; "ahead" when `a` held
 * the change before the registering app had its answer and `b` did not; else n/a.
 */
function resolvedRatio(a: Summary, b: Summary): string {
  if (a.median <= 0 && b.median > 0) return 'ahead';
  return positiveRatio(a.median, b.median);
}

/**
 * Whether `ours` is within `goal` times `floor` (medians): from the resolution, or from the call
 * where the floor held the change before the registering app had its answer (≤ 0: no ratio).
 */
export function meetsGoal(
  ours: { fromResolved: number; fromCall: number },
  floor: { fromResolved: number; fromCall: number },
  goal: number,
): boolean {
  if (floor.fromResolved > 0) return ours.fromResolved / floor.fromResolved <= goal;
  return ours.fromCall / floor.fromCall <= goal;
}

/** `a` against `b` as `<from the resolution>; <from the call>` (see `resolvedRatio`). */
export function versus(
  a: { fromResolved: Summary; fromCall: Summary },
  b: { fromResolved: Summary; fromCall: Summary },
): string {
  return (
    `${resolvedRatio(a.fromResolved, b.fromResolved)}; ` +
    ratio(a.fromCall.median / b.fromCall.median)
  );
}

const medians = (side: SideSummary) => ({
  fromResolved: side.fromResolved.median,
  fromCall: side.fromCall.median,
});

/**
 * One row per size, direction and side: the library on each transport, the floor (issue 24's:
 * the protocol client, one persistent recursive watch), the one-shot floor (the floor before
 * issue 24, for reference), Curator's ServiceCache. Main figures from the change's resolution in
 * the registering app (issue 7's definition; ≤ 0: the consumer held the change before the
 * registering app had its answer), then from the call, whose ratio stays meaningful. Every ratio
 * is of medians: against the floor; the library's against Curator; protocol against native.
 */
export function propagationTable(results: readonly SizeResult[]): string {
  const rows: string[][] = [];
  for (const result of results) {
    for (const direction of ['register', 'deregister'] as const) {
      const get = (side: Side) => result.sides.get(side)?.[direction];
      const floor = get('floor')!;
      const curator = get('curator');
      const native = get('native');
      for (const side of ['native', 'protocol', 'floor', 'one-shot floor', 'curator'] as const) {
        const ours = get(side);
        const head = [count(result.size), direction, String(result.trials), sideLabel(side)];
        if (!ours) {
          if (side === 'curator' && result.curatorMissing) {
            rows.push([
              ...head.slice(0, 2),
              '',
              head[3]!,
              result.curatorMissing.cell,
              '',
              '',
              '',
              '',
              '',
            ]);
          }
          continue;
        }
        const library = side === 'native' || side === 'protocol';
        rows.push([
          ...head,
          medianP95(ours.fromResolved),
          medianP95(ours.fromCall),
          side === 'floor' ? 'the floor' : versus(ours, floor),
          library ? verdict(meetsGoal(medians(ours), medians(floor), PROPAGATION_GOAL)) : '',
          library && curator ? versus(ours, curator) : '',
          side === 'protocol' && native ? versus(ours, native) : '',
        ]);
      }
    }
  }
  return table(
    [
      'instances already there',
      'change',
      'trials',
      'consumer',
      'from the resolution, p50 / p95 (ms)',
      'from the call, p50 / p95 (ms)',
      'vs floor, p50 (from the resolution; from the call)',
      `goal ≤ ${PROPAGATION_GOAL}×`,
      'vs Curator, p50',
      'protocol / native, p50',
    ],
    rows,
  );
}

/** ZooKeeper requests each consumer sent per change, as `count×trials` (Curator's not counted). */
export function requestsTable(results: readonly SizeResult[]): string {
  const sides = (['native', 'protocol', 'floor', 'one-shot floor'] as const).filter((side) =>
    results[0]?.sides.has(side),
  );
  return table(
    [
      'instances already there',
      ...sides.flatMap((side) => [
        `${sideLabel(side)}, register`,
        `${sideLabel(side)}, deregister`,
      ]),
    ],
    results.map((result) => [
      count(result.size),
      ...sides.flatMap((side) => {
        const summary = result.sides.get(side)!;
        return [summary.register.requests, summary.deregister.requests];
      }),
    ]),
  );
}

/** The sentence under a table whose Curator rows could not run, or ''. */
export function curatorNote(results: readonly SizeResult[]): string {
  const missing = results.find((result) => result.curatorMissing)?.curatorMissing;
  return missing ? `Curator was not timed: ${missing.detail}.` : '';
}

import type { ServiceInstance } from '../service-instance.js';

/**
 * Up to this many changes at once are spliced into copies of a list (the instancer's, the
 * endpointer's); more are merged or planned, O(n) passes that cost less than that many splices.
 */
export const SPLICE_LIMIT = 16;

/** How one published list of instances differs from the list published before it. */
export interface InstancesChange {
  readonly added: readonly ServiceInstance[];
  readonly removed: readonly ServiceInstance[];
}

interface Lineage {
  readonly version: number;
  /** The version of the list this one was made from, with `change`. */
  readonly previousVersion?: number;
  readonly change?: InstancesChange;
}

/**
 * Snapshots carry the whole list, never a delta (a consumer that missed one loses nothing). A
 * consumer applying a list that differs from the one it applied last by a few instances can
 * still ask what changed instead of comparing every instance: O(changes) at 10,000 instances
 * instead of O(n) (the `growth` benchmark). The answer is kept beside each list, keyed by the
 * array itself, and refers to the previous list by a version number, so that no list keeps the
 * ones before it alive.
 */
const lineages = new WeakMap<readonly ServiceInstance[], Lineage>();
let versions = 0;

/** Records that `next` is `previous` with `change` applied (by the list's publisher). */
export function recordChange(
  previous: readonly ServiceInstance[],
  next: readonly ServiceInstance[],
  change: InstancesChange,
): void {
  lineages.set(next, { version: ++versions, previousVersion: versionOf(previous), change });
}

/** What turned `previous` into `next`, when `next` was recorded as made from it. */
export function changeBetween(
  previous: readonly ServiceInstance[],
  next: readonly ServiceInstance[],
): InstancesChange | undefined {
  const lineage = lineages.get(next);
  if (lineage?.change === undefined) return undefined;
  return lineage.previousVersion === lineages.get(previous)?.version ? lineage.change : undefined;
}

function versionOf(list: readonly ServiceInstance[]): number {
  let lineage = lineages.get(list);
  if (!lineage) {
    lineage = { version: ++versions };
    lineages.set(list, lineage);
  }
  return lineage.version;
}

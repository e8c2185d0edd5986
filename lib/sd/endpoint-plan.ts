import { compareInstanceIds } from './by-instance-id.js';
import type { ServiceInstance } from './service-instance.js';

/** One live endpoint and the instance it was made from. */
export interface EndpointEntry<E> {
  readonly instance: ServiceInstance;
  readonly endpoint: E;
  readonly close: (() => void | Promise<void>) | undefined;
}

/** What to do with one incoming instance: keep an entry, or make one. */
export interface PlanStep<E> {
  readonly instance: ServiceInstance;
  readonly kept: EndpointEntry<E> | undefined;
}

/** The diff of an endpointer's entries against a new set of instances. */
export interface EndpointPlan<E> {
  readonly steps: readonly PlanStep<E>[];
  readonly removed: readonly EndpointEntry<E>[];
}

/**
 * Matches `incoming` against `previous` (both sorted by instance id), without side effects: each
 * instance keeps its entry (the same object, or the same id and bytes) or needs a new one; entries
 * matched by nothing are removed. Pointer comparisons in the common case, O(changes) otherwise.
 * Unsorted input is sorted first. A duplicate id: the first one stands.
 */
export function planEndpoints<E>(
  previous: readonly EndpointEntry<E>[],
  incoming: readonly ServiceInstance[],
): EndpointPlan<E> {
  return (
    planSorted(previous, incoming) ??
    planSorted(
      previous,
      [...incoming].sort((a, b) => compareInstanceIds(a.id, b.id)),
    )!
  );
}

/** The plan, or undefined when `incoming` is not sorted by id. */
function planSorted<E>(
  previous: readonly EndpointEntry<E>[],
  incoming: readonly ServiceInstance[],
): EndpointPlan<E> | undefined {
  const steps: PlanStep<E>[] = [];
  const removed: EndpointEntry<E>[] = [];
  let lastId: string | undefined;
  let p = 0;
  for (const instance of incoming) {
    const current = previous[p];
    if (current !== undefined && current.instance === instance) {
      // The same object as last time: the common case, decided without comparing strings.
      steps.push({ instance, kept: current });
      lastId = instance.id;
      p++;
      continue;
    }
    const id = instance.id;
    if (lastId !== undefined) {
      if (id === lastId) continue;
      if (id < lastId) return undefined;
    }
    lastId = id;
    while (p < previous.length && previous[p]!.instance.id < id) removed.push(previous[p++]!);
    const match =
      p < previous.length && previous[p]!.instance.id === id ? previous[p++] : undefined;
    if (match?.instance.raw.equals(instance.raw)) {
      steps.push({ instance, kept: match });
      continue;
    }
    if (match) removed.push(match);
    steps.push({ instance, kept: undefined });
  }
  while (p < previous.length) removed.push(previous[p++]!);
  return { steps, removed };
}

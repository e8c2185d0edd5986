import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link settle} and {@link settledSince}. */
export interface SettleOptions {
  /** How long the predicate must hold without a break. */
  quietMs: number;
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between two checks. @default 5 */
  intervalMs?: number;
}

/**
 * Waits until `predicate` has held without a break for `quietMs` (a state that is reached and
 * then left again does not count). Resolves true, or false after `timeoutMs`.
 */
export async function settle(
  predicate: () => boolean | Promise<boolean>,
  options: SettleOptions,
): Promise<boolean> {
  return (await settledSince(predicate, options)) !== undefined;
}

/**
 * {@link settle}, resolving with the time (`performance.now()`) of the first check of the run
 * that held for `quietMs`, or undefined after `timeoutMs`. A predicate that throws counts as false.
 */
export async function settledSince(
  predicate: () => boolean | Promise<boolean>,
  { quietMs, timeoutMs, intervalMs = 5 }: SettleOptions,
): Promise<number | undefined> {
  const deadline = performance.now() + timeoutMs;
  let heldSince: number | undefined;
  while (performance.now() < deadline) {
    const checkedAt = performance.now();
    const holds = await Promise.resolve()
      .then(predicate)
      .catch(() => false);
    if (holds) {
      heldSince ??= checkedAt;
      if (performance.now() - heldSince >= quietMs) return heldSince;
    } else {
      heldSince = undefined;
    }
    await delay(intervalMs);
  }
  return undefined;
}

/**
 * Checks `predicate` every `intervalMs` for `durationMs` and resolves with how long it did not
 * hold: the time from the first to the last failing check of each run of two or more (one
 * failing check alone, a hiccup of the check itself, is not counted). A throw counts as false.
 */
export async function timeNotHolding(
  predicate: () => boolean | Promise<boolean>,
  { durationMs, intervalMs }: { durationMs: number; intervalMs: number },
): Promise<number> {
  const deadline = performance.now() + durationMs;
  let total = 0;
  let failingSince: number | undefined;
  let failing = 0;
  const closeRun = (at: number) => {
    if (failing >= 2 && failingSince !== undefined) total += at - failingSince;
    failingSince = undefined;
    failing = 0;
  };
  while (performance.now() < deadline) {
    const checkedAt = performance.now();
    const holds = await Promise.resolve()
      .then(predicate)
      .catch(() => false);
    if (holds) {
      closeRun(checkedAt);
    } else {
      failingSince ??= checkedAt;
      failing++;
    }
    await delay(intervalMs);
  }
  closeRun(performance.now());
  return total;
}

/** Whether two lists hold the same strings, in any order. */
export function sameSet(
  a: readonly (string | undefined)[],
  b: readonly (string | undefined)[],
): boolean {
  if (a.length !== b.length) return false;
  const sorted = (list: readonly (string | undefined)[]) => [...list].map(String).sort().join('\n');
  return sorted(a) === sorted(b);
}

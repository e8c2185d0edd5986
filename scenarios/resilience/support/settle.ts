import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits until `predicate` has held without a break for `quietMs` (a state that is reached and
 * then left again does not count). Resolves true, or false after `timeoutMs`.
 */
export async function settle(
  predicate: () => boolean,
  {
    quietMs,
    timeoutMs,
    intervalMs = 5,
  }: { quietMs: number; timeoutMs: number; intervalMs?: number },
): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  let heldSince: number | undefined;
  while (performance.now() < deadline) {
    if (predicate()) {
      heldSince ??= performance.now();
      if (performance.now() - heldSince >= quietMs) return true;
    } else {
      heldSince = undefined;
    }
    await delay(intervalMs);
  }
  return false;
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

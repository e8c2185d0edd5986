import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Fail after this many milliseconds. @default 5000 */
  timeoutMs?: number;
  /** Pause between two checks. @default 20 */
  intervalMs?: number;
  /** What is awaited, for the failure message. @default the predicate's source */
  message?: string;
}

/**
 * Polls `predicate` until it returns true, with a deadline; a predicate that throws counts as
 * false (its last error becomes the failure's cause). Use it instead of fixed sleeps.
 *
 * ```ts
 * await waitFor(() => client.state === 'connected', { timeoutMs: 10_000 });
 * ```
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 20;
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch (error) {
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed >= timeoutMs) {
      const what = options.message ?? predicate.toString();
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${what}${reason}`, {
        cause: lastError,
      });
    }
    await delay(Math.min(intervalMs, timeoutMs - elapsed));
  }
}

import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link pollUntil}. */
export interface PollOptions {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /**
   * Pause between two probes.
   * @default 50
   */
  intervalMs?: number;
  /** Says what was awaited, for the timeout error. */
  description: string;
}

/**
 * Calls `probe` until it returns a value other than `undefined`, and returns that value; rejects
 * when the deadline passes (with the last error the probe threw, if any, as `cause`). A probe
 * that throws counts as "not yet".
 * The kit's waits use it, and so can a user's tests (this project's `waitFor` is built on it).
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: PollOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 50;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `Timed out after ${options.timeoutMs} ms waiting for ${options.description}${reason}`,
        {
          cause: lastError,
        },
      );
    }
    await delay(Math.min(intervalMs, remaining));
  }
}

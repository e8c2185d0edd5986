import { pollUntil } from '../../lib/testing/poll-until.js';

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
 * false (its last error becomes the failure's cause). Use it instead of fixed sleeps. The testing
 * kit's `pollUntil` for a yes/no question.
 *
 * ```ts
 * await waitFor(() => client.state === 'connected', { timeoutMs: 10_000 });
 * ```
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  options: WaitForOptions = {},
): Promise<void> {
  await pollUntil(async () => ((await predicate()) ? true : undefined), {
    timeoutMs: options.timeoutMs ?? 5_000,
    intervalMs: options.intervalMs ?? 20,
    description: options.message ?? predicate.toString(),
  });
}

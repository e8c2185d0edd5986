import { checkNumber, checkTimerMs } from '../client/option-checks.js';

/** Exponential backoff between retry attempts. */
export interface BackoffOptions {
  /** Wait after the first failed attempt, before jitter. @default 20 */
  initialMs?: number;
  /** Cap of the wait, before jitter. @default 1000 */
  maxMs?: number;
  /** Each further failed attempt multiplies the wait by this. @default 2 */
  factor?: number;
  /**
   * Wait a random time in [wait/2, wait] instead of exactly `wait` ("equal jitter"), so callers
   * failing together do not retry in lockstep, while the wait never collapses to zero.
   * @default true
   */
  jitter?: boolean;
}

/** The wait, in ms, after failed attempt number `attempt` (1-based). */
export type BackoffFunction = (attempt: number) => number;

/** The defaults of `BackoffOptions`. */
export const BACKOFF_DEFAULTS: Readonly<Required<BackoffOptions>> = Object.freeze({
  initialMs: 20,
  maxMs: 1000,
  factor: 2,
  jitter: true,
});

/**
 * The waits between re-tries of the discovery core's own background work (re-reading a path,
 * registering again): from 100 or 200 ms, doubling up to 5 s, without jitter.
 */
export const REREAD_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({
  initialMs: 100,
  maxMs: 5000,
  factor: 2,
  jitter: false,
});
export const REREGISTER_BACKOFF: Readonly<Required<BackoffOptions>> = Object.freeze({
  ...REREAD_BACKOFF,
  initialMs: 200,
});

/**
 * Turns options into a backoff function: `min(maxMs, initialMs * factor^(attempt-1))`, jittered.
 * @throws RangeError on a negative or non-finite time, or a factor below 1.
 */
export function exponentialBackoff(options: BackoffOptions = {}): BackoffFunction {
  const initialMs = options.initialMs ?? BACKOFF_DEFAULTS.initialMs;
  // An initial wait above the default cap raises the cap rather than failing.
  const maxMs = options.maxMs ?? Math.max(BACKOFF_DEFAULTS.maxMs, initialMs);
  const factor = options.factor ?? BACKOFF_DEFAULTS.factor;
  const jitter = options.jitter ?? BACKOFF_DEFAULTS.jitter;
  checkTimerMs('backoff.initialMs', initialMs, { zero: true });
  checkTimerMs('backoff.maxMs', maxMs, { min: initialMs });
  checkNumber('backoff.factor', factor, { min: 1, defaultValue: BACKOFF_DEFAULTS.factor });
  return (attempt) => {
    const wait = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt - 1));
    return jitter ? wait / 2 + (Math.random() * wait) / 2 : wait;
  };
}

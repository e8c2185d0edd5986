import { messageOf } from '../../client/error-message.js';

/** Why a retrying call gave up. */
export type RetryStopReason = 'attempts-exhausted' | 'budget-spent' | 'not-retryable' | 'cancelled';

/** What a `RetryError` is made of. */
export interface RetryErrorDetails {
  /** Each attempt's error, in order; one per attempt started. */
  readonly errors: readonly unknown[];
  /** Why no further attempt was made. */
  readonly reason: RetryStopReason;
  /** The call's total time budget, in milliseconds. */
  readonly timeoutMs: number;
  /** The endpointer's path or name, when known. */
  readonly target?: string | undefined;
  /** What the caller's signal was aborted with, when `reason` is `'cancelled'`. */
  readonly cancelReason?: unknown;
}

/**
 * Every attempt of a retrying call failed. `errors` holds each attempt's error in order (the one
 * in flight when the budget ran out included); `reason` says why it stopped. The message names
 * the number of attempts, the reason and the last error's message; `cause` is the last error.
 */
export class RetryError extends Error {
  override name = 'RetryError';
  /** Each attempt's error, in order; one per attempt started. */
  readonly errors: readonly unknown[];
  /** Why no further attempt was made. */
  readonly reason: RetryStopReason;
  /** The call's total time budget, in milliseconds. */
  readonly timeoutMs: number;
  /** The endpointer's path or name, when known. */
  readonly target: string | undefined;
  /** The message without the last error: `Call to <target> failed after 3 attempts (<why>)`. */
  readonly headline: string;

  constructor(details: RetryErrorDetails) {
    const { errors, reason, timeoutMs, target } = details;
    const last = errors.length > 0 ? errors[errors.length - 1] : details.cancelReason;
    const headline = describe(errors.length, reason, timeoutMs, target);
    super(last === undefined ? headline : `${headline}; last error: ${messageOf(last)}`, {
      cause: last,
    });
    this.headline = headline;
    this.errors = Object.freeze([...errors]);
    this.reason = reason;
    this.timeoutMs = timeoutMs;
    this.target = target;
  }

  /** The number of attempts made (`errors.length`). */
  get attempts(): number {
    return this.errors.length;
  }

  /** The last attempt's error, or undefined when no attempt was made. */
  get lastError(): unknown {
    return this.errors[this.errors.length - 1];
  }
}

const why: Record<RetryStopReason, (timeoutMs: number) => string> = {
  'attempts-exhausted': () => 'attempts exhausted',
  'budget-spent': (timeoutMs) => `time budget of ${timeoutMs} ms spent`,
  'not-retryable': () => 'the error is not retryable',
  cancelled: () => 'cancelled by the caller',
};

function describe(
  attempts: number,
  reason: RetryStopReason,
  timeoutMs: number,
  target: string | undefined,
): string {
  const subject = target ? `Call to ${target}` : 'Call';
  const plural = attempts === 1 ? 'attempt' : 'attempts';
  return `${subject} failed after ${attempts} ${plural} (${why[reason](timeoutMs)})`;
}

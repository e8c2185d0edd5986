import { checkNumber, checkTimerMs } from '../../client/option-checks.js';
import { type BackoffFunction, type BackoffOptions, exponentialBackoff } from '../backoff.js';
import type { Balancer } from './balancer.js';
import type { CallObserver } from './call-observer.js';

/** Options of `retry`. */
export interface RetryOptions<E = unknown> {
  /** Most attempts per call, the first included (an integer >= 1). @default 3 */
  attempts?: number;
  /**
   * Total time budget of a call, attempts and waits included. When it runs out the attempt in
   * flight is aborted through its `signal` and the call fails with a `RetryError`. `Infinity`
   * means no budget. @default 10000
   */
  timeoutMs?: number;
  /**
   * Wait between attempts: exponential options, or a function of the failed attempt's number
   * (1-based) returning milliseconds. A call also waits it when there were no endpoints.
   * @default { initialMs: 20, maxMs: 1000, factor: 2, jitter: true }
   */
  backoff?: BackoffOptions | BackoffFunction;
  /**
   * Whether to try again after `error` failed attempt number `attempt` (1-based). Not consulted
   * for `NoEndpointsError`, which is always retried (with backoff): it is discovery's transient
   * state, not the call's failure.
   * @default `defaultShouldRetry`: every error except an `AbortError` and errors carrying
   *   `retryable: false` (e.g. an `HttpEndpointError` for a 4xx)
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * Told when each attempt starts on an endpoint and how it ended (outlier ejection and the
   * least-loaded balancer learn from it). @default none
   */
  observer?: CallObserver<E>;
}

/** What each attempt of a call receives beside its endpoint. */
export interface RetryContext {
  /** This attempt's number, from 1. */
  readonly attempt: number;
  /**
   * Aborted when the call's time budget runs out or the caller cancels: pass it to `fetch` or
   * whatever the attempt waits on. It is not aborted after a success. Made when first read.
   */
  readonly signal: AbortSignal;
  /**
   * True once the call stopped (budget spent, or cancelled): whatever the attempt gets now comes
   * too late. The same as `signal.aborted`, without making a signal.
   */
  readonly stopped: boolean;
}

/** One attempt of a call on one endpoint. */
export type RetryCall<E, T> = (endpoint: E, context: RetryContext) => Promise<T>;

/**
 * Runs a call with retries; resolves with the first success, or rejects with a `RetryError`.
 * `signal` lets the caller cancel: the attempt in flight is aborted (through its context's
 * signal) and the call fails with `reason: 'cancelled'`.
 */
export type RetryExecutor<E> = <T>(
  call: RetryCall<E, T>,
  options?: AbortSignal | RetryCallOptions,
) => Promise<T>;

/** Per-call options of a `RetryExecutor` (an `AbortSignal` alone is the `signal`). */
export interface RetryCallOptions {
  /** Cancels the call: the attempt in flight is aborted and the call fails as `cancelled`. */
  signal?: AbortSignal;
  /**
   * Key affinity: calls with the same key go to the same instance while it is there (the
   * balancer's `pickFor`), and a retry to the key's next best instance.
   */
  key?: string;
}

/** The defaults of `RetryOptions`. */
export const RETRY_DEFAULTS = Object.freeze({ attempts: 3, timeoutMs: 10_000 });

/**
 * `options` with their defaults, checked.
 * @throws RangeError naming the option, its value and what to give instead.
 */
export function resolveRetryOptions<E>(options: RetryOptions<E>): Omit<Settings<E>, 'balancer'> {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `Invalid option \`retry\`: ${String(options)}. Give an object such as { attempts: 3 }.`,
    );
  }
  const { attempts, timeoutMs } = RETRY_DEFAULTS;
  if (options.shouldRetry !== undefined && typeof options.shouldRetry !== 'function') {
    throw new TypeError(
      'Invalid option `retry.shouldRetry`: give a function (error, attempt) => boolean.',
    );
  }
  return {
    attempts: checkNumber('retry.attempts', options.attempts ?? attempts, {
      min: 1,
      integer: true,
      defaultValue: attempts,
    }),
    timeoutMs: checkTimerMs('retry.timeoutMs', options.timeoutMs ?? timeoutMs, {
      orInfinity: true,
      defaultValue: timeoutMs,
    }),
    backoff:
      typeof options.backoff === 'function' ? options.backoff : exponentialBackoff(options.backoff),
    shouldRetry: options.shouldRetry ?? defaultShouldRetry,
    observer: options.observer,
  };
}

/**
 * The default retry policy: every error is retried except an `AbortError` (someone cancelled on
 * purpose; a `TimeoutError` is retried) and an error with `retryable: false`.
 */
export function defaultShouldRetry(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const { name, retryable } = error as { name?: unknown; retryable?: unknown };
  return name !== 'AbortError' && retryable !== false;
}

export interface Settings<E> {
  readonly balancer: Balancer<E>;
  readonly attempts: number;
  readonly timeoutMs: number;
  readonly backoff: BackoffFunction;
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  readonly observer: CallObserver<E> | undefined;
}

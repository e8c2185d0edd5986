import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import { RetryError, type RetryStopReason } from '../errors/retry.error.js';
import type { Balancer } from './balancer.js';
import type { CallObserver } from './call-observer.js';
import {
  type RetryCall,
  type RetryContext,
  type RetryExecutor,
  type RetryOptions,
  resolveRetryOptions,
  type Settings,
} from './retry.options.js';

/** Re-picks through the balancer, looking for an endpoint not tried yet, before scanning the list. */
const REPICKS = 3;

/**
 * Wraps a balancer into a retrying executor (go-kit's `lb.Retry` without its spin): each attempt
 * picks an endpoint, preferring one this call has not tried yet when there are several; failed
 * attempts are followed by a backoff wait, also when there are no endpoints; the total time budget
 * aborts the attempt in flight; failure is a `RetryError` keeping every attempt's error.
 * @throws RangeError on invalid options (at once, not per call).
 */
export function retry<E>(balancer: Balancer<E>, options: RetryOptions<E> = {}): RetryExecutor<E> {
  const settings: Settings<E> = { balancer, ...resolveRetryOptions(options) };
  return (call, options) => {
    const { signal, key } = options instanceof AbortSignal ? { signal: options } : (options ?? {});
    if (key !== undefined && !balancer.pickFor) {
      return Promise.reject(
        new TypeError(
          `A call to ${balancer.endpointer.name ?? 'this endpointer'} was given a key, but its ` +
            'balancer has no pickFor(key): use a ZkEndpointer, or a balancer that picks by key',
        ),
      );
    }
    return execute(settings, call, signal, key);
  };
}

async function execute<E, T>(
  settings: Settings<E>,
  call: RetryCall<E, T>,
  outer: AbortSignal | undefined,
  key: string | undefined,
): Promise<T> {
  const { balancer, attempts, timeoutMs, backoff, shouldRetry, observer } = settings;
  const errors: unknown[] = [];
  const fail = (reason: RetryStopReason) =>
    new RetryError({
      errors,
      reason,
      timeoutMs,
      target: balancer.endpointer.name,
      cancelReason: outer?.reason,
    });
  if (outer?.aborted) throw fail('cancelled');

  // The call's stop: its reason once the budget ran out or the caller cancelled. The attempts'
  // AbortSignal is made only when an attempt asks for it (`context.signal`): an AbortController
  // costs microseconds, which a call whose function never reads it should not pay.
  const stopped: Stopped = { reason: undefined, is: false, controller: undefined };
  const stoppedBy = (): RetryStopReason => (outer?.aborted ? 'cancelled' : 'budget-spent');
  // The attempt in flight (or the backoff wait), to end at once when the call stops.
  const inFlight: InFlight = { reject: undefined };
  const stop = (reason: unknown) => {
    if (stopped.is) return;
    stopped.is = true;
    stopped.reason = reason;
    stopped.controller?.abort(reason);
    inFlight.reject?.(reason);
  };
  const onOuterAbort = () => stop(outer?.reason);
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  const deadline = Date.now() + timeoutMs;
  const budgetTimer =
    timeoutMs === Number.POSITIVE_INFINITY
      ? undefined
      : setTimeout(() => stop(budgetSpent(timeoutMs)), timeoutMs);
  // Made at the first failure: a call that succeeds at once (the usual case) needs none of it.
  let tried: Set<E> | undefined;
  let previous: { endpoint: E } | undefined;

  try {
    for (let attempt = 1; ; attempt++) {
      let error: unknown;
      try {
        let endpoint: E;
        if (previous) {
          tried ??= new Set([previous.endpoint]);
          const seen = tried;
          endpoint =
            key === undefined
              ? pickPreferringUntried(balancer, seen, previous)
              : balancer.pickFor!(key, (candidate) => seen.has(candidate));
          tried.add(endpoint);
        } else {
          endpoint = key === undefined ? balancer.pick() : balancer.pickFor!(key);
        }
        previous = { endpoint };
        observer?.started(endpoint);
        const settled = settleOrStop(
          invoke(call, endpoint, context(attempt, stopped)),
          stopped,
          inFlight,
        );
        return await (observer ? observed(settled, endpoint, observer) : settled);
      } catch (caught) {
        error = caught;
      }
      errors.push(error);
      if (stopped.is) throw fail(stoppedBy());
      if (!(error instanceof NoEndpointsError) && !shouldRetry(error, attempt)) {
        throw fail('not-retryable');
      }
      if (attempt >= attempts) throw fail('attempts-exhausted');
      const wait = backoff(attempt);
      // The next attempt could not start within the budget: say so now rather than idle until then.
      if (Date.now() + wait >= deadline) throw fail('budget-spent');
      await sleep(wait, inFlight);
      if (stopped.is) throw fail(stoppedBy());
    }
  } finally {
    clearTimeout(budgetTimer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * The balancer's pick, unless this call already tried that endpoint and others exist: then a few
 * re-picks (keeping the balancer's policy), then the first untried endpoint in the list. Once
 * every endpoint has been tried, it starts over avoiding only the previous one.
 */
function pickPreferringUntried<E>(
  balancer: Balancer<E>,
  tried: Set<E>,
  previous: { endpoint: E } | undefined,
): E {
  const first = balancer.pick();
  if (!tried.has(first)) return first;
  const all = balancer.endpointer.endpoints();
  if (all.length < 2) return first;
  if (all.every((endpoint) => tried.has(endpoint))) {
    tried.clear();
    if (previous) tried.add(previous.endpoint);
    if (!tried.has(first)) return first;
  }
  for (let i = 0; i < REPICKS; i++) {
    const endpoint = balancer.pick();
    if (!tried.has(endpoint)) return endpoint;
  }
  return all.find((endpoint) => !tried.has(endpoint)) ?? first;
}

/** `attempt` (just started on `endpoint`), with `observer` told how it ended. */
async function observed<E, T>(
  attempt: Promise<T>,
  endpoint: E,
  observer: CallObserver<E>,
): Promise<T> {
  const began = performance.now();
  try {
    const value = await attempt;
    observer.succeeded(endpoint, performance.now() - began);
    return value;
  } catch (error) {
    observer.failed(endpoint, error, performance.now() - began);
    throw error;
  }
}

function invoke<E, T>(call: RetryCall<E, T>, endpoint: E, context: RetryContext): Promise<T> {
  try {
    return Promise.resolve(call(endpoint, context));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Where the call's `stop` finds the attempt in flight, or the wait before the next one. */
interface InFlight {
  reject: ((reason: unknown) => void) | undefined;
}

/** Whether, and why, the call stopped; the attempts' controller once one asked for a signal. */
interface Stopped {
  is: boolean;
  reason: unknown;
  controller: AbortController | undefined;
}

/** An attempt's context, its `signal` made on first read (aborted already if the call stopped). */
function context(attempt: number, stopped: Stopped): RetryContext {
  return {
    attempt,
    get stopped(): boolean {
      return stopped.is;
    },
    get signal(): AbortSignal {
      if (!stopped.controller) {
        stopped.controller = new AbortController();
        if (stopped.is) stopped.controller.abort(stopped.reason);
      }
      return stopped.controller.signal;
    },
  };
}

/**
 * Settles like `promise`, or rejects with the stop reason as soon as the call stops (budget spent,
 * caller cancelled), whether or not the attempt heeds its signal. The call's `stop` rejects it
 * through `inFlight`: no listener is added to the signal per attempt.
 */
function settleOrStop<T>(promise: Promise<T>, stopped: Stopped, inFlight: InFlight): Promise<T> {
  if (stopped.is) {
    promise.catch(() => {});
    return Promise.reject(stopped.reason);
  }
  return new Promise<T>((resolve, reject) => {
    inFlight.reject = reject;
    promise.then(
      (value) => {
        inFlight.reject = undefined;
        resolve(value);
      },
      (error: unknown) => {
        inFlight.reject = undefined;
        reject(error);
      },
    );
  });
}

/** Resolves after `ms`, or as soon as the call stops (through `inFlight`); leaves no timer. */
function sleep(ms: number, inFlight: InFlight): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      inFlight.reject = undefined;
      resolve();
    };
    const timer = setTimeout(done, ms);
    inFlight.reject = done;
  });
}

function budgetSpent(timeoutMs: number): DOMException {
  return new DOMException(
    `aborted: the time budget of ${timeoutMs} ms ran out while this attempt was in flight`,
    'TimeoutError',
  );
}

/**
 * Told of every attempt `retry` makes, on which endpoint and how it ended: what passive health
 * (outlier ejection) and load-aware balancing learn from. Calls must be cheap and must not throw.
 */
export interface CallObserver<E> {
  /** An attempt starts on `endpoint`. */
  started(endpoint: E): void;
  /** It succeeded. */
  succeeded(endpoint: E, ms: number): void;
  /** It failed with `error` (including the call's own budget running out while it was in flight). */
  failed(endpoint: E, error: unknown, ms: number): void;
}

/** One observer telling each of `observers` (those given), or undefined when there is none. */
export function observeAll<E>(
  ...observers: (CallObserver<E> | undefined)[]
): CallObserver<E> | undefined {
  const all = observers.filter((observer): observer is CallObserver<E> => observer !== undefined);
  if (all.length <= 1) return all[0];
  return {
    started: (endpoint) => {
      for (const observer of all) observer.started(endpoint);
    },
    succeeded: (endpoint, ms) => {
      for (const observer of all) observer.succeeded(endpoint, ms);
    },
    failed: (endpoint, error, ms) => {
      for (const observer of all) observer.failed(endpoint, error, ms);
    },
  };
}

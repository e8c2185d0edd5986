/** A request's abort signal: the endpoint's timeout and the caller's signal together. */
export interface Deadline {
  readonly signal: AbortSignal;
  readonly timedOut: boolean;
  /** The exchange is over (body read, or failed): stop the clock, let go of the caller's signal. */
  done(): void;
}

/**
 * For `json` and `text`, which know when the exchange ends: one AbortController, one timer and one
 * listener on the caller's signal, all released by `done()`. `AbortSignal.timeout` plus
 * `AbortSignal.any` (weak references and a finalization registry) cost 17 µs per request where
 * this costs 3 µs (BENCHMARKS.md, end to end).
 */
export function exchangeDeadline(timeoutMs: number, caller: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = () => controller.abort(caller?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, timeoutMs);
  timer.unref();
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    done() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * For `fetch`, whose caller reads the body after we return: the timeout must go on covering that
 * read, and a listener left on a long-lived caller signal would pile up, so this uses the
 * platform's signals, which hold the caller's signal only weakly.
 */
export function lingeringDeadline(timeoutMs: number, caller: AbortSignal | undefined): Deadline {
  const timeout = AbortSignal.timeout(timeoutMs);
  return {
    signal: caller ? AbortSignal.any([caller, timeout]) : timeout,
    get timedOut() {
      return timeout.aborted;
    },
    done() {},
  };
}

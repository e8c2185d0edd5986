import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exponentialBackoff } from '../../lib/sd/backoff.js';
import type { EndpointSource } from '../../lib/sd/endpointer/endpoint-source.js';
import { NoEndpointsError } from '../../lib/sd/errors/no-endpoints.error.js';
import { RetryError } from '../../lib/sd/errors/retry.error.js';
import type { Balancer } from '../../lib/sd/lb/balancer.js';
import { random } from '../../lib/sd/lb/random.balancer.js';
import { retry } from '../../lib/sd/lb/retry.js';
import { defaultShouldRetry } from '../../lib/sd/lb/retry.options.js';
import { roundRobin } from '../../lib/sd/lb/round-robin.balancer.js';

/** An endpoint source whose endpoints the test sets, counting how often balancers read it. */
class MutableEndpoints<E> implements EndpointSource<E> {
  readonly name = '/services/test/abc';
  reads = 0;
  constructor(private current: readonly E[]) {}
  set(endpoints: readonly E[]): void {
    this.current = endpoints;
  }
  endpoints(): readonly E[] {
    this.reads++;
    return this.current;
  }
}

/** A balancer that always picks the first endpoint: retry must still move to another one. */
function sticky<E>(endpointer: EndpointSource<E>): Balancer<E> & { picks: number } {
  return {
    endpointer,
    picks: 0,
    pick() {
      this.picks++;
      const endpoints = endpointer.endpoints();
      if (endpoints.length === 0) throw new NoEndpointsError(endpointer.name);
      return endpoints[0]!;
    },
  };
}

/** A balancer over nothing that counts its picks (each pick is one attempt). */
function emptyCounting(): Balancer<string> & { picks: number } {
  return sticky(new MutableEndpoints<string>([]));
}

const noWait = { backoff: () => 0 };

afterEach(() => {
  vi.useRealTimers();
});

describe('retry', () => {
  it('resolves with the first success, giving the attempt its number and a live signal', async () => {
    const execute = retry(roundRobin(new MutableEndpoints(['a', 'b'])));
    const result = await execute(async (endpoint, { attempt, signal }) => {
      expect(signal.aborted).toBe(false);
      return `${endpoint}#${attempt}`;
    });
    expect(result).toBe('a#1');
  });

  it('moves to an endpoint it has not tried yet, even when the balancer keeps picking the same one', async () => {
    const balancer = sticky(new MutableEndpoints(['a', 'b', 'c']));
    const called: string[] = [];
    const execute = retry(balancer, { attempts: 4, ...noWait });

    const error = await execute(async (endpoint) => {
      called.push(endpoint);
      throw new Error(`${endpoint} is down`);
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RetryError);
    // Every endpoint once, then starting over while avoiding the previous one ('c').
    expect(called).toEqual(['a', 'b', 'c', 'a']);
  });

  it('never retries on the same endpoint twice in a row when there are two (random balancer, 200 calls)', async () => {
    const execute = retry(random(new MutableEndpoints(['a', 'b']), 1), { attempts: 2, ...noWait });
    for (let i = 0; i < 200; i++) {
      const called: string[] = [];
      await execute(async (endpoint, { attempt }) => {
        called.push(endpoint);
        if (attempt === 1) throw new Error('first attempt fails');
        return endpoint;
      });
      expect(called[0]).not.toBe(called[1]);
    }
  });

  it('retries on the only endpoint when there is one', async () => {
    const execute = retry(roundRobin(new MutableEndpoints(['only'])), noWait);
    const called: string[] = [];
    await execute(async (endpoint, { attempt }) => {
      called.push(endpoint);
      if (attempt < 3) throw new Error('flaky');
      return 'ok';
    });
    expect(called).toEqual(['only', 'only', 'only']);
  });

  it('backs off when there are no endpoints: 5 attempts take at least the 150 ms of waits, exactly 5 picks', async () => {
    const balancer = emptyCounting();
    const execute = retry(balancer, {
      attempts: 5,
      backoff: { initialMs: 10, factor: 2, jitter: false }, // waits 10 + 20 + 40 + 80 = 150 ms
    });
    const started = performance.now();

    const error = await execute(async () => 'unreachable').catch((caught: unknown) => caught);

    const elapsed = performance.now() - started;
    expect(balancer.picks).toBe(5);
    expect(elapsed).toBeGreaterThanOrEqual(145); // timers run on the loop clock, ~1 ms coarse
    expect(error).toBeInstanceOf(RetryError);
    const retryError = error as RetryError;
    expect(retryError.reason).toBe('attempts-exhausted');
    expect(retryError.errors).toHaveLength(5);
    expect(retryError.errors.every((e) => e instanceof NoEndpointsError)).toBe(true);
  });

  it('makes a handful of attempts in a 50 ms budget with no endpoints, where go-kit spins ~40,000 times', async () => {
    const balancer = emptyCounting();
    const execute = retry(balancer, { attempts: 1_000_000, timeoutMs: 50 }); // default backoff

    const error = await execute(async () => 'unreachable').catch((caught: unknown) => caught);

    // Default waits are >= 10, 20, 40 ms (equal jitter): at most 3 attempts fit in 50 ms.
    expect(balancer.picks).toBeGreaterThanOrEqual(1);
    expect(balancer.picks).toBeLessThanOrEqual(3);
    expect((error as RetryError).reason).toBe('budget-spent');
    expect((error as RetryError).message).toMatch(/time budget of 50 ms spent/);
  });

  it('keeps every attempt error in order and names attempts, reason and last error in the message', async () => {
    const execute = retry(roundRobin(new MutableEndpoints(['a', 'b', 'c'])), noWait);
    const error = (await execute(async (endpoint, { attempt }) => {
      throw new Error(`attempt ${attempt} on ${endpoint} failed`);
    }).catch((caught: unknown) => caught)) as RetryError;

    expect(error).toBeInstanceOf(RetryError);
    expect(error.errors.map((e) => (e as Error).message)).toEqual([
      'attempt 1 on a failed',
      'attempt 2 on b failed',
      'attempt 3 on c failed',
    ]);
    expect(error.attempts).toBe(3);
    expect(error.cause).toBe(error.lastError);
    expect(error.message).toBe(
      'Call to /services/test/abc failed after 3 attempts (attempts exhausted); last error: attempt 3 on c failed',
    );
  });

  it('stops at once on an error shouldRetry rejects', async () => {
    const seen: [string, number][] = [];
    const execute = retry(roundRobin(new MutableEndpoints(['a', 'b'])), {
      ...noWait,
      shouldRetry: (error, attempt) => {
        seen.push([(error as Error).message, attempt]);
        return false;
      },
    });
    const error = (await execute(async () => {
      throw new Error('bad request');
    }).catch((caught: unknown) => caught)) as RetryError;

    expect(seen).toEqual([['bad request', 1]]);
    expect(error.reason).toBe('not-retryable');
    expect(error.message).toMatch(
      /after 1 attempt \(the error is not retryable\); last error: bad request/,
    );
  });

  it('by default retries every error but an AbortError and one marked retryable: false', () => {
    expect(defaultShouldRetry(new Error('boom'))).toBe(true);
    expect(defaultShouldRetry(new DOMException('slow', 'TimeoutError'))).toBe(true);
    expect(defaultShouldRetry('a string')).toBe(true);
    expect(defaultShouldRetry(new DOMException('cancelled', 'AbortError'))).toBe(false);
    expect(defaultShouldRetry(Object.assign(new Error('404'), { retryable: false }))).toBe(false);
  });

  it('aborts the call in flight when the time budget runs out and fails with every error, the in-flight one included', async () => {
    const execute = retry(roundRobin(new MutableEndpoints(['a', 'b'])), {
      attempts: 5,
      timeoutMs: 100,
      ...noWait,
    });
    const signals: AbortSignal[] = [];
    const started = performance.now();

    const error = (await execute((endpoint, { attempt, signal }) => {
      signals.push(signal);
      if (attempt === 1) return Promise.reject(new Error(`${endpoint} refused`));
      // Attempt 2 hangs until aborted.
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }).catch((caught: unknown) => caught)) as RetryError;

    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(RetryError);
    expect(error.reason).toBe('budget-spent');
    expect(error.errors).toHaveLength(2);
    expect((error.errors[0] as Error).message).toBe('a refused');
    expect((error.errors[1] as DOMException).name).toBe('TimeoutError');
    expect(signals[1]!.aborted).toBe(true);
    expect(error.message).toMatch(
      /failed after 2 attempts \(time budget of 100 ms spent\); last error: aborted/,
    );
    expect(elapsed).toBeGreaterThanOrEqual(95);
    expect(elapsed).toBeLessThan(1000);
  });

  it('fails at the budget even when the call ignores its signal and never settles', async () => {
    vi.useFakeTimers();
    const execute = retry(roundRobin(new MutableEndpoints(['a'])), { timeoutMs: 200 });
    const outcome = execute(() => new Promise<never>(() => {})).catch((caught: unknown) => caught);

    await vi.advanceTimersByTimeAsync(200);
    const error = (await outcome) as RetryError;
    expect(error.reason).toBe('budget-spent');
    expect(error.attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops before a backoff wait that would end past the budget instead of idling until then', async () => {
    vi.useFakeTimers();
    const execute = retry(roundRobin(new MutableEndpoints(['a'])), {
      timeoutMs: 1000,
      backoff: () => 5000,
    });
    const error = (await execute(async () => {
      throw new Error('down');
    }).catch((caught: unknown) => caught)) as RetryError;

    expect(error.reason).toBe('budget-spent');
    expect(error.attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('lets the caller cancel through a signal: the call in flight is aborted and the error says cancelled', async () => {
    const execute = retry(roundRobin(new MutableEndpoints(['a'])));
    const controller = new AbortController();
    let attemptSignal: AbortSignal | undefined;

    const outcome = execute((_endpoint, { signal }) => {
      attemptSignal = signal;
      queueMicrotask(() => controller.abort(new Error('user went away')));
      return new Promise<never>(() => {});
    }, controller.signal).catch((caught: unknown) => caught);
    const error = (await outcome) as RetryError;

    expect(error.reason).toBe('cancelled');
    expect(attemptSignal!.aborted).toBe(true);
    expect(error.message).toMatch(
      /after 1 attempt \(cancelled by the caller\); last error: user went away/,
    );
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('makes no attempt when the caller signal is already aborted', async () => {
    const balancer = sticky(new MutableEndpoints(['a']));
    const execute = retry(balancer);
    const error = (await execute(async () => 'x', AbortSignal.abort(new Error('too late'))).catch(
      (caught: unknown) => caught,
    )) as RetryError;

    expect(balancer.picks).toBe(0);
    expect(error.reason).toBe('cancelled');
    expect(error.message).toBe(
      'Call to /services/test/abc failed after 0 attempts (cancelled by the caller); last error: too late',
    );
  });

  it('leaves no timer and no listener on the caller signal after a success or a failure', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const execute = retry(roundRobin(new MutableEndpoints(['a', 'b'])), {
      backoff: { initialMs: 10, jitter: false },
    });

    const success = execute(async (_endpoint, { attempt }) => {
      if (attempt === 1) throw new Error('once');
      return 'ok';
    }, controller.signal);
    await vi.advanceTimersByTimeAsync(10);
    await expect(success).resolves.toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    const failure = execute(async () => {
      throw new Error('always');
    }, controller.signal).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(30);
    expect(await failure).toBeInstanceOf(RetryError);
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('waits what a backoff function returns for each failed attempt number', async () => {
    const asked: number[] = [];
    const execute = retry(roundRobin(new MutableEndpoints(['a'])), {
      attempts: 4,
      backoff: (attempt) => {
        asked.push(attempt);
        return 1;
      },
    });
    await execute(async () => {
      throw new Error('down');
    }).catch(() => undefined);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('treats a call that throws synchronously as a failed attempt', async () => {
    const execute = retry(roundRobin(new MutableEndpoints(['a', 'b'])), noWait);
    const result = await execute((endpoint, { attempt }) => {
      if (attempt === 1) throw new Error('sync throw');
      return Promise.resolve(endpoint);
    });
    expect(result).toBe('b');
  });

  it('rejects invalid options at once', () => {
    const balancer = roundRobin(new MutableEndpoints(['a']));
    expect(() => retry(balancer, { attempts: 0 })).toThrow(RangeError);
    expect(() => retry(balancer, { attempts: 1.5 })).toThrow(/attempts/);
    expect(() => retry(balancer, { timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => retry(balancer, { backoff: { factor: 0.5 } })).toThrow(/factor/);
    expect(() => retry(balancer, { timeoutMs: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});

describe('exponentialBackoff', () => {
  it('doubles from initialMs up to maxMs without jitter', () => {
    const backoff = exponentialBackoff({ initialMs: 20, maxMs: 100, jitter: false });
    expect([1, 2, 3, 4, 5].map(backoff)).toEqual([20, 40, 80, 100, 100]);
  });

  it('with jitter (the default), waits between half and all of the exponential wait', () => {
    const backoff = exponentialBackoff();
    for (let i = 0; i < 1000; i++) {
      const wait = backoff(3); // 20 * 2^2 = 80
      expect(wait).toBeGreaterThanOrEqual(40);
      expect(wait).toBeLessThanOrEqual(80);
    }
  });
});

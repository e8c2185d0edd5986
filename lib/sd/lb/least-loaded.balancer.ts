import type { EndpointSource } from '../endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import { MAX_TIMER_MS } from '../timer-limits.js';
import type { Balancer } from './balancer.js';
import type { CallObserver } from './call-observer.js';
import { mulberry32 } from './random.balancer.js';

/** Options of {@link leastLoaded}. */
export interface LeastLoadedOptions {
  /**
   * How fast an instance's latency estimate forgets: an observation `decayMs` old weighs 1/e of a
   * new one. @default 10000
   */
  decayMs?: number;
  /** Seed of the two random choices, for reproducible runs. @default `Math.random` */
  seed?: number;
}

/** The defaults of `LeastLoadedOptions`. */
export const LEAST_LOADED_DEFAULTS = Object.freeze({ decayMs: 10_000 });

/** A load that loses to any measured one: an instance with a call in flight and no answer yet. */
const UNMEASURED_BUSY = Number.MAX_SAFE_INTEGER;

interface Load {
  /** Peak-sensitive moving average of the latency, in ms (0: none measured yet). */
  cost: number;
  /** When `cost` was last updated (ms, `performance.now()`). */
  stamp: number;
  /** Calls in flight. */
  pending: number;
}

/** A balancer that also learns from the calls it sees (through `retry`'s `observer`). */
export interface LearningBalancer<E> extends Balancer<E>, CallObserver<E> {}

/**
 * Power of two choices over a peak-EWMA load (Finagle's and Linkerd's "peak EWMA"): each pick
 * draws two endpoints at random and takes the one with the lower `latency estimate × (calls in
 * flight + 1)`. The estimate jumps up to a slower answer at once and decays towards faster ones
 * (`decayMs`), so a slow or overloaded instance gets few calls within a few answers, and gets them
 * back as it recovers. Picks are O(1) with no allocation; it learns only from the calls made
 * through `call()` (give it as `retry`'s `observer`, which `ZkEndpointer` does).
 */
export function leastLoaded<E>(
  endpointer: EndpointSource<E>,
  options: LeastLoadedOptions = {},
): LearningBalancer<E> {
  const decayMs = options.decayMs ?? LEAST_LOADED_DEFAULTS.decayMs;
  if (!(decayMs > 0 && decayMs <= MAX_TIMER_MS)) {
    throw new RangeError(`leastLoaded decayMs must be in (0, ${MAX_TIMER_MS}]; got ${decayMs}`);
  }
  const next = options.seed === undefined ? Math.random : mulberry32(options.seed);
  return new LeastLoadedBalancer(endpointer, decayMs, next);
}

class LeastLoadedBalancer<E> implements LearningBalancer<E> {
  private loads = new Map<E, Load>();
  private seen: readonly E[] | undefined;

  constructor(
    readonly endpointer: EndpointSource<E>,
    private readonly decayMs: number,
    private readonly next: () => number,
  ) {}

  pick(): E {
    const endpoints = this.endpointer.endpoints();
    const count = endpoints.length;
    if (count === 0) throw new NoEndpointsError(this.endpointer.name);
    if (endpoints !== this.seen) this.follow(endpoints);
    if (count === 1) return endpoints[0]!;
    const i = Math.floor(this.next() * count);
    // A second index drawn among the others, so the two choices always differ.
    let j = Math.floor(this.next() * (count - 1));
    if (j >= i) j++;
    const a = endpoints[i]!;
    const b = endpoints[j]!;
    return this.load(b) < this.load(a) ? b : a;
  }

  started(endpoint: E): void {
    const load = this.loads.get(endpoint);
    if (load) load.pending++;
  }

  succeeded(endpoint: E, ms: number): void {
    this.observe(endpoint, ms);
  }

  failed(endpoint: E, _error: unknown, ms: number): void {
    this.observe(endpoint, ms);
  }

  private observe(endpoint: E, ms: number): void {
    const load = this.loads.get(endpoint);
    if (!load) return;
    if (load.pending > 0) load.pending--;
    const now = performance.now();
    if (ms >= load.cost || load.cost === 0) {
      load.cost = ms;
    } else {
      const weight = Math.exp(-(now - load.stamp) / this.decayMs);
      load.cost = load.cost * weight + ms * (1 - weight);
    }
    load.stamp = now;
  }

  private load(endpoint: E): number {
    const load = this.loads.get(endpoint);
    if (!load) return 0;
    if (load.cost === 0) return load.pending === 0 ? 0 : UNMEASURED_BUSY;
    return load.cost * (load.pending + 1);
  }

  /** The endpoints changed: keep the loads of those that stay, start the new ones at zero. */
  private follow(endpoints: readonly E[]): void {
    const loads = new Map<E, Load>();
    for (const endpoint of endpoints) {
      loads.set(endpoint, this.loads.get(endpoint) ?? { cost: 0, stamp: 0, pending: 0 });
    }
    this.loads = loads;
    this.seen = endpoints;
  }
}

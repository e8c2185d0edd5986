import { checkTimerMs } from '../../client/option-checks.js';
import type { EndpointSource } from '../endpointer/endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import type { Balancer } from './balancer.js';
import type { CallObserver } from './call-observer.js';
import { EndpointWeights } from './endpoint-weights.js';
import { IntegerDraws } from './integer-draws.js';

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
 *
 * When the instances' weights differ, a weight is read as capacity: the load compared is
 * `latency × (calls in flight + 1) / weight`, so under load each instance holds calls in flight
 * (and, at equal latency, gets calls) in proportion to its weight. At very low concurrency the
 * instance fastest for its weight takes most calls, as with any least-loaded balancer.
 */
export function leastLoaded<E>(
  endpointer: EndpointSource<E>,
  options: LeastLoadedOptions = {},
): LearningBalancer<E> {
  const decayMs = checkTimerMs(
    'leastLoaded decayMs',
    options.decayMs ?? LEAST_LOADED_DEFAULTS.decayMs,
    { defaultValue: LEAST_LOADED_DEFAULTS.decayMs },
  );
  return new LeastLoadedBalancer(endpointer, decayMs, new IntegerDraws(options.seed));
}

class LeastLoadedBalancer<E> implements LearningBalancer<E> {
  /** By endpoint, for the observer; `byIndex` is the same in the order of `seen`, for picks. */
  private loads = new Map<E, Load>();
  private byIndex: Load[] = [];
  private seen: readonly E[] | undefined;
  private lastAnswerAt = 0;
  private readonly weights = new EndpointWeights();

  constructor(
    readonly endpointer: EndpointSource<E>,
    private readonly decayMs: number,
    private readonly draws: IntegerDraws,
  ) {}

  pick(): E {
    const endpoints = this.endpointer.endpoints();
    const count = endpoints.length;
    if (count === 0) throw new NoEndpointsError(this.endpointer.name);
    if (endpoints !== this.seen) this.follow(endpoints);
    if (count === 1) return endpoints[0]!;
    const i = this.draws.next() % count;
    // A second index drawn among the others, so the two choices always differ.
    let j = this.draws.next() % (count - 1);
    if (j >= i) j++;
    // "Now" is the latest answer's time: no clock read (and no boxed float) per pick, and while
    // answers come it lags by less than one of them.
    const now = this.lastAnswerAt;
    let loadI = loadOf(this.byIndex[i]!, now, this.decayMs);
    let loadJ = loadOf(this.byIndex[j]!, now, this.decayMs);
    if (this.weights.follow(this.endpointer)) {
      loadI /= this.weights.of[i]!;
      loadJ /= this.weights.of[j]!;
    }
    return loadJ < loadI ? endpoints[j]! : endpoints[i]!;
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
    this.lastAnswerAt = now;
    if (ms >= load.cost || load.cost === 0) {
      load.cost = ms;
    } else {
      const weight = Math.exp(-(now - load.stamp) / this.decayMs);
      load.cost = load.cost * weight + ms * (1 - weight);
    }
    load.stamp = now;
  }

  /** The endpoints changed: keep the loads of those that stay, start the new ones at zero. */
  private follow(endpoints: readonly E[]): void {
    const loads = new Map<E, Load>();
    const byIndex: Load[] = [];
    for (const endpoint of endpoints) {
      const load = this.loads.get(endpoint) ?? { cost: 0, stamp: 0, pending: 0 };
      loads.set(endpoint, load);
      byIndex.push(load);
    }
    this.loads = loads;
    this.byIndex = byIndex;
    this.seen = endpoints;
  }
}

/**
 * Latency estimate × (calls in flight + 1); an instance not measured yet weighs nothing while idle
 * and loses to every measured one while its first call is out. An estimate not refreshed for a
 * while decays as it is read, as Finagle's does: a slow instance that gets no calls is tried again
 * once its estimate has aged below the others'. Small enough to be inlined into `pick` (a number
 * returned from a call that is not inlined is boxed).
 */
function loadOf(entry: Load, now: number, decayMs: number): number {
  if (entry.cost === 0) return entry.pending === 0 ? 0 : UNMEASURED_BUSY;
  const age = now - entry.stamp;
  const cost = age < decayMs / 64 ? entry.cost : entry.cost * Math.exp(-age / decayMs);
  return cost * (entry.pending + 1);
}

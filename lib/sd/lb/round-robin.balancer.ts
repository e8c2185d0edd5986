import type { EndpointSource } from '../endpointer/endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import type { Balancer } from './balancer.js';
import { EndpointWeights } from './endpoint-weights.js';

/**
 * Hands out the endpoints in turn (go-kit's `lb.NewRoundRobin`): over `n * k` picks of an
 * unchanging set of `n`, each endpoint is picked exactly `k` times. O(1), no allocation per pick.
 * When the set changes, the turn continues at the same index (modulo the new size).
 *
 * When the instances' weights differ, it is nginx's smooth weighted round robin: over `W` picks
 * (the sum of the weights) each endpoint is picked exactly its weight's times, spread out rather
 * than in runs (weights 5, 1, 1 give a a b a c a a). O(n) per pick, no allocation; the turn
 * starts again when the set changes.
 */
export function roundRobin<E>(endpointer: EndpointSource<E>): Balancer<E> {
  return new RoundRobinBalancer(endpointer);
}

class RoundRobinBalancer<E> implements Balancer<E> {
  private next = 0;
  private readonly weights = new EndpointWeights();
  /** Smooth weighted round robin: each endpoint's current weight, by index. */
  private current = new Float64Array(0);
  private seen: readonly E[] | undefined;

  constructor(readonly endpointer: EndpointSource<E>) {}

  pick(): E {
    const endpoints = this.endpointer.endpoints();
    const count = endpoints.length;
    if (count === 0) throw new NoEndpointsError(this.endpointer.name);
    if (this.weights.follow(this.endpointer)) return endpoints[this.smoothIndex(endpoints)]!;
    const index = this.next < count ? this.next : this.next % count;
    this.next = index + 1;
    return endpoints[index]!;
  }

  /** Each endpoint gains its weight; the one ahead is picked and loses the total. */
  private smoothIndex(endpoints: readonly E[]): number {
    if (endpoints !== this.seen) {
      this.seen = endpoints;
      this.current = new Float64Array(endpoints.length);
    }
    const { of, total } = this.weights;
    const current = this.current;
    let best = 0;
    for (let i = 0; i < current.length; i++) {
      current[i]! += of[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return best;
  }
}

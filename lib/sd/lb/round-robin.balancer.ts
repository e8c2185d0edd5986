import type { EndpointSource } from '../endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import type { Balancer } from './balancer.js';

/**
 * Hands out the endpoints in turn (go-kit's `lb.NewRoundRobin`): over `n * k` picks of an
 * unchanging set of `n`, each endpoint is picked exactly `k` times. O(1), no allocation per pick.
 * When the set changes, the turn continues at the same index (modulo the new size).
 */
export function roundRobin<E>(endpointer: EndpointSource<E>): Balancer<E> {
  return new RoundRobinBalancer(endpointer);
}

class RoundRobinBalancer<E> implements Balancer<E> {
  private next = 0;

  constructor(readonly endpointer: EndpointSource<E>) {}

  pick(): E {
    const endpoints = this.endpointer.endpoints();
    const count = endpoints.length;
    if (count === 0) throw new NoEndpointsError(this.endpointer.name);
    const index = this.next < count ? this.next : this.next % count;
    this.next = index + 1;
    return endpoints[index]!;
  }
}

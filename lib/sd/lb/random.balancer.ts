import type { EndpointSource } from '../endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import type { Balancer } from './balancer.js';
import { EndpointWeights } from './endpoint-weights.js';

/**
 * Picks an endpoint uniformly at random (go-kit's `lb.NewRandom`). O(1), no allocation per pick.
 * When the instances' weights differ, each is picked with probability weight / sum of weights
 * (O(log n): a binary search over the cumulative weights).
 * @param seed When given, picks come from a small seeded generator (mulberry32): the same seed
 *   gives the same sequence of indexes, for reproducible tests and simulations.
 *   @default undefined: `Math.random`
 */
export function random<E>(endpointer: EndpointSource<E>, seed?: number): Balancer<E> {
  return new RandomBalancer(endpointer, seed === undefined ? Math.random : mulberry32(seed));
}

class RandomBalancer<E> implements Balancer<E> {
  private readonly weights = new EndpointWeights();

  constructor(
    readonly endpointer: EndpointSource<E>,
    private readonly next: () => number,
  ) {}

  pick(): E {
    const endpoints = this.endpointer.endpoints();
    if (endpoints.length === 0) throw new NoEndpointsError(this.endpointer.name);
    const weights = this.weights;
    if (weights.follow(this.endpointer))
      return endpoints[weights.indexAt(this.next() * weights.total)]!;
    return endpoints[Math.floor(this.next() * endpoints.length)]!;
  }
}

/** mulberry32: a 32-bit state generator of floats in [0, 1); fast and good enough for balancing. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import type { EndpointSource } from '../endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import type { Balancer } from './balancer.js';
import { EndpointWeights } from './endpoint-weights.js';

/** Draws are integers in [0, 2^30): small integers to V8, so a pick boxes no number. */
const DRAW_RANGE = 1073741824;

/**
 * Picks an endpoint uniformly at random (go-kit's `lb.NewRandom`). O(1), no allocation per pick.
 * When the instances' weights differ, each is picked with probability weight / sum of weights
 * (O(log n): a binary search over the cumulative weights).
 * @param seed When given, picks come from a small seeded generator (mulberry32): the same seed
 *   gives the same sequence of indexes, for reproducible tests and simulations.
 *   @default undefined: `Math.random`
 */
export function random<E>(endpointer: EndpointSource<E>, seed?: number): Balancer<E> {
  const draw = seed === undefined ? () => (Math.random() * DRAW_RANGE) | 0 : mulberry32(seed);
  return new RandomBalancer(endpointer, draw);
}

class RandomBalancer<E> implements Balancer<E> {
  private readonly weights = new EndpointWeights();

  constructor(
    readonly endpointer: EndpointSource<E>,
    /** An integer in [0, DRAW_RANGE). */
    private readonly draw: () => number,
  ) {}

  pick(): E {
    const endpoints = this.endpointer.endpoints();
    if (endpoints.length === 0) throw new NoEndpointsError(this.endpointer.name);
    const weights = this.weights;
    if (!weights.follow(this.endpointer)) return endpoints[this.draw() % endpoints.length]!;
    // Weights are integers: a point in [0, total) drawn as an integer (a float past 2^30).
    const total = weights.total;
    const point = total < DRAW_RANGE ? this.draw() % total : (this.draw() / DRAW_RANGE) * total;
    return endpoints[weights.indexAt(point)]!;
  }
}

/** mulberry32: a 32-bit state generator, here of integers in [0, 2^30); fast and good enough. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 2;
  };
}

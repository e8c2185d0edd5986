import type { EndpointSource } from '../endpointer/endpoint-source.js';
import { NoEndpointsError } from '../errors/no-endpoints.error.js';
import type { Balancer } from './balancer.js';
import { EndpointWeights } from './endpoint-weights.js';
import { DRAW_RANGE, IntegerDraws } from './integer-draws.js';

/**
 * Picks an endpoint uniformly at random (go-kit's `lb.NewRandom`). O(1), no allocation per pick.
 * When the instances' weights differ, each is picked with probability weight / sum of weights
 * (O(log n): a binary search over the cumulative weights).
 * @param seed When given, the same seed gives the same sequence of picks, for reproducible tests
 *   and simulations. @default undefined: a seed from `Math.random`
 */
export function random<E>(endpointer: EndpointSource<E>, seed?: number): Balancer<E> {
  return new RandomBalancer(endpointer, new IntegerDraws(seed));
}

class RandomBalancer<E> implements Balancer<E> {
  private readonly weights = new EndpointWeights();

  constructor(
    readonly endpointer: EndpointSource<E>,
    private readonly draws: IntegerDraws,
  ) {}

  pick(): E {
    const endpoints = this.endpointer.endpoints();
    if (endpoints.length === 0) throw new NoEndpointsError(this.endpointer.name);
    const weights = this.weights;
    if (!weights.follow(this.endpointer)) return endpoints[this.draws.next() % endpoints.length]!;
    // Weights are integers: a point in [0, total) drawn as an integer (a float past 2^30).
    const total = weights.total;
    const point =
      total < DRAW_RANGE
        ? this.draws.next() % (total | 0)
        : (this.draws.next() / DRAW_RANGE) * total;
    return endpoints[weights.indexAt(point)]!;
  }
}

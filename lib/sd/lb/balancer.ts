import type { EndpointSource } from '../endpointer/endpoint-source.js';

/**
 * Picks one endpoint for the next call (go-kit's `lb.Balancer`). `pick` is O(1) and throws
 * `NoEndpointsError` when the endpointer has none.
 */
export interface Balancer<E> {
  /** The endpoint for the next call. @throws NoEndpointsError when there is none. */
  pick(): E;
  /** Where the endpoints come from; `retry` reads it to prefer another endpoint. */
  readonly endpointer: EndpointSource<E>;
  /**
   * The endpoint for a call with this key (key affinity), or, with `skip`, the next best one it
   * does not reject; what `retry` uses for a call given a `key`. Optional: balancers without it
   * cannot take keyed calls.
   */
  pickFor?(key: string, skip?: (endpoint: E) => boolean): E;
}

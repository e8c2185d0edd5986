import type { ServiceInstance } from '../service-instance.js';

/** What an endpoint factory makes of one instance. */
export interface EndpointHandle<E> {
  /** The value balancers hand out for this instance (a client, a bound function, ...). */
  readonly endpoint: E;
  /**
   * Called once when the instance leaves, changes its data, or the endpointer closes. Errors it
   * throws or rejects with are logged, never thrown.
   */
  readonly close?: () => void | Promise<void>;
}

/**
 * Turns an instance into an endpoint (go-kit's `sd.Factory`). Throw when the instance is unusable:
 * the endpointer skips it and logs the error once per instance id and data.
 */
export type EndpointFactory<E> = (instance: ServiceInstance) => EndpointHandle<E>;

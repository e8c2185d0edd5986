import type { ServiceInstance } from '../service-instance.js';

/** What balancers read: the current endpoints. `Endpointer` is the live implementation. */
export interface EndpointSource<E> {
  /**
   * The current endpoints, in a stable order. Must be cheap: balancers call it on every pick.
   */
  endpoints(): readonly E[];
  /**
   * The instances behind `endpoints()`, in the same order (`instances()[i]` made
   * `endpoints()[i]`), read with it. Balancers take weights from them. Optional: without it every
   * endpoint weighs 1.
   */
  instances?(): readonly ServiceInstance[];
  /** The path or name of what the endpoints come from, for error messages. */
  readonly name?: string | undefined;
}

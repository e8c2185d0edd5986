/** What balancers read: the current endpoints. `Endpointer` is the live implementation. */
export interface EndpointSource<E> {
  /**
   * The current endpoints, in a stable order. Must be cheap: balancers call it on every pick.
   */
  endpoints(): readonly E[];
  /** The path or name of what the endpoints come from, for error messages. */
  readonly name?: string | undefined;
}

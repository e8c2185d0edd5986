/**
 * A balancer was asked for an endpoint while its endpointer has none: no instance is registered,
 * every instance was skipped by the endpoint factory, or discovery failed past its tolerance.
 */
export class NoEndpointsError extends Error {
  override name = 'NoEndpointsError';

  /** @param source The endpointer's path or name, when known; named in the message. */
  constructor(readonly source?: string) {
    super(
      `No endpoints ${source ? `for ${source}` : 'available'}: check that the service is registered` +
        `${source ? ` under ${source}` : ''} and running, and that ZooKeeper is reachable` +
        ' (instances the endpoint factory rejected are logged once as warnings)',
    );
  }
}

/** Why an endpointer had nothing to call, when it can tell. */
export type NoEndpointsReason =
  /** The path could not be read: the client has no session, or the read failed. */
  | 'zookeeper-unreachable'
  /** ZooKeeper answered: nothing is registered under the path. */
  | 'none-registered';

/**
 * A balancer was asked for an endpoint while its endpointer has none: no instance is registered,
 * every instance was skipped by the endpoint factory, or discovery failed past its tolerance.
 * A `ZkEndpointer` tells the first two apart (`reason`).
 */
export class NoEndpointsError extends Error {
  override name = 'NoEndpointsError';

  /**
   * @param source The endpointer's path or name, when known; named in the message.
   * @param reason Why, when the endpointer knows; `detail` says more of it (the client's state).
   */
  constructor(
    readonly source?: string,
    readonly reason?: NoEndpointsReason,
    detail?: string,
  ) {
    super(message(source, reason, detail));
  }
}

function message(
  source: string | undefined,
  reason: NoEndpointsReason | undefined,
  detail: string | undefined,
): string {
  const where = source ? ` under ${source}` : '';
  if (reason === 'zookeeper-unreachable') {
    return (
      `No endpoints${source ? ` for ${source}` : ''}: ZooKeeper cannot be reached` +
      `${detail ? ` (${detail})` : ''}, so the instances${where} are unknown; check the ` +
      '`servers` option and that ZooKeeper is running'
    );
  }
  if (reason === 'none-registered') {
    return (
      `No endpoints${source ? ` for ${source}` : ''}: no instance is registered${where}; check ` +
      'that the service is running and registers under this path'
    );
  }
  return (
    `No endpoints ${source ? `for ${source}` : 'available'}: check that the service is registered` +
    `${where} and running, and that ZooKeeper is reachable` +
    ' (instances the endpoint factory rejected are logged once as warnings)'
  );
}

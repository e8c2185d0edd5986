import { ZkError } from './zk.error.js';

/** No server of the connect string established a session within `connectTimeoutMs`. */
export class ZkConnectError extends ZkError {
  override name = 'ZkConnectError';

  constructor(
    readonly servers: string,
    readonly timeoutMs: number,
  ) {
    const reason = `no server of "${servers}" established a session within ${timeoutMs} ms`;
    super('connect', '', 0, reason, {
      message:
        `Cannot connect to ZooKeeper: ${reason}. Check that the servers are running and ` +
        'reachable from this host, that the `servers` option lists them as host:port, ' +
        'or raise `connectTimeoutMs`.',
    });
  }
}

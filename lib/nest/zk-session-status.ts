import type { ZkClient } from '../client/zk-client.js';
import type { ZkClientState } from '../client/zk-client.types.js';

/** The app's ZooKeeper session as `ZkDiscoveryService.session$` reports it. */
export interface ZkSessionStatus {
  /** The client's state: `connecting | connected | disconnected | expired | closed`. */
  readonly state: ZkClientState;
  /** The session id (hex) while there is a session (`connected`, `disconnected`), else undefined. */
  readonly sessionId: string | undefined;
  /** When the client entered this state (epoch ms). */
  readonly since: number;
  /** Sessions that expired so far in this client's life. */
  readonly expiries: number;
}

/** The status of `client` now that it is in `state`. */
export function sessionStatus(
  client: ZkClient,
  state: ZkClientState,
  expiries: number,
): ZkSessionStatus {
  const sessionId =
    state === 'connected' || state === 'disconnected' ? client.sessionId : undefined;
  return { state, sessionId, since: Date.now(), expiries };
}

import type { ZkAclEntry, ZkStat } from './zk-codes.js';

/**
 * The client's connection state.
 * - `connecting`: no session yet (first connect, or a new session after an expiry).
 * - `connected`: a live session.
 * - `disconnected`: the connection dropped; the session may still be alive, watches survive.
 * - `expired`: the session is gone (told by the server, or no contact for a whole session timeout);
 *   a new session is opened at once and the state moves on to `connecting`.
 * - `closed`: `close()` was called; terminal.
 */
export type ZkClientState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'closed';

/** Emitted each time a session is established that is not the previous one (the first included). */
export interface ZkSessionEvent {
  sessionId: string;
  /** The session this one replaces, when it replaces one (after an expiry). */
  previousSessionId?: string;
}

/**
 * A one-shot change of a watched node. After it fires, re-arm by reading again with a watcher.
 * Connection and session changes are not watch events: follow `subscribeState` and
 * `subscribeSessions` (a new session has none of the old watches; read again).
 */
export interface ZkWatchEvent {
  type: 'created' | 'deleted' | 'changed' | 'children' | 'notwatching';
  path: string;
}

export type ZkWatcher = (event: ZkWatchEvent) => void;

/** How a node is created. */
export type ZkCreateMode =
  | 'persistent'
  | 'ephemeral'
  | 'persistent-sequential'
  | 'ephemeral-sequential'
  | 'container'
  | 'persistent-ttl'
  | 'persistent-sequential-ttl';

export interface ZkCreateOptions {
  /** @default 'persistent' */
  mode?: ZkCreateMode;
  /** ACL of the new node. @default the client's `acl` option */
  acl?: readonly ZkAclEntry[];
  /**
   * For the TTL modes (ZooKeeper 3.5.3+ with `extendedTypesEnabled=true`, protocol transport): the
   * node is removed once it has had no children and no change for this long.
   */
  ttlMs?: number;
}

/** One operation of a `multi` transaction (all succeed or none is applied). */
export type ZkMultiOp =
  | {
      type: 'create';
      path: string;
      data?: Buffer | string;
      mode?: ZkCreateMode;
      acl?: readonly ZkAclEntry[];
      ttlMs?: number;
    }
  | { type: 'delete'; path: string; version?: number }
  | { type: 'setData'; path: string; data: Buffer | string; version?: number }
  | { type: 'check'; path: string; version: number };

/** What each operation of a successful `multi` returned, in order. */
export type ZkMultiResult =
  | { type: 'create'; path: string; stat?: ZkStat }
  | { type: 'delete' }
  | { type: 'setData'; stat: ZkStat }
  | { type: 'check' };

/** `addWatch` modes (ZooKeeper 3.6+): one node, or the node and every node below it. */
export type ZkAddWatchMode = 'persistent' | 'persistentRecursive';

/** An authenticated identity of the session, as `whoAmI` reports it (ZooKeeper 3.9+). */
export interface ZkClientInfo {
  authScheme: string;
  user: string;
}

/** Counts of requests sent to ZooKeeper, per operation (for tests, benchmarks and metrics). */
export interface ZkRequestCounts {
  total: number;
  create: number;
  delete: number;
  exists: number;
  getData: number;
  setData: number;
  getChildren: number;
  getAcl: number;
  setAcl: number;
  multi: number;
  addWatch: number;
  removeWatches: number;
  getEphemerals: number;
  whoAmI: number;
}

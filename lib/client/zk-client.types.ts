import type { ZkAclEntry } from './zk-native.js';

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
  | 'container';

export interface ZkCreateOptions {
  /** @default 'persistent' */
  mode?: ZkCreateMode;
  /** ACL of the new node. @default the client's `acl` option */
  acl?: readonly ZkAclEntry[];
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
}

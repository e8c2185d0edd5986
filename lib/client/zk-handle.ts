import type { ZkAddWatchMode, ZkClientInfo } from './zk-client.types.js';
import type { ZkAclEntry, ZkStat } from './zk-codes.js';

/** How a handle reports an operation: its return code, and the value when it is `ZOK`. */
export type Complete<T> = (rc: number, value?: T) => void;

/** Node events of watches, as a handle reports them. */
export type ZkNodeEvent = 'created' | 'deleted' | 'changed' | 'child' | 'notwatching';

/** What a handle tells its session. */
export interface ZkHandleEvents {
  /** A session is established (the first, or the same one resumed after a disconnect). */
  connected(): void;
  /** The connection was lost; the handle reconnects on its own. */
  connecting(): void;
  /** The handle ended on its own: the session expired, or authentication failed. */
  closed(code: number): void;
  /** A watched node changed. */
  node(event: ZkNodeEvent, path: string): void;
}

/** A created node: its path (with a sequence suffix) and, where the transport has it, its stat. */
export interface ZkCreated {
  path: string;
  stat?: ZkStat;
}

/** Which watches `removeWatches` removes. */
export type ZkWatchRemoval = 'children' | 'data' | 'any' | 'persistent' | 'persistentRecursive';

/**
 * The requests of one session handle. Each returns `ZOK` once the request is queued, or the code
 * of why it could not be; `done` is then called exactly once. Optional members are what only some
 * transports can do (the native binding has none of them).
 */
export interface ZkHandleOps {
  create(
    path: string,
    data: Buffer,
    flags: number,
    acl: readonly ZkAclEntry[] | undefined,
    ttlMs: number | undefined,
    done: Complete<ZkCreated>,
  ): number;
  exists(path: string, watch: boolean, done: Complete<ZkStat>): number;
  getData(path: string, watch: boolean, done: Complete<{ data: Buffer; stat: ZkStat }>): number;
  getChildren(
    path: string,
    watch: boolean,
    done: Complete<{ children: string[]; stat: ZkStat }>,
  ): number;
  setData(path: string, data: Buffer, version: number, done: Complete<ZkStat>): number;
  delete(path: string, version: number, done: Complete<void>): number;
  getAcl(path: string, done: Complete<{ acl: ZkAclEntry[]; stat: ZkStat }>): number;
  setAcl(path: string, version: number, acl: readonly ZkAclEntry[], done: Complete<void>): number;
  addAuth(scheme: string, credentials: string, done: Complete<void>): number;
  multi?(ops: readonly MultiOp[], done: Complete<MultiResult[]>): number;
  addWatch?(path: string, mode: ZkAddWatchMode, done: Complete<void>): number;
  removeWatches?(path: string, which: ZkWatchRemoval, done: Complete<void>): number;
  getEphemerals?(prefix: string, done: Complete<string[]>): number;
  whoAmI?(done: Complete<ZkClientInfo[]>): number;
}

/**
 * One session handle of a transport: the native binding's or our protocol client's. `alive` turns
 * false the moment it ends (closed by us, expired, authentication failed); from then on nothing
 * may be sent on it (for the native binding, a call on a closed handle segfaults).
 */
export interface ZkHandle {
  readonly alive: boolean;
  readonly ops: ZkHandleOps;
  /** Session id as hex, or undefined before the first session. */
  readonly sessionId: string | undefined;
  /** The session timeout the server granted, in ms, or -1 before the first session. */
  readonly negotiatedTimeoutMs: number;
  /** Closes the handle once (its session ends: ephemeral nodes go at once); later calls do nothing. */
  close(): void;
}

// The records of a `multi`, as every transport takes and gives them.

export interface CreateOp {
  type: 'create';
  path: string;
  data: Buffer;
  acl: readonly ZkAclEntry[];
  flags: number;
  /** For TTL modes: ms after which the node, once childless, is removed. */
  ttl?: number;
}

export interface DeleteOp {
  type: 'delete';
  path: string;
  version: number;
}

export interface SetDataOp {
  type: 'setData';
  path: string;
  data: Buffer;
  version: number;
}

export interface CheckOp {
  type: 'check';
  path: string;
  version: number;
}

/** One operation of a `multi` transaction. */
export type MultiOp = CreateOp | DeleteOp | SetDataOp | CheckOp;

/** The result of one operation of a `multi`. */
export type MultiResult =
  | { type: 'create'; path: string; stat?: ZkStat }
  | { type: 'delete' }
  | { type: 'setData'; stat: ZkStat }
  | { type: 'check' }
  | { type: 'error'; err: number };

/**
 * The only module that imports the `zookeeper` package. It narrows the binding to the calls we use
 * and guards the one rule the native client imposes: a handle must never be touched after it closed
 * (the C client frees its memory and the next call segfaults the process).
 */
import { createRequire } from 'node:module';

/**
 * The binding, loaded with `require` so that a missing native build says how to fix it: the
 * package throws "No native build was found ..." when its C client was never compiled (install
 * scripts skipped, or a platform without a prebuilt binary).
 */
function loadBinding(): unknown {
  try {
    return createRequire(import.meta.url)('zookeeper');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!message.includes('No native build was found')) throw error;
    throw new Error(
      `The zookeeper package's native client is not built (${message.split('\n')[0]}). ` +
        'Build it with `npm rebuild zookeeper` (it compiles the C client: it needs g++, make and ' +
        'python3, about 20 s). It is built at install unless install scripts are skipped ' +
        '(--ignore-scripts, ignore-scripts=true in .npmrc, or scripts not approved: ' +
        '`npm install-scripts approve zookeeper` after installing).',
      { cause: error },
    );
  }
}

const ZooKeeper = loadBinding();

/** A znode's stat, as the binding reports it. */
export interface ZkStat {
  czxid: number;
  mzxid: number;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
  pzxid: number;
}

/** One ACL entry. `perms` is a bit set of {@link ZkPerm}. */
export interface ZkAclEntry {
  perms: number;
  scheme: string;
  auth: string;
}

/** Node events of the default watcher, as the binding emits them. */
export type NativeNodeEvent = 'created' | 'deleted' | 'changed' | 'child' | 'notwatching';
const nativeNodeEvents: readonly NativeNodeEvent[] = [
  'created',
  'deleted',
  'changed',
  'child',
  'notwatching',
];
type Rc = number;

/** The subset of the binding's handle this library uses. */
interface NativeZooKeeper {
  init(config: Record<string, unknown>): unknown;
  close(): unknown;
  on(event: 'connect' | 'connecting', listener: () => void): unknown;
  on(event: 'close', listener: (client: unknown, code: number) => void): unknown;
  on(event: NativeNodeEvent, listener: (emitter: unknown, path: string) => void): unknown;
  removeAllListeners(): unknown;
  readonly client_id: string;
  readonly timeout: number;
  a_create(
    path: string,
    data: Buffer,
    flags: number,
    cb: (rc: Rc, err: string, path: string) => void,
  ): Rc;
  a_exists(path: string, watch: boolean, cb: (rc: Rc, err: string, stat: ZkStat) => void): Rc;
  a_get(
    path: string,
    watch: boolean,
    cb: (rc: Rc, err: string, stat: ZkStat, data: Buffer | null) => void,
  ): Rc;
  a_get_children2(
    path: string,
    watch: boolean,
    cb: (rc: Rc, err: string, children: string[], stat: ZkStat) => void,
  ): Rc;
  a_set(
    path: string,
    data: Buffer,
    version: number,
    cb: (rc: Rc, err: string, stat: ZkStat) => void,
  ): Rc;
  a_delete_(path: string, version: number, cb: (rc: Rc, err: string) => void): Rc;
  a_get_acl(path: string, cb: (rc: Rc, err: string, acl: ZkAclEntry[], stat: ZkStat) => void): Rc;
  a_set_acl(
    path: string,
    version: number,
    acl: ZkAclEntry[],
    cb: (rc: Rc, err: string) => void,
  ): Rc;
  add_auth(scheme: string, auth: string, cb: (rc: Rc, err: string) => void): Rc;
}

/** The calls `ZkClient` makes on a live handle. */
export type NativeOps = Pick<
  NativeZooKeeper,
  | 'a_create'
  | 'a_exists'
  | 'a_get'
  | 'a_get_children2'
  | 'a_set'
  | 'a_delete_'
  | 'a_get_acl'
  | 'a_set_acl'
  | 'add_auth'
>;

const NativeClass = ZooKeeper as unknown as new () => NativeZooKeeper;
const constants = (ZooKeeper as unknown as { constants: Record<string, number> }).constants;

/** Return codes and flags of the C client, read from the binding so they never drift. */
export const ZkCodes = {
  OK: constants.ZOK,
  CONNECTIONLOSS: constants.ZCONNECTIONLOSS,
  OPERATIONTIMEOUT: constants.ZOPERATIONTIMEOUT,
  INVALIDSTATE: constants.ZINVALIDSTATE,
  NONODE: constants.ZNONODE,
  NOAUTH: constants.ZNOAUTH,
  BADVERSION: constants.ZBADVERSION,
  NOCHILDRENFOREPHEMERALS: constants.ZNOCHILDRENFOREPHEMERALS,
  NODEEXISTS: constants.ZNODEEXISTS,
  NOTEMPTY: constants.ZNOTEMPTY,
  SESSIONEXPIRED: constants.ZSESSIONEXPIRED,
  INVALIDACL: constants.ZINVALIDACL,
  AUTHFAILED: constants.ZAUTHFAILED,
  CLOSING: constants.ZCLOSING,
  SESSIONMOVED: constants.ZSESSIONMOVED,
  UNIMPLEMENTED: constants.ZUNIMPLEMENTED,
} as const;

export const ZkFlags = {
  PERSISTENT: constants.ZOO_PERSISTENT,
  EPHEMERAL: constants.ZOO_EPHEMERAL,
  PERSISTENT_SEQUENTIAL: constants.ZOO_PERSISTENT_SEQUENTIAL,
  EPHEMERAL_SEQUENTIAL: constants.ZOO_EPHEMERAL_SEQUENTIAL,
  CONTAINER: constants.ZOO_CONTAINER,
} as const;

/** See the `init` call: high enough that only the C client's own timeouts end a session. */
const NO_RESPONSE_LIMIT = 1_000_000;

/** Names of the C client's return codes (`ZNONODE`, `ZMARSHALLINGERROR`...), for messages. */
export const zkCodeNames: ReadonlyMap<number, string> = new Map(
  Object.entries(constants)
    .filter(([name, value]) => /^Z[A-Z]+$/.test(name) && typeof value === 'number')
    .map(([name, value]) => [value, name]),
);

/** Session states reported in the close event and the session pseudo-watch. */
export const ZkSessionStates = {
  EXPIRED: constants.ZOO_EXPIRED_SESSION_STATE,
  AUTH_FAILED: constants.ZOO_AUTH_FAILED_STATE,
} as const;

/** Permission bits for ACL entries. */
export const ZkPerm = {
  READ: constants.ZOO_PERM_READ,
  WRITE: constants.ZOO_PERM_WRITE,
  CREATE: constants.ZOO_PERM_CREATE,
  DELETE: constants.ZOO_PERM_DELETE,
  ADMIN: constants.ZOO_PERM_ADMIN,
  ALL: constants.ZOO_PERM_ALL,
} as const;

export interface NativeHandleEvents {
  connected(): void;
  connecting(): void;
  closed(code: number): void;
  /** A watched node changed (the default watcher: one native watch per path and kind). */
  node(event: NativeNodeEvent, path: string): void;
}

/**
 * One native session handle. `alive` turns false the moment the handle is closed (by us or by the
 * C client after an expiry); from then on every call is refused in JavaScript, never passed on.
 */
export class NativeHandle {
  private readonly zk: NativeZooKeeper;
  private readonly ops: NativeOps;
  private isAlive = true;

  constructor(connect: string, sessionTimeoutMs: number, events: NativeHandleEvents) {
    this.zk = new NativeClass();
    // The package's wrapper class formats every call's arguments with util.inspect for its logger,
    // logger or not (4 µs a call; BENCHMARKS.md): reads and writes go straight to the binding's
    // `native` object, which the wrapper forwards them to unchanged. `a_set_acl` (the wrapper
    // converts the ACL entries) and `add_auth` (rare) keep going through the wrapper.
    const native = (this.zk as unknown as { native: NativeOps }).native;
    this.ops = {
      a_create: native.a_create.bind(native),
      a_exists: native.a_exists.bind(native),
      a_get: native.a_get.bind(native),
      a_get_children2: native.a_get_children2.bind(native),
      a_set: native.a_set.bind(native),
      a_delete_: native.a_delete_.bind(native),
      a_get_acl: native.a_get_acl.bind(native),
      a_set_acl: this.zk.a_set_acl.bind(this.zk),
      add_auth: this.zk.add_auth.bind(this.zk),
    };
    this.zk.on('connect', () => events.connected());
    this.zk.on('connecting', () => events.connecting());
    this.zk.on('close', (_client, code) => {
      this.isAlive = false;
      events.closed(code);
    });
    for (const event of nativeNodeEvents)
      this.zk.on(event, (_emitter, path) => events.node(event, path));
    // debug_level 0 keeps the C client from writing its own log lines to the user's terminal.
    this.zk.init({
      connect,
      timeout: sessionTimeoutMs,
      debug_level: 0,
      host_order_deterministic: false,
      // The binding closes the handle as "expired" after this many event-loop turns in a row in
      // which the C client completed nothing (default 10). A large answer (a ~1 MB node) arrives
      // in more chunks than that and killed healthy sessions; the C client has its own timeouts.
      response_counter_limit: NO_RESPONSE_LIMIT,
    });
  }

  get alive(): boolean {
    return this.isAlive;
  }

  /** The binding's calls; callers must check {@link alive} first. */
  get raw(): NativeOps {
    return this.ops;
  }

  /** Session id as hex, or undefined before the first connection. */
  get sessionId(): string | undefined {
    if (!this.isAlive) return undefined;
    const id = this.zk.client_id;
    return id && id !== '0' ? id : undefined;
  }

  /** The session timeout the server granted, in ms. */
  get negotiatedTimeoutMs(): number {
    return this.isAlive ? this.zk.timeout : -1;
  }

  /** Closes the handle once; later calls do nothing. */
  close(): void {
    if (!this.isAlive) return;
    this.isAlive = false;
    this.zk.close();
    this.zk.removeAllListeners();
  }
}

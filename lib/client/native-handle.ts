/**
 * The native transport: the only module that loads the `zookeeper` package (an optional peer
 * dependency, loaded when `transport: 'native'` is chosen). It narrows the binding to the calls we
 * use and guards the one rule the native client imposes: a handle must never be touched after it
 * closed (the C client frees its memory and the next call segfaults the process).
 */
import { createRequire } from 'node:module';
import type { ZkAclEntry, ZkStat } from './zk-codes.js';
import { ZkCodes } from './zk-codes.js';
import type { Complete, ZkHandle, ZkHandleEvents, ZkHandleOps, ZkNodeEvent } from './zk-handle.js';

type Rc = number;

/** The subset of the binding's handle this library uses. */
interface NativeZooKeeper {
  init(config: Record<string, unknown>): unknown;
  close(): unknown;
  on(event: 'connect' | 'connecting', listener: () => void): unknown;
  on(event: 'close', listener: (client: unknown, code: number) => void): unknown;
  on(event: ZkNodeEvent, listener: (emitter: unknown, path: string) => void): unknown;
  removeAllListeners(): unknown;
  readonly client_id: string;
  readonly timeout: number;
  readonly native: NativeCalls;
  a_set_acl(path: string, version: number, acl: ZkAclEntry[], cb: (rc: Rc) => void): Rc;
  add_auth(scheme: string, auth: string, cb: (rc: Rc) => void): Rc;
}

/** The binding's own `native` object: reads and writes go straight to it (see the constructor). */
interface NativeCalls {
  a_create(
    path: string,
    data: Buffer,
    flags: number,
    cb: (rc: Rc, e: string, p: string) => void,
  ): Rc;
  a_exists(path: string, watch: boolean, cb: (rc: Rc, e: string, stat: ZkStat) => void): Rc;
  a_get(
    path: string,
    watch: boolean,
    cb: (rc: Rc, e: string, stat: ZkStat, data: Buffer | null) => void,
  ): Rc;
  a_get_children2(
    path: string,
    watch: boolean,
    cb: (rc: Rc, e: string, children: string[], stat: ZkStat) => void,
  ): Rc;
  a_set(
    path: string,
    data: Buffer,
    version: number,
    cb: (rc: Rc, e: string, s: ZkStat) => void,
  ): Rc;
  a_delete_(path: string, version: number, cb: (rc: Rc) => void): Rc;
  a_get_acl(path: string, cb: (rc: Rc, e: string, acl: ZkAclEntry[], stat: ZkStat) => void): Rc;
}

const nativeNodeEvents: readonly ZkNodeEvent[] = [
  'created',
  'deleted',
  'changed',
  'child',
  'notwatching',
];

/** See the `init` call: high enough that only the C client's own timeouts end a session. */
const NO_RESPONSE_LIMIT = 1_000_000;

let binding: (new () => NativeZooKeeper) | undefined;

/**
 * The binding, loaded on first use with `require`, so that a missing package or a missing native
 * build says how to fix it.
 */
function loadBinding(): new () => NativeZooKeeper {
  if (binding) return binding;
  try {
    binding = createRequire(import.meta.url)('zookeeper') as new () => NativeZooKeeper;
    return binding;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(
        "transport: 'native' needs the `zookeeper` package, which is not installed. Install it " +
          'with `npm install zookeeper` (it compiles a C client: it needs g++, make and python3), ' +
          "or use the default transport: 'protocol', which needs nothing more.",
        { cause: error },
      );
    }
    if (!message.includes('No native build was found')) throw error;
    throw new Error(
      `The zookeeper package's native client is not built (${message.split('\n')[0]}). ` +
        'Build it with `npm rebuild zookeeper` (it compiles the C client: it needs g++, make and ' +
        'python3, about 20 s). It is built at install unless install scripts are skipped ' +
        '(--ignore-scripts, ignore-scripts=true in .npmrc, or scripts not approved: ' +
        "`npm install-scripts approve zookeeper` after installing). Or use transport: 'protocol'.",
      { cause: error },
    );
  }
}

/**
 * One native session handle. `alive` turns false the moment the handle is closed (by us or by the
 * C client after an expiry); from then on every call is refused in JavaScript, never passed on.
 */
export class NativeHandle implements ZkHandle {
  readonly ops: ZkHandleOps;
  private readonly zk: NativeZooKeeper;
  private isAlive = true;

  constructor(connect: string, sessionTimeoutMs: number, events: ZkHandleEvents) {
    const ZooKeeper = loadBinding();
    this.zk = new ZooKeeper();
    this.ops = nativeOps(this.zk);
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

  get sessionId(): string | undefined {
    if (!this.isAlive) return undefined;
    const id = this.zk.client_id;
    return id && id !== '0' ? id : undefined;
  }

  get negotiatedTimeoutMs(): number {
    return this.isAlive ? this.zk.timeout : -1;
  }

  close(): void {
    if (!this.isAlive) return;
    this.isAlive = false;
    this.zk.close();
    this.zk.removeAllListeners();
  }
}

/**
 * The binding's calls behind the transport-neutral ops. Reads and writes go straight to the
 * binding's `native` object: the package's wrapper class formats every call's arguments with
 * util.inspect for its logger, logger or not (4 µs a call, the `hot-path` benchmark). `a_set_acl` (the
 * wrapper converts the ACL entries) and `add_auth` (rare) go through the wrapper.
 */
function nativeOps(zk: NativeZooKeeper): ZkHandleOps {
  const native = zk.native;
  const ok = <T>(done: Complete<T>, rc: Rc, value: T) =>
    rc === ZkCodes.OK ? done(rc, value) : done(rc);
  return {
    create: (path, data, flags, _acl, _ttl, done) =>
      native.a_create(path, data, flags, (rc, _e, created) => ok(done, rc, { path: created })),
    exists: (path, watch, done) =>
      native.a_exists(path, watch, (rc, _e, stat) => ok(done, rc, stat)),
    getData: (path, watch, done) =>
      native.a_get(path, watch, (rc, _e, stat, data) =>
        ok(done, rc, { data: data ?? Buffer.alloc(0), stat }),
      ),
    getChildren: (path, watch, done) =>
      native.a_get_children2(path, watch, (rc, _e, children, stat) =>
        ok(done, rc, { children: children ?? [], stat }),
      ),
    setData: (path, data, version, done) =>
      native.a_set(path, data, version, (rc, _e, stat) => ok(done, rc, stat)),
    delete: (path, version, done) => native.a_delete_(path, version, (rc) => done(rc)),
    getAcl: (path, done) =>
      native.a_get_acl(path, (rc, _e, acl, stat) => ok(done, rc, { acl, stat })),
    setAcl: (path, version, acl, done) =>
      zk.a_set_acl(
        path,
        version,
        acl.map((entry) => ({ ...entry })),
        (rc) => done(rc),
      ),
    addAuth: (scheme, credentials, done) => zk.add_auth(scheme, credentials, (rc) => done(rc)),
  };
}

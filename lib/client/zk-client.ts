import { randomBytes } from 'node:crypto';
import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import type { ZkError, ZkOperation } from './errors/zk.error.js';
import { ZkConnectError } from './errors/zk-connect.error.js';
import {
  ZkClosedError,
  ZkConnectionLossError,
  ZkNodeExistsError,
  ZkSessionExpiredError,
  ZkTimeoutError,
} from './errors/zk-operation.errors.js';
import {
  type ResolvedZkClientOptions,
  resolveZkClientOptions,
  type ZkAuth,
  type ZkClientOptions,
} from './zk-client.options.js';
import type {
  ZkClientState,
  ZkCreateMode,
  ZkCreateOptions,
  ZkRequestCounts,
  ZkSessionEvent,
  ZkWatcher,
} from './zk-client.types.js';
import { errorFromCode } from './zk-error-codes.js';
import {
  NativeHandle,
  type ZkAclEntry,
  ZkCodes,
  ZkFlags,
  ZkSessionStates,
  type ZkStat,
} from './zk-native.js';
import { warnOnceIfInheritable } from './zk-native-cloexec.js';
import { childPath } from './zk-paths.js';
import { whenOnlyNativeHandlesRemain } from './zk-process-idle.js';
import { serverAddresses, type ZkServerAddress } from './zk-serving-probe.js';
import { SessionGuard } from './zk-session-guard.js';
import { type WatchKind, WatchRegistry } from './zk-watch-registry.js';

type Raw = NativeHandle['raw'];
type Complete<T> = (rc: number, value?: T) => void;
/** The error an operation gets when its handle is dropped under it. */
type HandleDropped = (operation: ZkOperation, path: string) => ZkError;

const createFlags: Record<ZkCreateMode, number> = {
  persistent: ZkFlags.PERSISTENT,
  ephemeral: ZkFlags.EPHEMERAL,
  'persistent-sequential': ZkFlags.PERSISTENT_SEQUENTIAL,
  'ephemeral-sequential': ZkFlags.EPHEMERAL_SEQUENTIAL,
  container: ZkFlags.CONTAINER,
};

/** Prefix of protected nodes, shared with go-zookeeper (go-kit) and Curator. */
export const PROTECTED_PREFIX = '_c_';
const EMPTY = Buffer.alloc(0);

/**
 * A session-safe facade over the native `zookeeper` client: one stable object over replaceable
 * native handles. On session expiry the old handle is dropped (never touched again), a new one is
 * opened with the same credentials, and `sessions$` announces the new session so registrations and
 * watches can be restored. Every operation is time-bounded and rejects with a typed `ZkError`.
 */
export class ZkClient {
  private readonly options: ResolvedZkClientOptions;
  private readonly serverList: readonly ZkServerAddress[];
  private handle: NativeHandle | undefined;
  /**
   * The handle given up last, kept open until its successor connects: while it holds its socket's
   * fd number, the new handle's socket cannot get that number (see `SessionGuard`).
   */
  private retiring: NativeHandle | undefined;
  private readonly guard: SessionGuard;
  private stopIdleWatch: (() => void) | undefined;
  private lastSessionId: string | undefined;
  /** How to fail each operation still waiting for an answer, by the handle it was sent on. */
  private readonly inFlight = new Map<NativeHandle, Set<(failure: HandleDropped) => void>>();
  private readonly stateSubject = new BehaviorSubject<ZkClientState>('connecting');
  private readonly sessionSubject = new Subject<ZkSessionEvent>();
  private readonly watches = new WatchRegistry();
  private readonly counts: ZkRequestCounts = {
    total: 0,
    create: 0,
    delete: 0,
    exists: 0,
    getData: 0,
    setData: 0,
    getChildren: 0,
    getAcl: 0,
    setAcl: 0,
  };

  /** Connection state; replays the current state to new subscribers. */
  readonly state$: Observable<ZkClientState> = this.stateSubject.asObservable();
  /** Each new session (the first one, and each one replacing an expired session). */
  readonly sessions$: Observable<ZkSessionEvent> = this.sessionSubject.asObservable();

  constructor(options: ZkClientOptions) {
    this.options = resolveZkClientOptions(options);
    this.serverList = serverAddresses(this.options.connectString);
    this.guard = new SessionGuard(
      {
        state: () => this.state,
        sessionTimeoutMs: () => this.sessionTimeoutMs,
        renewSession: (reason) => this.renewSession('given up', reason),
      },
      this.serverList,
    );
  }

  /** Creates a client and waits for its first session; closes it again if none comes in time. */
  static async connect(options: ZkClientOptions): Promise<ZkClient> {
    const client = new ZkClient(options);
    client.start();
    try {
      await client.waitUntilConnected();
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** The ensemble's connect string, as given (normalised). */
  get servers(): string {
    return this.options.connectString;
  }

  get state(): ZkClientState {
    return this.stateSubject.value;
  }

  /** The current session id (hex), or undefined while there is none. */
  get sessionId(): string | undefined {
    return this.state === 'connected' || this.state === 'disconnected'
      ? this.lastSessionId
      : undefined;
  }

  /** The session timeout granted by the server, or the requested one before the first session. */
  get sessionTimeoutMs(): number {
    const negotiated = this.handle?.negotiatedTimeoutMs ?? -1;
    return negotiated > 0 ? negotiated : this.options.sessionTimeoutMs;
  }

  /** True when `auth` credentials are added to every session (ACLs can name their owner). */
  get hasAuth(): boolean {
    return this.options.auth.length > 0;
  }

  /** Requests sent so far, per operation. A snapshot: later requests do not change it. */
  get requestCounts(): ZkRequestCounts {
    return { ...this.counts };
  }

  /** Starts connecting in the background (idempotent). The native client retries until closed. */
  start(): void {
    if (this.handle || this.state === 'closed') return;
    this.openHandle();
    this.guard.start();
    if (!this.options.keepProcessAlive) {
      this.stopIdleWatch = whenOnlyNativeHandlesRemain(() => {
        this.options.logger.log(
          'Nothing but the ZooKeeper session keeps this process alive: closing it so the process ' +
            'can exit (set keepProcessAlive: true to keep it open)',
        );
        void this.close();
      });
    }
  }

  /**
   * Resolves once connected; rejects with `ZkConnectError` (naming the servers) after `timeoutMs`.
   * The client keeps trying after a rejection, until it is closed.
   */
  waitUntilConnected(timeoutMs = this.options.connectTimeoutMs): Promise<void> {
    this.start();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.unsubscribe();
        reject(new ZkConnectError(this.options.connectString, timeoutMs));
      }, timeoutMs);
      const subscription = this.stateSubject.subscribe((state) => {
        if (state !== 'connected' && state !== 'closed') return;
        clearTimeout(timer);
        queueMicrotask(() => subscription.unsubscribe());
        if (state === 'connected') resolve();
        else reject(new ZkClosedError('connect', ''));
      });
    });
  }

  /** Subscribes to new sessions; returns the unsubscribe function. */
  onNewSession(listener: (event: ZkSessionEvent) => void): () => void {
    const subscription = this.sessionSubject.subscribe(listener);
    return () => subscription.unsubscribe();
  }

  /** Creates a node and returns its path (with the sequence suffix for sequential modes). */
  async create(
    path: string,
    data: Buffer | string = EMPTY,
    options: ZkCreateOptions = {},
  ): Promise<string> {
    const flags = createFlags[options.mode ?? 'persistent'];
    const created = await this.call<string>('create', path, (zk, done) =>
      zk.a_create(path, toBuffer(data), flags, (rc, _err, createdPath) => done(rc, createdPath)),
    );
    const acl = options.acl ?? this.options.acl;
    if (acl) await this.setAcl(created, acl);
    return created;
  }

  /**
   * Creates `path` and any missing ancestors, empty and persistent (or `container`); existing nodes
   * are left as they are. One `exists` request when the path is already there.
   */
  async ensurePath(
    path: string,
    mode: 'persistent' | 'container' = 'persistent',
    acl?: readonly ZkAclEntry[],
  ): Promise<void> {
    if (path === '/' || (await this.exists(path))) return;
    const parts = path.split('/').filter(Boolean);
    for (let depth = 1; depth <= parts.length; depth++) {
      try {
        await this.create(`/${parts.slice(0, depth).join('/')}`, EMPTY, { mode, acl });
      } catch (error) {
        if (!(error instanceof ZkNodeExistsError)) throw error;
      }
    }
  }

  /**
   * Creates `parent/_c_<32 hex guid>-<10 digit sequence>`, ephemeral and sequential, the layout of
   * go-zookeeper and Curator. If the connection drops before the answer, the parent is listed and a
   * child carrying our guid is taken as ours, so no duplicate is ever left behind.
   */
  async createProtectedEphemeralSequential(
    parent: string,
    data: Buffer | string,
    acl?: readonly ZkAclEntry[],
  ): Promise<string> {
    const guid = randomBytes(16).toString('hex');
    const prefix = `${PROTECTED_PREFIX}${guid}-`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.create(childPath(parent, prefix), data, {
          mode: 'ephemeral-sequential',
          acl,
        });
      } catch (error) {
        if (
          !(error instanceof ZkConnectionLossError || error instanceof ZkTimeoutError) ||
          attempt >= 3
        ) {
          throw error;
        }
        await this.waitUntilConnected(this.options.operationTimeoutMs);
        const ours = (await this.getChildren(parent)).find((child) => child.startsWith(prefix));
        if (ours) return childPath(parent, ours);
      }
    }
  }

  /**
   * Stat of the node, or null when it does not exist. A watcher fires once when the node is
   * created, deleted or changed (also when it did not exist: the watch waits for it).
   */
  async exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null> {
    const stat = await this.call<ZkStat | null>('exists', path, (zk, done) =>
      zk.a_exists(path, watcher !== undefined, (rc, _err, stat) =>
        rc === ZkCodes.NONODE ? done(ZkCodes.OK, null) : done(rc, stat),
      ),
    );
    this.armed('exists', path, watcher);
    return stat;
  }

  /** The node's data and stat. A watcher fires once when the data changes or the node is deleted. */
  async getData(path: string, watcher?: ZkWatcher): Promise<{ data: Buffer; stat: ZkStat }> {
    const result = await this.call<{ data: Buffer; stat: ZkStat }>('getData', path, (zk, done) =>
      zk.a_get(path, watcher !== undefined, (rc, _err, stat, data) =>
        done(rc, { data: data ?? EMPTY, stat }),
      ),
    );
    this.armed('data', path, watcher);
    return result;
  }

  /** Replaces the node's data; `version` -1 (default) means any version. */
  setData(path: string, data: Buffer | string, version = -1): Promise<ZkStat> {
    return this.call<ZkStat>('setData', path, (zk, done) =>
      zk.a_set(path, toBuffer(data), version, (rc, _err, stat) => done(rc, stat)),
    );
  }

  /** Deletes the node; `version` -1 (default) means any version. */
  delete(path: string, version = -1): Promise<void> {
    return this.call<void>('delete', path, (zk, done) =>
      zk.a_delete_(path, version, (rc) => done(rc)),
    );
  }

  /** The node's children names. A watcher fires once when a child is added or removed. */
  async getChildren(path: string, watcher?: ZkWatcher): Promise<string[]> {
    return (await this.getChildrenWithStat(path, watcher)).children;
  }

  /** The children names and the parent's stat (its `cversion` counts child changes). */
  async getChildrenWithStat(
    path: string,
    watcher?: ZkWatcher,
  ): Promise<{ children: string[]; stat: ZkStat }> {
    const result = await this.call<{ children: string[]; stat: ZkStat }>(
      'getChildren',
      path,
      (zk, done) =>
        zk.a_get_children2(path, watcher !== undefined, (rc, _err, children, stat) =>
          done(rc, { children: children ?? [], stat }),
        ),
    );
    this.armed('children', path, watcher);
    return result;
  }

  /**
   * Removes `watcher` from every watch it holds on `path` before it fires: a consumer that goes
   * away leaves nothing behind (the native watch, one per path and kind, stays until it fires).
   */
  unwatch(path: string, watcher: ZkWatcher): void {
    this.watches.remove(path, watcher);
  }

  /** Watchers registered and not fired yet (for leak checks). */
  get watcherCount(): number {
    return this.watches.size;
  }

  /** Subscribers of `state$` and `sessions$` (for leak checks). */
  get subscriberCount(): number {
    return this.stateSubject.observers.length + this.sessionSubject.observers.length;
  }

  getAcl(path: string): Promise<ZkAclEntry[]> {
    return this.call<ZkAclEntry[]>('getAcl', path, (zk, done) =>
      zk.a_get_acl(path, (rc, _err, acl) => done(rc, acl)),
    );
  }

  setAcl(path: string, acl: readonly ZkAclEntry[], version = -1): Promise<void> {
    return this.call<void>('setAcl', path, (zk, done) =>
      zk.a_set_acl(
        path,
        version,
        acl.map((entry) => ({ ...entry })),
        (rc) => done(rc),
      ),
    );
  }

  /**
   * Closes the session (its ephemeral nodes go at once) and the client. Idempotent and bounded:
   * the native close only flushes the close request, it does not wait for an answer.
   */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    this.guard.stop();
    this.stopIdleWatch?.();
    this.retiring?.close();
    this.retiring = undefined;
    this.failInFlight(this.handle, (operation, path) => new ZkClosedError(operation, path));
    this.handle?.close();
    this.handle = undefined;
    this.watches.clear();
    this.stateSubject.complete();
    this.sessionSubject.complete();
  }

  private openHandle(): void {
    const handle: NativeHandle = new NativeHandle(
      this.options.connectString,
      this.options.sessionTimeoutMs,
      {
        connected: () => this.handle === handle && this.onConnected(handle),
        connecting: () => this.handle === handle && this.onConnectionLost(),
        closed: (code) => this.handle === handle && this.onHandleClosed(code),
        node: (event, path) => this.handle === handle && this.watches.dispatch(event, path),
      },
    );
    this.handle = handle;
    this.guard.handleOpened();
    for (const auth of this.options.auth) this.addAuth(handle, auth);
  }

  /** Queued by the C client before the handshake, and re-sent by it on every reconnect. */
  private addAuth(handle: NativeHandle, { scheme, credentials }: ZkAuth): void {
    handle.raw.add_auth(scheme, credentials, (rc) => {
      // A lost connection is not a rejection: the C client sends the credentials again on the
      // next connection. Only an authentication failure is worth a line.
      if (rc === ZkCodes.AUTHFAILED && this.handle === handle) {
        this.options.logger.error(
          `ZooKeeper rejected the ${scheme} credentials (code ${rc}); check the \`auth\` option.`,
        );
      }
    });
  }

  private onConnected(handle: NativeHandle): void {
    const sessionId = handle.sessionId ?? '';
    const previous = this.lastSessionId;
    const isNew = sessionId !== previous;
    this.lastSessionId = sessionId;
    this.retiring?.close();
    this.retiring = undefined;
    this.guard.connected();
    warnOnceIfInheritable(new Set(this.serverList.map((server) => server.port)), (message) =>
      this.options.logger.warn(message),
    );
    this.setState('connected');
    if (isNew) {
      this.options.logger.log(
        `ZooKeeper session 0x${sessionId} established with ${this.options.connectString}`,
      );
      this.sessionSubject.next(
        previous ? { sessionId, previousSessionId: previous } : { sessionId },
      );
    }
  }

  private onConnectionLost(): void {
    if (this.state !== 'connected') return;
    this.guard.connectionLost();
    this.setState('disconnected');
    this.options.logger.warn(
      `ZooKeeper connection lost (session 0x${this.lastSessionId}); reconnecting`,
    );
    // Nothing drastic: the session may well be alive (a server restart, a quorum loss: a new
    // leader renews every session). Whether it expired is learnt when the native client gets
    // through again; consumers see `disconnected` (stale) meanwhile.
  }

  private onHandleClosed(code: number): void {
    if (code === ZkSessionStates.EXPIRED) {
      this.renewSession('expired', 'the server expired it');
    } else if (code === ZkSessionStates.AUTH_FAILED) {
      this.options.logger.error(
        'ZooKeeper authentication failed; check the `auth` option. Opening a new session.',
      );
      this.renewSession('expired', 'authentication failed');
    }
  }

  /**
   * Leaves the current handle for good and opens a new session with the same auth: after an
   * expiry (the handle is already closed), or when the guard gives up a handle that cannot get
   * back. Subscribers see `expired`, then `connecting`, then a new session on `sessions$`.
   */
  private renewSession(what: 'expired' | 'given up', reason: string): void {
    if (this.state === 'closed') return;
    // A handle still `connecting` never had a session of its own.
    const which =
      this.state === 'connecting' ? 'connection attempt' : `session 0x${this.lastSessionId}`;
    this.options.logger.warn(`ZooKeeper ${which} ${what} (${reason}); opening a new session`);
    const old = this.handle;
    this.failInFlight(
      old,
      (operation, path) => new ZkSessionExpiredError(operation, path, ZkCodes.SESSIONEXPIRED),
    );
    // The watches died with the session; their owners re-read on `sessions$`.
    this.watches.clear();
    this.setState('expired');
    this.retiring?.close();
    this.retiring = old;
    this.openHandle();
    this.setState('connecting');
  }

  /**
   * Fails every operation still waiting on `handle` at once, instead of leaving it to its timeout:
   * a handle we leave will never answer them.
   */
  private failInFlight(handle: NativeHandle | undefined, failure: HandleDropped): void {
    if (!handle) return;
    const pending = this.inFlight.get(handle);
    this.inFlight.delete(handle);
    for (const fail of pending ?? []) fail(failure);
  }

  private setState(state: ZkClientState): void {
    if (this.stateSubject.value !== state && !this.stateSubject.closed)
      this.stateSubject.next(state);
  }

  /**
   * Registers a watcher once its read succeeded: ZooKeeper delivers a watch event after the answer
   * of the read that armed it, so nothing can be missed in between.
   */
  private armed(kind: WatchKind, path: string, watcher: ZkWatcher | undefined): void {
    if (watcher && this.state !== 'closed') this.watches.add(kind, path, watcher);
  }

  /**
   * Runs one native operation with a deadline. The handle is checked first: a closed native handle
   * must never be called (it segfaults), so a dead handle turns into a typed error here.
   */
  private call<T>(
    operation: ZkOperation,
    path: string,
    invoke: (zk: Raw, done: Complete<T>) => number,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const handle = this.handle;
      if (!handle?.alive || this.state === 'closed') {
        reject(new ZkClosedError(operation, path));
        return;
      }
      this.counts.total++;
      this.counts[operation as Exclude<ZkOperation, 'connect' | 'addAuth'>]++;
      let settled = false;
      const timeoutMs = this.options.operationTimeoutMs;
      const timer = setTimeout(
        () => finish(undefined, new ZkTimeoutError(operation, path, timeoutMs)),
        timeoutMs,
      );
      let pending = this.inFlight.get(handle);
      if (!pending) {
        pending = new Set();
        this.inFlight.set(handle, pending);
      }
      const onDropped = (failure: HandleDropped) => finish(undefined, failure(operation, path));
      pending.add(onDropped);
      const finish = (value: T | undefined, error?: ZkError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        pending.delete(onDropped);
        if (error) reject(error);
        else resolve(value as T);
      };
      const done: Complete<T> = (rc, value) =>
        rc === ZkCodes.OK
          ? finish(value)
          : finish(undefined, this.errorFor(operation, path, rc, handle));
      const rc = invoke(handle.raw, done);
      if (rc !== ZkCodes.OK) finish(undefined, this.errorFor(operation, path, rc, handle));
    });
  }

  /** A handle closed under an operation means the client closed, or the session expired. */
  private errorFor(
    operation: ZkOperation,
    path: string,
    rc: number,
    handle: NativeHandle,
  ): ZkError {
    if (
      (rc === ZkCodes.CLOSING || rc === ZkCodes.INVALIDSTATE) &&
      this.state !== 'closed' &&
      handle !== this.handle
    ) {
      return new ZkSessionExpiredError(operation, path, rc);
    }
    return errorFromCode(operation, path, rc);
  }
}

function toBuffer(data: Buffer | string): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

import { ClientWatches } from './client-watches.js';
import { createNode } from './create-node.js';
import { type ConnectingClient, reportSlowConnect, waitForSession } from './first-session.js';
import type { Unsubscribe } from './listeners.js';
import { whenOnlyZooKeeperRemains } from './process-idle.js';
import { createProtectedEphemeralSequential, ensurePath } from './protected-nodes.js';
import {
  type ResolvedZkClientOptions,
  resolveZkClientOptions,
  type ZkClientOptions,
  type ZkTransport,
} from './zk-client.options.js';
import type {
  ZkAddWatchMode,
  ZkClientInfo,
  ZkClientState,
  ZkCreateOptions,
  ZkMultiOp,
  ZkMultiResult,
  ZkRequestCounts,
  ZkSessionEvent,
  ZkWatcher,
} from './zk-client.types.js';
import { type ZkAclEntry, ZkCodes, type ZkStat } from './zk-codes.js';
import type { MultiResult, ZkCreated } from './zk-handle.js';
import { fromMultiResults, toBuffer, toMultiOps } from './zk-multi.js';
import { ZkRequests } from './zk-requests.js';
import { serverAddresses, type ZkServerAddress } from './zk-server-address.js';
import { ZkSession } from './zk-session.js';

const EMPTY = Buffer.alloc(0);

/**
 * A session-safe ZooKeeper client: one stable object over replaceable session handles of either
 * transport (our protocol client, or the native binding). On session expiry the old handle is
 * dropped (never touched again), a new one is opened with the same credentials, and
 * `subscribeSessions` listeners hear of the new session so registrations and watches can be
 * restored. Every operation is time-bounded and rejects with a typed `ZkError`.
 */
export class ZkClient {
  private readonly options: ResolvedZkClientOptions;
  private readonly session: ZkSession;
  private readonly watches: ClientWatches;
  private readonly requests: ZkRequests;
  private stopIdleWatch: (() => void) | undefined;
  private stopSlowConnectReport: (() => void) | undefined;
  private readonly addresses: readonly ZkServerAddress[];

  constructor(options: ZkClientOptions) {
    this.options = resolveZkClientOptions(options);
    this.addresses = serverAddresses(this.options.connectString);
    this.session = new ZkSession(this.options, this.addresses, {
      nodeEvent: (event, path) => this.watches.dispatch(event, path),
      handleLeft: (handle, failure) => {
        this.requests.failAll(handle, failure);
        this.watches.clear();
      },
    });
    this.requests = new ZkRequests(this.options.operationTimeoutMs, this.options.transport, () => ({
      handle: this.session.current,
      closed: this.state === 'closed',
    }));
    this.watches = new ClientWatches(this.requests, () => this.state === 'closed');
  }

  /** Creates a client and waits for its first session; closes it again if none comes in time. */
  static async connect(options: ZkClientOptions): Promise<ZkClient> {
    const client = new ZkClient(options);
    client.open();
    try {
      await client.waitUntilConnected();
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /**
   * Calls `listener` at once with the connection state, then on each change, until `closed` (the
   * last call) or the returned function is called. A listener that throws is logged.
   */
  subscribeState(listener: (state: ZkClientState) => void): Unsubscribe {
    return this.session.subscribeState(listener);
  }

  /**
   * Calls `listener` on each new session: the first one, and each one replacing an expired or
   * given-up session (`previousSessionId` set; its watches and ephemeral nodes are gone).
   */
  subscribeSessions(listener: (event: ZkSessionEvent) => void): Unsubscribe {
    return this.session.subscribeSessions(listener);
  }

  /** The ensemble's connect string, as given (normalised). */
  get servers(): string {
    return this.options.connectString;
  }

  get state(): ZkClientState {
    return this.session.state;
  }

  /** The current session id (hex), or undefined while there is none. */
  get sessionId(): string | undefined {
    return this.session.sessionId;
  }

  /** The session timeout granted by the server, or the requested one before the first session. */
  get sessionTimeoutMs(): number {
    return this.session.sessionTimeoutMs;
  }

  /** Which transport speaks to ZooKeeper. */
  get transport(): ZkTransport {
    return this.options.transport;
  }

  /** True when `auth` credentials are added to every session (ACLs can name their owner). */
  get hasAuth(): boolean {
    return this.options.auth.length > 0;
  }

  /** Requests sent so far, per operation. A snapshot: later requests do not change it. */
  get requestCounts(): ZkRequestCounts {
    return this.requests.sent;
  }

  /**
   * Starts connecting in the background (idempotent). The native client retries until closed.
   * While no first session comes, a warning names the servers and what each does after
   * `connectTimeoutMs`, then at doubling intervals up to a minute.
   */
  start(): void {
    if (!this.open()) return;
    this.stopSlowConnectReport = reportSlowConnect(this.connecting, this.options.connectTimeoutMs);
  }

  /**
   * Resolves once connected. Rejects with a `ZkConnectError` saying what each server did
   * (`ZkHostNotFoundError` at once when no host resolves, `ZkConnectionRefusedError` when all of
   * them refuse) after `timeoutMs`, plus at most a second to check them. The client keeps trying
   * after a rejection, until it is closed.
   */
  waitUntilConnected(timeoutMs = this.options.connectTimeoutMs): Promise<void> {
    this.open();
    return waitForSession(this.connecting, timeoutMs);
  }

  /** This client as `waitForSession` and `reportSlowConnect` see it. */
  private get connecting(): ConnectingClient {
    return {
      connectString: this.options.connectString,
      tls: this.options.tls,
      addresses: this.addresses,
      logger: this.options.logger,
      subscribeState: (listener) => this.subscribeState(listener),
      state: () => this.state,
    };
  }

  /** Opens the first handle (idempotent); also watches for a process kept alive by it alone. */
  private open(): boolean {
    if (!this.session.open()) return false;
    if (!this.options.keepProcessAlive) {
      this.stopIdleWatch = whenOnlyZooKeeperRemains(
        () => {
          this.options.logger.log(
            'Nothing but the ZooKeeper session keeps this process alive: closing it so the process ' +
              'can exit (set keepProcessAlive: true to keep it open)',
          );
          void this.close();
        },
        () => this.requests.waitingCount > 0,
      );
    }
    return true;
  }

  /**
   * Creates a node and returns its path (with the sequence suffix for sequential modes), with its
   * ACL (the option's, else the client's) in the same request. The native transport cannot send
   * an ACL with a create: it sets it right after, tamper-evidently (`createSecured`).
   */
  async create(
    path: string,
    data: Buffer | string = EMPTY,
    options: ZkCreateOptions = {},
  ): Promise<string> {
    return (await this.createWithStat(path, data, options)).path;
  }

  /**
   * As {@link create}, and also returns the new node's stat (protocol transport; the native one
   * returns no stat).
   */
  createWithStat(
    path: string,
    data: Buffer | string = EMPTY,
    options: ZkCreateOptions = {},
  ): Promise<ZkCreated> {
    return createNode(this.requests, this, this.options, path, toBuffer(data), options);
  }

  /**
   * Creates `path` and any missing ancestors, empty and persistent (or `container`); existing nodes
   * are left as they are. One `exists` request when the path is already there.
   */
  ensurePath(
    path: string,
    mode: 'persistent' | 'container' = 'persistent',
    acl?: readonly ZkAclEntry[],
  ): Promise<void> {
    return ensurePath(this, path, mode, acl);
  }

  /**
   * Creates `parent/_c_<32 hex guid>-<10 digit sequence>`, ephemeral and sequential, the layout of
   * go-zookeeper and Curator. If the connection drops before the answer, the parent is listed and a
   * child carrying our guid is taken as ours, so no duplicate is ever left behind.
   */
  createProtectedEphemeralSequential(
    parent: string,
    data: Buffer | string,
    acl?: readonly ZkAclEntry[],
  ): Promise<string> {
    return createProtectedEphemeralSequential(
      this,
      parent,
      data,
      acl,
      this.options.operationTimeoutMs,
    );
  }

  /**
   * Stat of the node, or null when it does not exist. A watcher fires once when the node is
   * created, deleted or changed (also when it did not exist: the watch waits for it).
   */
  exists(path: string, watcher?: ZkWatcher): Promise<ZkStat | null> {
    return this.requests.run<ZkStat | null>(
      'exists',
      path,
      (zk, done) =>
        zk.exists(path, watcher !== undefined, (rc, stat) =>
          rc === ZkCodes.NONODE ? done(ZkCodes.OK, null) : done(rc, stat),
        ),
      () => this.watches.armed('exists', path, watcher),
    );
  }

  /** The node's data and stat. A watcher fires once when the data changes or the node is deleted. */
  getData(path: string, watcher?: ZkWatcher): Promise<{ data: Buffer; stat: ZkStat }> {
    return this.requests.run<{ data: Buffer; stat: ZkStat }>(
      'getData',
      path,
      (zk, done) => zk.getData(path, watcher !== undefined, done),
      () => this.watches.armed('data', path, watcher),
    );
  }

  /** Replaces the node's data; `version` -1 (default) means any version. */
  setData(path: string, data: Buffer | string, version = -1): Promise<ZkStat> {
    return this.requests.run<ZkStat>('setData', path, (zk, done) =>
      zk.setData(path, toBuffer(data), version, done),
    );
  }

  /** Deletes the node; `version` -1 (default) means any version. */
  delete(path: string, version = -1): Promise<void> {
    return this.requests.run<void>('delete', path, (zk, done) => zk.delete(path, version, done));
  }

  /** The node's children names. A watcher fires once when a child is added or removed. */
  getChildren(path: string, watcher?: ZkWatcher): Promise<string[]> {
    return this.readChildren(path, watcher, (children) => children);
  }

  /** The children names and the parent's stat (its `cversion` counts child changes). */
  getChildrenWithStat(
    path: string,
    watcher?: ZkWatcher,
  ): Promise<{ children: string[]; stat: ZkStat }> {
    return this.readChildren(path, watcher, (children, stat) => ({ children, stat }));
  }

  /** One children read (`get_children2`; the `floor` benchmark compares it), its answer shaped by `shape`. */
  private readChildren<T>(
    path: string,
    watcher: ZkWatcher | undefined,
    shape: (children: string[], stat: ZkStat) => T,
  ): Promise<T> {
    return this.requests.run<T>(
      'getChildren',
      path,
      (zk, done) =>
        zk.getChildren(path, watcher !== undefined, (rc, value) =>
          done(rc, value && shape(value.children, value.stat)),
        ),
      () => this.watches.armed('children', path, watcher),
    );
  }

  /**
   * Removes `watcher` from every watch it holds on `path` before it fires: a consumer that goes
   * away leaves nothing behind (the native watch, one per path and kind, stays until it fires).
   */
  unwatch(path: string, watcher: ZkWatcher): void {
    this.watches.unwatch(path, watcher);
  }

  /** Watchers registered and not fired yet (for leak checks). */
  get watcherCount(): number {
    return this.watches.oneShotCount;
  }

  /** Listeners of `subscribeState` and `subscribeSessions` (for leak checks). */
  get subscriberCount(): number {
    return this.session.subscriberCount;
  }

  getAcl(path: string): Promise<ZkAclEntry[]> {
    return this.requests.run<ZkAclEntry[]>('getAcl', path, (zk, done) =>
      zk.getAcl(path, (rc, value) => done(rc, value?.acl)),
    );
  }

  setAcl(path: string, acl: readonly ZkAclEntry[], version = -1): Promise<void> {
    return this.requests.run<void>('setAcl', path, (zk, done) =>
      zk.setAcl(path, version, acl, done),
    );
  }

  /**
   * Runs `ops` as one transaction: all are applied, or none. Resolves with each operation's
   * result; rejects with a `ZkMultiError` naming the operation that failed and its typed error.
   * Creates carry their ACL (the op's, else the client's). Protocol transport only.
   */
  async multi(ops: readonly ZkMultiOp[]): Promise<ZkMultiResult[]> {
    const path = ops[0]?.path ?? '';
    const sent = toMultiOps(ops, this.options.acl);
    const results = await this.requests.runOptional<MultiResult[]>('multi', path, (zk, done) =>
      zk.multi?.(sent, done),
    );
    const outcome = fromMultiResults(ops, results);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Adds a persistent watch (ZooKeeper 3.6+, protocol transport): `watcher` is called for every
   * change of `path` (`persistent`: its data, its children list, its creation and deletion), or
   * of `path` and every node below it (`persistentRecursive`: created, deleted, changed; no
   * children events), until {@link removeWatch}. Like every watch, it does not outlive its session:
   * after a new session (`subscribeSessions`), add it again. Resolves once the server holds it.
   */
  addWatch(path: string, mode: ZkAddWatchMode, watcher: ZkWatcher): Promise<void> {
    return this.watches.add(path, mode, watcher);
  }

  /**
   * Removes `watcher`'s persistent watches on `path`; the server's once no watcher is left. A
   * server before 3.9 removes a persistent watch only together with every other watch of the
   * path: that is done when this client watches nothing else there; otherwise the watch stays
   * until the session ends, and its events are ignored.
   */
  removeWatch(path: string, watcher: ZkWatcher): Promise<void> {
    return this.watches.remove(path, watcher);
  }

  /** Paths of this session's ephemeral nodes under `prefix` (ZooKeeper 3.6+, protocol transport). */
  getEphemerals(prefix = '/'): Promise<string[]> {
    return this.requests.runOptional('getEphemerals', prefix, (zk, done) =>
      zk.getEphemerals?.(prefix, done),
    );
  }

  /** The identities this session is authenticated as (ZooKeeper 3.9+, protocol transport). */
  whoAmI(): Promise<ZkClientInfo[]> {
    return this.requests.runOptional('whoAmI', '', (zk, done) => zk.whoAmI?.(done));
  }

  /** Persistent watchers registered (for leak checks). */
  get persistentWatcherCount(): number {
    return this.watches.persistentCount;
  }

  /**
   * Closes the session (its ephemeral nodes go at once) and the client. Idempotent and bounded:
   * the native close only flushes the close request, it does not wait for an answer.
   */
  async close(): Promise<void> {
    this.stopIdleWatch?.();
    this.stopSlowConnectReport?.();
    this.session.close();
  }
}

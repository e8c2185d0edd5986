import { ZkNoNodeError } from '../../client/errors/zk-operation.errors.js';
import type { Unsubscribe } from '../../client/listeners.js';
import type { ZkClient } from '../../client/zk-client.js';
import type { ZkWatchEvent, ZkWatcher } from '../../client/zk-client.types.js';
import { consoleLogger, type ZkLogger } from '../../client/zk-logger.js';
import { childPath } from '../../client/znode-paths.js';
import {
  type BackoffFunction,
  type BackoffOptions,
  exponentialBackoff,
  REREAD_BACKOFF,
} from '../backoff.js';
import { type InstanceDecoder, instanceDecoder } from '../formats/instance-decoder.js';
import type { InstancerSnapshot, InstanceSource, ServiceInstance } from '../service-instance.js';
import { validateZnodePath } from '../service-validation.js';
import { ChildDecoder, NO_DATA } from './child-decoder.js';
import { InstanceList } from './instance-list.js';
import { SnapshotPublisher } from './snapshot-publisher.js';
import { isTreeWatchUnsupported, treeWatchesUnsupported } from './tree-watch-support.js';

export interface InstancerOptions {
  /**
   * Turns each child node into an instance. @default `instanceDecoder()`: each node's format is
   * recognised (go-kit text, Curator, Spring Cloud Zookeeper and Finagle JSON, Dubbo names)
   */
  decode?: InstanceDecoder;
  /**
   * With the default decoder: keep Spring instances that are not `UP`, Finagle members that are
   * not `ALIVE`, disabled Dubbo providers. @default false
   */
  includeNotUp?: boolean;
  /**
   * Waits before re-reading after failures. @default `{ initialMs: 100, maxMs: 5000, factor: 2,
   * jitter: false }`
   */
  backoff?: BackoffOptions;
  /** @default a logger printing warnings and errors to the console */
  logger?: ZkLogger;
}

/** What the instancer holds for one child: its bytes, and the decoded instance if it decodes. */
interface ChildEntry {
  raw: Buffer;
  instance: ServiceInstance | undefined;
  /** Nothing to read: our data watch on it is armed, or it is decoded from its name alone. */
  current: boolean;
  /** Its data watcher (one function per child, so it can be removed); none when read by name. */
  watcher: ZkWatcher | undefined;
  /** The child's name (its key in `children`). */
  name: string;
  /** In the last list of decoded instances (kept by `list`). */
  listed: boolean;
}

/**
 * Watches one path and publishes the instances registered under it (go-kit's `zk.Instancer`
 * without its defects). Where the client has them (ZooKeeper 3.6+, protocol transport), one
 * persistent recursive watch on the path: a new child costs one read of that child (none when
 * the decoder reads it from its name: Dubbo providers), a deleted one none, and the children list
 * is read only at start, after a reconnect and on a new session (persistent watches do not replay
 * what was missed: list again and diff). Elsewhere, one-shot watches: a change reads the children
 * once and fetches data only for added children, all at once. A failure, a missing path, a
 * disconnect or an expiry produce a stale or error snapshot and a re-arm with capped backoff; it
 * never stops watching until closed.
 */
export class Instancer implements InstanceSource {
  readonly path: string;
  private readonly decoder: ChildDecoder;
  private readonly logger: ZkLogger;
  private readonly backoff: BackoffFunction;
  /** Changed only through `setChild`, `deleteChild` and `clearChildren`, which keep `list`. */
  private readonly children = new Map<string, ChildEntry>();
  /** The decoded instances, sorted by id, as last published plus the changes since. */
  private readonly list = new InstanceList<ChildEntry>();
  private readonly subscriptions: Unsubscribe[] = [];
  private readonly snapshots: SnapshotPublisher;
  private childrenWatched = false;
  /** The children list must be read again (first sync, children event, failure, new session). */
  private childrenDirty = true;
  /** The persistent recursive watch: undecided until tried, then in use or not available. */
  private treeWatch: 'untried' | 'armed' | 'unarmed' | 'unavailable' = 'untried';
  /** Children whose events came through the tree watch: read again, or dropped (`deleted`). */
  private readonly changedChildren = new Map<string, 'read' | 'deleted'>();
  private existsWatched = false;
  private syncing = false;
  private syncAgain = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Watches (children or exists) armed on the path so far. */
  private watchArms = 0;

  constructor(
    private readonly client: ZkClient,
    path: string,
    options: InstancerOptions = {},
  ) {
    this.path = validateZnodePath(path, 'instancer path');
    this.logger = options.logger ?? consoleLogger('Instancer');
    const decode = options.decode ?? instanceDecoder({ includeNotUp: options.includeNotUp });
    this.decoder = new ChildDecoder(decode, this.logger);
    this.snapshots = new SnapshotPublisher(this.path, this.logger);
    this.backoff = exponentialBackoff({ ...REREAD_BACKOFF, ...options.backoff });
    this.subscriptions.push(
      client.subscribeState((state) => {
        if (state === 'connected') this.markFresh();
        else if (state !== 'closed') this.snapshots.markStale();
      }),
      client.subscribeSessions(() => this.resyncAfterNewSession()),
    );
    this.requestSync();
  }

  get snapshot(): InstancerSnapshot | undefined {
    return this.snapshots.current;
  }

  /**
   * Watches set again on the path after the first one: after each change event, each failed read
   * and each new session (read-only; for metrics).
   */
  get watchRearms(): number {
    return Math.max(0, this.watchArms - 1);
  }

  subscribe(listener: (snapshot: InstancerSnapshot) => void): Unsubscribe {
    return this.snapshots.subscribe(listener);
  }

  /**
   * Resolves with the first snapshot (instances or an error), or with undefined after `timeoutMs`.
   */
  firstSnapshot(timeoutMs: number): Promise<InstancerSnapshot | undefined> {
    if (this.snapshots.current) return Promise.resolve(this.snapshots.current);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(undefined);
      }, timeoutMs);
      const unsubscribe = this.subscribe((snapshot) => {
        clearTimeout(timer);
        queueMicrotask(unsubscribe);
        resolve(snapshot);
      });
    });
  }

  /** Stops watching. Watches already registered in ZooKeeper fire once more and are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.snapshots.clear();
    // Leave nothing behind in the client: watches that have not fired are removed.
    this.client.unwatch(this.path, this.onChildrenEvent);
    this.client.unwatch(this.path, this.onExistsEvent);
    if (this.treeWatch === 'armed') {
      this.client.removeWatch(this.path, this.onTreeEvent).catch(() => {
        // The session is gone or closing: the watch went with it.
      });
    }
    for (const [name, entry] of this.children) this.unwatchChild(name, entry);
    this.children.clear();
  }

  private requestSync(): void {
    if (this.closed) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    void this.sync().finally(() => {
      this.syncing = false;
      if (this.syncAgain) {
        this.syncAgain = false;
        this.requestSync();
      }
    });
  }

  private async sync(): Promise<void> {
    try {
      await this.armTreeWatch();
      if (this.closed) return;
      if (!this.childrenDirty && this.changedChildren.size > 0) {
        await this.applyChildEvents();
        if (this.closed) return;
        this.publish(this.list.instances(), undefined);
        this.failures = 0;
        return;
      }
      this.changedChildren.clear();
      const names = this.childrenDirty ? await this.readChildren() : [...this.children.keys()];
      if (this.closed) return;
      if (names === undefined) this.clearChildren();
      else await this.applyChildren(names);
      if (this.closed) return;
      this.publish(this.list.instances(), undefined);
      this.failures = 0;
    } catch (error) {
      if (this.closed) return;
      this.childrenDirty = true;
      this.onSyncFailure(error as Error);
    }
  }

  /**
   * Whether this instancer follows the path with the tree watch: armed, or to be armed again on
   * the new session by the next sync (a sync in flight then reads without one-shot watches).
   */
  private get onTreeWatch(): boolean {
    return this.treeWatch === 'armed' || this.treeWatch === 'unarmed';
  }

  /**
   * Arms the persistent recursive watch once (again after a new session), where the client has
   * them; falls back to one-shot watches for good where it does not.
   */
  private async armTreeWatch(): Promise<void> {
    if (this.treeWatch === 'armed' || this.treeWatch === 'unavailable') return;
    if (treeWatchesUnsupported(this.client)) {
      this.treeWatch = 'unavailable';
      return;
    }
    try {
      await this.client.addWatch(this.path, 'persistentRecursive', this.onTreeEvent);
      this.treeWatch = 'armed';
      this.watchArms++;
      // What changed before the watch was in place is known only from a list read after it.
      this.childrenDirty = true;
    } catch (error) {
      if (!isTreeWatchUnsupported(this.client, error, this.logger)) throw error;
      this.treeWatch = 'unavailable';
    }
  }

  /** The children names, arming the children watch; undefined when the path does not exist. */
  private async readChildren(): Promise<string[] | undefined> {
    this.childrenDirty = false;
    // The tree watch sees the path's children come and go, and the path itself appear.
    if (this.onTreeWatch) {
      try {
        return await this.client.getChildren(this.path);
      } catch (error) {
        if (error instanceof ZkNoNodeError) return undefined;
        throw error;
      }
    }
    try {
      const watcher = this.childrenWatched ? undefined : this.onChildrenEvent;
      const names = await this.client.getChildren(this.path, watcher);
      if (watcher) this.childrenWatched = true;
      if (watcher) this.watchArms++;
      return names;
    } catch (error) {
      if (!(error instanceof ZkNoNodeError)) throw error;
    }
    // The path is missing: wait for it with an exists watch (armed once), unless it just appeared.
    const watcher = this.existsWatched ? undefined : this.onExistsEvent;
    const stat = await this.client.exists(this.path, watcher);
    if (watcher) this.existsWatched = true;
    if (watcher) this.watchArms++;
    if (stat) {
      this.childrenDirty = true;
      this.syncAgain = true;
    }
    return undefined;
  }

  /**
   * Drops removed children, decodes added ones read by name, and reads the data of the other
   * added ones, all requests in flight at once.
   */
  private async applyChildren(names: string[]): Promise<void> {
    const present = new Set(names);
    for (const [name, entry] of this.children) {
      if (present.has(name)) continue;
      this.unwatchChild(name, entry);
      this.deleteChild(name);
    }
    const toRead: string[] = [];
    for (const name of names) {
      if (this.children.get(name)?.current) continue;
      if (this.decoder.fromName(name)) this.addNamedChild(name);
      else toRead.push(name);
    }
    await Promise.all(toRead.map((name) => this.readChild(name)));
  }

  /** The children the tree watch reported since the last sync: dropped, or read, all at once. */
  private async applyChildEvents(): Promise<void> {
    const changes = [...this.changedChildren];
    this.changedChildren.clear();
    const toRead: string[] = [];
    for (const [name, change] of changes) {
      if (change === 'deleted') this.deleteChild(name);
      else if (this.decoder.fromName(name)) {
        if (!this.children.has(name)) this.addNamedChild(name);
      } else toRead.push(name);
    }
    await Promise.all(toRead.map((name) => this.readChild(name)));
  }

  /** A child whose name is the whole registration (Dubbo): decoded once, never read. */
  private addNamedChild(name: string): void {
    const instance = this.decoder.instance(name, this.childPath(name), NO_DATA);
    this.setChild({
      raw: NO_DATA,
      instance,
      current: true,
      watcher: undefined,
      name,
      listed: false,
    });
  }

  private unwatchChild(name: string, entry: ChildEntry): void {
    if (entry.watcher) this.client.unwatch(this.childPath(name), entry.watcher);
  }

  private async readChild(name: string): Promise<void> {
    const path = this.childPath(name);
    // Under the tree watch a child needs no watch of its own.
    const watcher = this.onTreeWatch
      ? undefined
      : (this.children.get(name)?.watcher ??
        ((event: ZkWatchEvent) => this.onChildDataEvent(name, event)));
    try {
      const { data } = await this.client.getData(path, watcher);
      const instance = this.decoder.instance(name, path, data);
      this.setChild({ raw: data, instance, current: true, watcher, name, listed: false });
    } catch (error) {
      // Removed between the children read and this read: the next children event drops it.
      if (error instanceof ZkNoNodeError) this.deleteChild(name);
      else throw error;
    }
  }

  private setChild(entry: ChildEntry): void {
    const previous = this.children.get(entry.name);
    if (previous) this.list.remove(previous);
    this.children.set(entry.name, entry);
    this.list.add(entry);
  }

  private deleteChild(name: string): void {
    const entry = this.children.get(name);
    if (!entry) return;
    this.list.remove(entry);
    this.children.delete(name);
  }

  private clearChildren(): void {
    this.children.clear();
    this.list.clear();
  }

  private readonly onChildrenEvent = (): void => {
    this.childrenWatched = false;
    this.childrenDirty = true;
    this.requestSync();
  };

  private readonly onExistsEvent = (): void => {
    this.existsWatched = false;
    this.childrenDirty = true;
    this.requestSync();
  };

  /**
   * An event of the tree watch. Only the path itself and its direct children matter; events of
   * deeper nodes are ignored before any allocation.
   */
  private readonly onTreeEvent = (event: ZkWatchEvent): void => {
    if (this.closed) return;
    const { path } = event;
    const base = this.path.length === 1 ? 0 : this.path.length;
    if (path === this.path) {
      // The path appeared or went away: list it (its data changing is nothing to us).
      if (event.type === 'changed') return;
      this.childrenDirty = true;
    } else {
      if (path.indexOf('/', base + 1) !== -1) return;
      const name = path.slice(base + 1);
      if (event.type === 'deleted') {
        // Dropped at once, as the one-shot mode does on the child's own NodeDeleted. Nothing to
        // read: only a sync in flight (which may have listed it) must hear of it.
        this.deleteChild(name);
        if (!this.syncing) {
          this.publish(this.list.instances(), undefined);
          return;
        }
        this.changedChildren.set(name, 'deleted');
      } else if (event.type === 'created' || event.type === 'changed') {
        const entry = this.children.get(name);
        if (entry) entry.current = false;
        this.changedChildren.set(name, 'read');
      } else return;
    }
    this.requestSync();
  };

  private onChildDataEvent(name: string, event: ZkWatchEvent): void {
    if (this.closed) return;
    const entry = this.children.get(name);
    if (!entry) return;
    entry.current = false;
    if (event.type === 'deleted') {
      // The instance left. The server sends the child's own NodeDeleted before its parent's
      // NodeChildrenChanged: drop it now rather than after the children read that event starts
      // (which still comes, re-arms the children watch and confirms the set).
      this.deleteChild(name);
      if (!this.syncing) this.publish(this.list.instances(), undefined);
    } else if (event.type === 'changed') {
      this.requestSync();
    }
  }

  private onSyncFailure(error: Error): void {
    this.failures++;
    const delay = this.backoff(this.failures);
    this.publish(this.snapshots.current?.instances ?? [], error);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.requestSync(), delay);
    this.retryTimer.unref();
  }

  /** A new session: every watch died with the old one; read everything again. */
  private resyncAfterNewSession(): void {
    this.childrenWatched = false;
    this.existsWatched = false;
    this.childrenDirty = true;
    if (this.treeWatch === 'armed') this.treeWatch = 'unarmed';
    this.markDataUnread();
    this.requestSync();
  }

  /** Every child read so far must be read again: its watch, or the events about it, are gone. */
  private markDataUnread(): void {
    for (const entry of this.children.values())
      if (entry.watcher || this.treeWatch !== 'unavailable') entry.current = false;
  }

  private markFresh(): void {
    // Back in the session that was read: its watches survived, but the connection event comes
    // before the events missed meanwhile. Read the children once more and publish that: fresh
    // means confirmed. (A new session also resets the watches in `resyncAfterNewSession`; the two
    // requests coalesce.)
    if (this.snapshots.current?.stale) {
      this.childrenDirty = true;
      // The tree watch is back on the new connection, but nothing of what changed meanwhile was
      // replayed: the data of every child is read again too.
      if (this.onTreeWatch) this.markDataUnread();
      this.requestSync();
    }
  }

  private publish(instances: readonly ServiceInstance[], error: Error | undefined): void {
    this.snapshots.publish(instances, error, this.client.state === 'connected');
  }

  private childPath(name: string): string {
    return childPath(this.path, name);
  }
}

import type { Unsubscribe } from '../../client/listeners.js';
import type { ZkClient } from '../../client/zk-client.js';
import type { ZkWatchEvent } from '../../client/zk-client.types.js';
import { consoleLogger, type ZkLogger } from '../../client/zk-logger.js';
import {
  type BackoffFunction,
  type BackoffOptions,
  exponentialBackoff,
  REREAD_BACKOFF,
} from '../backoff.js';
import { type InstanceDecoder, instanceDecoder } from '../formats/instance-decoder.js';
import type { InstancerSnapshot, InstanceSource, ServiceInstance } from '../service-instance.js';
import { validateZnodePath } from '../service-validation.js';
import { ChildDecoder } from './child-decoder.js';
import { ChildrenWatch } from './children-watch.js';
import { InstancerChildren } from './instancer-children.js';
import { SnapshotPublisher } from './snapshot-publisher.js';
import { TreeWatch } from './tree-watch.js';

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

/**
 * Watches one path and publishes the instances registered under it (go-kit's `zk.Instancer`
 * without its defects). Where the client has them (ZooKeeper 3.6+, protocol transport), one
 * persistent recursive watch on the path: a new child costs one read of that child (none when
 * the decoder reads it from its name: Dubbo providers), a deleted one none, and the children list
 * is read only at start, after a reconnect and on a new session (persistent watches do not replay
 * what was missed: list again and diff). Elsewhere, one-shot watches: a change reads the children
 * once and fetches data only for added children, all at once. A failure, a missing path, a
 * disconnect or an expiry produce a stale or error snapshot and a re-arm with capped backoff; it
 * never stops watching until closed. The two kinds of watch are `TreeWatch` and `ChildrenWatch`;
 * the children read so far are held in `InstancerChildren`.
 */
export class Instancer implements InstanceSource {
  readonly path: string;
  private readonly backoff: BackoffFunction;
  private readonly children: InstancerChildren;
  private readonly tree: TreeWatch;
  private readonly oneShot: ChildrenWatch;
  private readonly subscriptions: Unsubscribe[] = [];
  private readonly snapshots: SnapshotPublisher;
  /** The children list must be read again (first sync, children event, failure, new session). */
  private childrenDirty = true;
  private syncing = false;
  private syncAgain = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly client: ZkClient,
    path: string,
    options: InstancerOptions = {},
  ) {
    this.path = validateZnodePath(path, 'instancer path');
    const logger = options.logger ?? consoleLogger('Instancer');
    const decode = options.decode ?? instanceDecoder({ includeNotUp: options.includeNotUp });
    this.children = new InstancerChildren(
      client,
      this.path,
      new ChildDecoder(decode, logger),
      (name, event) => this.onChildDataEvent(name, event),
    );
    this.tree = new TreeWatch(client, this.path, logger, {
      pathChanged: () => this.listAgain(),
      childChanged: (name, type) => this.onTreeChildEvent(name, type),
    });
    this.oneShot = new ChildrenWatch(client, this.path, () => this.listAgain());
    this.snapshots = new SnapshotPublisher(this.path, logger);
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
    return Math.max(0, this.tree.arms + this.oneShot.arms - 1);
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
    this.oneShot.close();
    this.tree.close();
    this.children.close();
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

  /** One pass: arm the tree watch if due, read what changed, publish the result. */
  private async sync(): Promise<void> {
    try {
      // What changed before the tree watch was in place is known only from a list read after it.
      if (await this.tree.arm()) this.childrenDirty = true;
      if (this.closed) return;
      // Under the tree watch a child needs no data watch of its own.
      const watchData = !this.tree.following;
      if (!this.childrenDirty && this.children.hasChanges) {
        await this.children.applyChanges(watchData);
      } else {
        this.children.forgetChanges();
        const names = this.childrenDirty ? await this.readChildren() : this.children.names();
        if (this.closed) return;
        if (names === undefined) this.children.clear();
        else await this.children.apply(names, watchData);
      }
      if (this.closed) return;
      this.publish(this.children.instances(), undefined);
      this.failures = 0;
    } catch (error) {
      if (this.closed) return;
      this.childrenDirty = true;
      this.onSyncFailure(error as Error);
    }
  }

  /** The children names, by whichever watch follows the path; undefined when it does not exist. */
  private readChildren(): Promise<string[] | undefined> {
    this.childrenDirty = false;
    return this.tree.following ? this.tree.readChildren() : this.oneShot.readChildren();
  }

  /** The path or its children list changed: read the list again. */
  private listAgain(): void {
    this.childrenDirty = true;
    this.requestSync();
  }

  private onTreeChildEvent(name: string, type: 'created' | 'changed' | 'deleted'): void {
    if (type === 'deleted') {
      // Dropped at once, as the one-shot mode does on the child's own NodeDeleted. Nothing to
      // read: only a sync in flight (which may have listed it) must hear of it.
      this.children.delete(name);
      if (!this.syncing) {
        this.publish(this.children.instances(), undefined);
        return;
      }
    }
    this.children.noteChange(name, type === 'deleted' ? 'deleted' : 'read');
    this.requestSync();
  }

  private onChildDataEvent(name: string, event: ZkWatchEvent): void {
    if (this.closed) return;
    if (!this.children.markUnread(name)) return;
    if (event.type === 'deleted') {
      // The instance left. The server sends the child's own NodeDeleted before its parent's
      // NodeChildrenChanged: drop it now rather than after the children read that event starts
      // (which still comes, re-arms the children watch and confirms the set).
      this.children.delete(name);
      if (!this.syncing) this.publish(this.children.instances(), undefined);
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
    this.oneShot.sessionLost();
    this.childrenDirty = true;
    this.tree.sessionLost();
    this.children.markAllUnread(this.tree.available);
    this.requestSync();
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
      if (this.tree.following) this.children.markAllUnread(this.tree.available);
      this.requestSync();
    }
  }

  private publish(instances: readonly ServiceInstance[], error: Error | undefined): void {
    this.snapshots.publish(instances, error, this.client.state === 'connected');
  }
}

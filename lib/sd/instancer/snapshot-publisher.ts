import { Listeners, type Unsubscribe } from '../../client/listeners.js';
import type { ZkLogger } from '../../client/zk-logger.js';
import type { InstancerSnapshot, ServiceInstance } from '../service-instance.js';

/**
 * The publishing half of an instancer: holds the current snapshot of one path, gives it to each
 * new subscriber at once and then only real changes (an identical set is not sent again), and
 * logs one line when the path turns stale and one when it is current again.
 */
export class SnapshotPublisher {
  private readonly listeners: Listeners<InstancerSnapshot>;
  private latest: InstancerSnapshot | undefined;

  constructor(
    private readonly path: string,
    private readonly logger: ZkLogger,
  ) {
    this.listeners = new Listeners(logger, path);
  }

  get current(): InstancerSnapshot | undefined {
    return this.latest;
  }

  subscribe(listener: (snapshot: InstancerSnapshot) => void): Unsubscribe {
    const unsubscribe = this.listeners.add(listener);
    if (this.latest) this.listeners.call(listener, this.latest);
    return unsubscribe;
  }

  /**
   * Publishes `instances` (or the last ones with `error`): stale when there is an error or no
   * connection. A failed read keeps the time of the last good one.
   */
  publish(
    instances: readonly ServiceInstance[],
    error: Error | undefined,
    connected: boolean,
  ): void {
    const stale = error !== undefined || !connected;
    const updatedAt = error ? (this.latest?.updatedAt ?? 0) : Date.now();
    const next: InstancerSnapshot = error
      ? { instances, error, stale, updatedAt }
      : { instances, stale, updatedAt };
    if (this.latest && sameSnapshot(this.latest, next)) {
      this.latest = next;
      return;
    }
    this.emit(next);
  }

  /** The same instances, now stale (the connection dropped). */
  markStale(): void {
    if (this.latest && !this.latest.stale) this.emit({ ...this.latest, stale: true });
  }

  clear(): void {
    this.listeners.clear();
  }

  private emit(snapshot: InstancerSnapshot): void {
    this.logStaleness(this.latest, snapshot);
    this.latest = snapshot;
    this.listeners.emit(snapshot, () => this.latest === snapshot);
  }

  private logStaleness(previous: InstancerSnapshot | undefined, next: InstancerSnapshot): void {
    if (next.stale && !previous) {
      // Never read: the client has no session yet, and its own warnings say why (refused, no
      // answer...). A "connection lost" here would mislead: there was no connection.
      this.logger.debug?.(`${this.path}: not read yet (${next.error?.message ?? 'no session'})`);
    } else if (next.stale && !previous?.stale) {
      this.logger.warn(
        `${this.path}: ${next.error ? `cannot read it (${next.error.message}), retrying` : 'ZooKeeper unreachable'}; ` +
          `serving the last known ${plural(next.instances.length, 'instance')} (stale)`,
      );
    } else if (!next.stale && previous?.stale && previous.updatedAt === 0) {
      this.logger.log(`${this.path}: read (${plural(next.instances.length, 'instance')})`);
    } else if (!next.stale && previous?.stale) {
      this.logger.log(
        `${this.path}: discovery is current again (${plural(next.instances.length, 'instance')})`,
      );
    }
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function sameSnapshot(a: InstancerSnapshot, b: InstancerSnapshot): boolean {
  if (a.stale !== b.stale || a.error?.message !== b.error?.message) return false;
  if (a.instances.length !== b.instances.length) return false;
  return a.instances.every((instance, i) => {
    const other = b.instances[i]!;
    return instance === other || (instance.id === other.id && instance.raw.equals(other.raw));
  });
}

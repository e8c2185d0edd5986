import { PersistentWatches } from './persistent-watches.js';
import { type WatchKind, WatchRegistry } from './watch-registry.js';
import type { ZkAddWatchMode, ZkWatcher } from './zk-client.types.js';
import { ZkCodes } from './zk-codes.js';
import type { ZkNodeEvent, ZkWatchRemoval } from './zk-handle.js';
import type { ZkRequests } from './zk-requests.js';

/**
 * Every watcher of one client: the one-shot watchers reads arm and the persistent ones `addWatch`
 * adds, both fed by the session's node events and both forgotten when the session that held the
 * server's watches is left. Telling the server goes through the client's requests, so a persistent
 * watch is bounded and counted like any other operation.
 */
export class ClientWatches {
  private readonly oneShot = new WatchRegistry();
  private readonly persistent = new PersistentWatches();

  constructor(
    private readonly requests: Pick<ZkRequests, 'runOptional'>,
    private readonly closed: () => boolean,
  ) {}

  /** A node event of the current session, to every watcher it fires. */
  dispatch(event: ZkNodeEvent, path: string): void {
    this.oneShot.dispatch(event, path);
    this.persistent.dispatch(event, path);
  }

  /** The session holding the server's watches is gone: so are all of ours. */
  clear(): void {
    this.oneShot.clear();
    this.persistent.clear();
  }

  /**
   * Registers a watcher once its read succeeded: ZooKeeper delivers a watch event after the answer
   * of the read that armed it, so nothing can be missed in between.
   */
  armed(kind: WatchKind, path: string, watcher: ZkWatcher | undefined): void {
    if (watcher && !this.closed()) this.oneShot.add(kind, path, watcher);
  }

  /** See `ZkClient.unwatch`. */
  unwatch(path: string, watcher: ZkWatcher): void {
    this.oneShot.remove(path, watcher);
  }

  /** See `ZkClient.addWatch`: the server is asked only for the first watcher of a path and mode. */
  async add(path: string, mode: ZkAddWatchMode, watcher: ZkWatcher): Promise<void> {
    if (!this.persistent.add(mode, path, watcher)) return;
    try {
      await this.requests.runOptional('addWatch', path, (zk, done) =>
        zk.addWatch?.(path, mode, done),
      );
    } catch (error) {
      this.persistent.remove(path, watcher);
      throw error;
    }
  }

  /** See `ZkClient.removeWatch`. */
  async remove(path: string, watcher: ZkWatcher): Promise<void> {
    for (const mode of this.persistent.remove(path, watcher)) {
      try {
        await this.removeFromServer(path, mode);
      } catch (error) {
        // A server before 3.9 does not know the persistent kinds.
        if ((error as { code?: number }).code !== ZkCodes.MARSHALLINGERROR) throw error;
        if (this.persistent.has(path) || this.oneShot.has(path)) return;
        await this.removeFromServer(path, 'any');
        return;
      }
    }
  }

  /** One-shot watchers registered and not fired yet. */
  get oneShotCount(): number {
    return this.oneShot.size;
  }

  /** Persistent watchers registered. */
  get persistentCount(): number {
    return this.persistent.size;
  }

  /** The server's watches of a kind on `path`; none there (NOWATCHER) is fine. */
  private async removeFromServer(path: string, which: ZkWatchRemoval): Promise<void> {
    await this.requests
      .runOptional('removeWatches', path, (zk, done) => zk.removeWatches?.(path, which, done))
      .catch((error: unknown) => {
        if ((error as { code?: number }).code !== ZkCodes.NOWATCHER) throw error;
      });
  }
}

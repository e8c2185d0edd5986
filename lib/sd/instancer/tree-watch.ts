import { ZkNoNodeError } from '../../client/errors/zk-operation.errors.js';
import type { ZkClient } from '../../client/zk-client.js';
import type { ZkWatchEvent } from '../../client/zk-client.types.js';
import type { ZkLogger } from '../../client/zk-logger.js';
import { isTreeWatchUnsupported, treeWatchesUnsupported } from './tree-watch-support.js';

/** What the tree watch reports: the path itself, or one of its direct children. */
export interface TreeWatchEvents {
  /** The path appeared or went away (its data changing is nothing to an instancer). */
  pathChanged(): void;
  childChanged(name: string, type: 'created' | 'changed' | 'deleted'): void;
}

/**
 * An instancer's persistent recursive watch on its path (ZooKeeper 3.6+, protocol transport): one
 * watch for the path and its children, where one-shot watches need a children watch plus one data
 * watch per child. Tried once, armed again on each new session, and given up for good where the
 * client or the server has no such watches (the instancer then uses `ChildrenWatch`).
 */
export class TreeWatch {
  /** Undecided until tried, then in use (`unarmed`: until the next sync) or not available. */
  private state: 'untried' | 'armed' | 'unarmed' | 'unavailable' = 'untried';
  private armCount = 0;
  private closed = false;

  constructor(
    private readonly client: ZkClient,
    private readonly path: string,
    private readonly logger: ZkLogger,
    private readonly events: TreeWatchEvents,
  ) {}

  /**
   * Whether the instancer follows the path with this watch: armed, or to be armed again on the
   * new session by the next sync (a sync in flight then reads without one-shot watches).
   */
  get following(): boolean {
    return this.state === 'armed' || this.state === 'unarmed';
  }

  /** False once the client is known to have no tree watches. */
  get available(): boolean {
    return this.state !== 'unavailable';
  }

  /** Times the watch was set on the server. */
  get arms(): number {
    return this.armCount;
  }

  /**
   * Arms the watch once (again after a new session), where the client has them; falls back for
   * good where it does not. True when it was armed now.
   */
  async arm(): Promise<boolean> {
    if (this.state === 'armed' || this.state === 'unavailable') return false;
    if (treeWatchesUnsupported(this.client)) {
      this.state = 'unavailable';
      return false;
    }
    try {
      await this.client.addWatch(this.path, 'persistentRecursive', this.onEvent);
      this.state = 'armed';
      this.armCount++;
      return true;
    } catch (error) {
      if (!isTreeWatchUnsupported(this.client, error, this.logger)) throw error;
      this.state = 'unavailable';
      return false;
    }
  }

  /**
   * The children names, read without a watch: this one sees the path's children come and go, and
   * the path itself appear. Undefined when the path does not exist.
   */
  async readChildren(): Promise<string[] | undefined> {
    try {
      return await this.client.getChildren(this.path);
    } catch (error) {
      if (error instanceof ZkNoNodeError) return undefined;
      throw error;
    }
  }

  /** A new session: the watch went with the old one; the next sync arms it again. */
  sessionLost(): void {
    if (this.state === 'armed') this.state = 'unarmed';
  }

  close(): void {
    this.closed = true;
    if (this.state !== 'armed') return;
    this.client.removeWatch(this.path, this.onEvent).catch(() => {
      // The session is gone or closing: the watch went with it.
    });
  }

  /** Only the path itself and its direct children matter: deeper events go before any allocation. */
  private readonly onEvent = (event: ZkWatchEvent): void => {
    if (this.closed) return;
    const { path, type } = event;
    if (path === this.path) {
      if (type !== 'changed') this.events.pathChanged();
      return;
    }
    const base = this.path.length === 1 ? 0 : this.path.length;
    if (path.indexOf('/', base + 1) !== -1) return;
    if (type === 'created' || type === 'changed' || type === 'deleted')
      this.events.childChanged(path.slice(base + 1), type);
  };
}

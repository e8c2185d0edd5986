import { ZkNoNodeError } from '../../client/errors/zk-operation.errors.js';
import type { ZkClient } from '../../client/zk-client.js';

/**
 * An instancer's one-shot watches on its path, where there is no tree watch: a children watch,
 * armed again by the read after each event, and, while the path is missing, an exists watch that
 * waits for it. Each is armed by one read at a time: a read while it is armed arms nothing more.
 */
export class ChildrenWatch {
  private childrenWatched = false;
  private existsWatched = false;
  private armCount = 0;

  constructor(
    private readonly client: ZkClient,
    private readonly path: string,
    /** The children list must be read again. */
    private readonly changed: () => void,
  ) {}

  /** Watches (children or exists) set on the path so far. */
  get arms(): number {
    return this.armCount;
  }

  /**
   * The children names, arming the children watch; undefined when the path does not exist (the
   * exists watch then waits for it, and `changed` is called at once if it has just appeared).
   */
  async readChildren(): Promise<string[] | undefined> {
    try {
      const watcher = this.childrenWatched ? undefined : this.onChildrenEvent;
      const names = await this.client.getChildren(this.path, watcher);
      if (watcher) this.childrenWatched = true;
      if (watcher) this.armCount++;
      return names;
    } catch (error) {
      if (!(error instanceof ZkNoNodeError)) throw error;
    }
    const watcher = this.existsWatched ? undefined : this.onExistsEvent;
    const stat = await this.client.exists(this.path, watcher);
    if (watcher) this.existsWatched = true;
    if (watcher) this.armCount++;
    if (stat) this.changed();
    return undefined;
  }

  /** A new session: the watches went with the old one; the next read arms them again. */
  sessionLost(): void {
    this.childrenWatched = false;
    this.existsWatched = false;
  }

  /** Takes the watchers that have not fired out of the client. */
  close(): void {
    this.client.unwatch(this.path, this.onChildrenEvent);
    this.client.unwatch(this.path, this.onExistsEvent);
  }

  private readonly onChildrenEvent = (): void => {
    this.childrenWatched = false;
    this.changed();
  };

  private readonly onExistsEvent = (): void => {
    this.existsWatched = false;
    this.changed();
  };
}

import { ZkNoNodeError } from '../../client/errors/zk-operation.errors.js';
import type { ZkClient } from '../../client/zk-client.js';
import type { ZkWatchEvent, ZkWatcher } from '../../client/zk-client.types.js';
import { childPath } from '../../client/znode-paths.js';
import type { ServiceInstance } from '../service-instance.js';
import { type ChildDecoder, NO_DATA } from './child-decoder.js';
import { InstanceList } from './instance-list.js';

/** What the instancer holds for one child: its bytes, and the decoded instance if it decodes. */
interface ChildEntry {
  raw: Buffer;
  instance: ServiceInstance | undefined;
  /** Nothing to read: our data watch on it is armed, or it is decoded from its name alone. */
  current: boolean;
  /** Its data watcher (one function per child, so it can be removed); none when read by name. */
  watcher: ZkWatcher | undefined;
  /** The child's name (its key in `entries`). */
  name: string;
  /** In the last list of decoded instances (kept by `list`). */
  listed: boolean;
}

/** What the tree watch reported of a child since the last sync: read it again, or drop it. */
export type ChildChange = 'read' | 'deleted';

/**
 * The children of an instancer's path as last read: each one's bytes and decoded instance, its
 * data watcher where it has one, and the sorted list of instances, kept change by change. A child
 * the decoder reads from its name alone (Dubbo) is never read; the others are read all at once.
 */
export class InstancerChildren {
  /** Changed only through `set`, `delete` and `clear`, which keep `list`. */
  private readonly entries = new Map<string, ChildEntry>();
  /** The decoded instances, sorted by id, as last published plus the changes since. */
  private readonly list = new InstanceList<ChildEntry>();
  /** Children whose events came through the tree watch: read again, or dropped (`deleted`). */
  private readonly changes = new Map<string, ChildChange>();

  constructor(
    private readonly client: ZkClient,
    private readonly path: string,
    private readonly decoder: ChildDecoder,
    /** An event of a child's own data watch (one-shot mode). */
    private readonly onDataEvent: (name: string, event: ZkWatchEvent) => void,
  ) {}

  /** The names of the children held. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The decoded instances, sorted by id: the last list itself when nothing changed since. */
  instances(): readonly ServiceInstance[] {
    return this.list.instances();
  }

  /**
   * Drops removed children, decodes added ones read by name, and reads the data of the other
   * added ones (and of those marked unread), all requests in flight at once. With `watchData`
   * each read arms the child's data watch (no tree watch sees the child change).
   */
  async apply(names: string[], watchData: boolean): Promise<void> {
    const present = new Set(names);
    for (const [name, entry] of this.entries) {
      if (present.has(name)) continue;
      this.unwatch(name, entry);
      this.delete(name);
    }
    const toRead: string[] = [];
    for (const name of names) {
      if (this.entries.get(name)?.current) continue;
      if (this.decoder.fromName(name)) this.addNamed(name);
      else toRead.push(name);
    }
    await Promise.all(toRead.map((name) => this.read(name, watchData)));
  }

  /** Whether the tree watch reported children since the last sync. */
  get hasChanges(): boolean {
    return this.changes.size > 0;
  }

  /** Notes what the tree watch reported of `name`, for the next sync to apply. */
  noteChange(name: string, change: ChildChange): void {
    if (change === 'read') this.markUnread(name);
    this.changes.set(name, change);
  }

  /** Forgets the reported changes: a full children read is about to cover them. */
  forgetChanges(): void {
    this.changes.clear();
  }

  /** The children the tree watch reported since the last sync: dropped, or read, all at once. */
  async applyChanges(watchData: boolean): Promise<void> {
    const changes = [...this.changes];
    this.changes.clear();
    const toRead: string[] = [];
    for (const [name, change] of changes) {
      if (change === 'deleted') this.delete(name);
      else if (this.decoder.fromName(name)) {
        if (!this.entries.has(name)) this.addNamed(name);
      } else toRead.push(name);
    }
    await Promise.all(toRead.map((name) => this.read(name, watchData)));
  }

  /** `name` must be read again; false when it is not held. */
  markUnread(name: string): boolean {
    const entry = this.entries.get(name);
    if (!entry) return false;
    entry.current = false;
    return true;
  }

  /**
   * Every child read so far must be read again: those whose data watch went with the session, or
   * all of them when `evenUnwatched` (the tree watch's events of the meantime are gone too).
   */
  markAllUnread(evenUnwatched: boolean): void {
    for (const entry of this.entries.values())
      if (entry.watcher || evenUnwatched) entry.current = false;
  }

  delete(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.list.remove(entry);
    this.entries.delete(name);
  }

  /** The path is gone: so are its children. */
  clear(): void {
    this.entries.clear();
    this.list.clear();
  }

  /** Takes every child's data watcher out of the client and forgets the children. */
  close(): void {
    for (const [name, entry] of this.entries) this.unwatch(name, entry);
    this.entries.clear();
  }

  /** A child whose name is the whole registration (Dubbo): decoded once, never read. */
  private addNamed(name: string): void {
    const instance = this.decoder.instance(name, childPath(this.path, name), NO_DATA);
    this.set({ raw: NO_DATA, instance, current: true, watcher: undefined, name, listed: false });
  }

  private async read(name: string, watchData: boolean): Promise<void> {
    const path = childPath(this.path, name);
    const watcher = watchData
      ? (this.entries.get(name)?.watcher ??
        ((event: ZkWatchEvent) => this.onDataEvent(name, event)))
      : undefined;
    try {
      const { data } = await this.client.getData(path, watcher);
      const instance = this.decoder.instance(name, path, data);
      this.set({ raw: data, instance, current: true, watcher, name, listed: false });
    } catch (error) {
      // Removed between the children read and this read: the next children event drops it.
      if (error instanceof ZkNoNodeError) this.delete(name);
      else throw error;
    }
  }

  private unwatch(name: string, entry: ChildEntry): void {
    if (entry.watcher) this.client.unwatch(childPath(this.path, name), entry.watcher);
  }

  private set(entry: ChildEntry): void {
    const previous = this.entries.get(entry.name);
    if (previous) this.list.remove(previous);
    this.entries.set(entry.name, entry);
    this.list.add(entry);
  }
}

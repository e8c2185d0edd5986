import type { ZkWatchEvent, ZkWatcher } from './zk-client.types.js';
import type { ZkNodeEvent } from './zk-handle.js';

/** Which read armed a watch; ZooKeeper fires each kind on different events. */
export type WatchKind = 'exists' | 'data' | 'children';

/** ZooKeeper's rule: which armed kinds an event fires (and consumes). */
const firedKinds: Record<ZkNodeEvent, readonly WatchKind[]> = {
  created: ['exists'],
  changed: ['data', 'exists'],
  child: ['children'],
  deleted: ['data', 'exists', 'children'],
  notwatching: ['data', 'exists', 'children'],
};

/** The type a watcher sees for each event a handle reports. */
export const watchEventTypes: Record<ZkNodeEvent, ZkWatchEvent['type']> = {
  created: 'created',
  changed: 'changed',
  child: 'children',
  deleted: 'deleted',
  notwatching: 'notwatching',
};

/**
 * The JavaScript side of watches. Reads arm the native client's default watcher, which the C
 * client keeps once per path and kind however often it is re-armed; this registry fans each event
 * out to the watchers registered for it, once, and lets a watcher be removed before it fires (so a
 * consumer that goes away leaves nothing behind on either side).
 */
export class WatchRegistry {
  private readonly kinds: Record<WatchKind, Map<string, Set<ZkWatcher>>> = {
    exists: new Map(),
    data: new Map(),
    children: new Map(),
  };

  add(kind: WatchKind, path: string, watcher: ZkWatcher): void {
    const byPath = this.kinds[kind];
    let watchers = byPath.get(path);
    if (!watchers) {
      watchers = new Set();
      byPath.set(path, watchers);
    }
    watchers.add(watcher);
  }

  /** Removes `watcher` from every kind of watch on `path`. */
  remove(path: string, watcher: ZkWatcher): void {
    for (const byPath of Object.values(this.kinds)) {
      const watchers = byPath.get(path);
      if (!watchers) continue;
      watchers.delete(watcher);
      if (watchers.size === 0) byPath.delete(path);
    }
  }

  /** Whether any watcher of any kind is on `path`. */
  has(path: string): boolean {
    return Object.values(this.kinds).some((byPath) => byPath.has(path));
  }

  /** Calls, once, every watcher the event fires; they are consumed (one-shot, like ZooKeeper's). */
  dispatch(event: ZkNodeEvent, path: string): void {
    // Usually one kind fires (a children watch): its own set, taken out, is iterated as it is. A
    // watcher armed for several kinds (exists and data) is merged, so that it is called once.
    let first: Set<ZkWatcher> | undefined;
    let merged: Set<ZkWatcher> | undefined;
    for (const kind of firedKinds[event]) {
      const watchers = this.kinds[kind].get(path);
      if (!watchers) continue;
      this.kinds[kind].delete(path);
      if (!first) first = watchers;
      else {
        merged ??= new Set(first);
        for (const watcher of watchers) merged.add(watcher);
      }
    }
    const fired = merged ?? first;
    if (!fired) return;
    const payload: ZkWatchEvent = { type: watchEventTypes[event], path };
    for (const watcher of fired) watcher(payload);
  }

  /** Forgets every watcher: the session that held the native watches is gone. */
  clear(): void {
    for (const byPath of Object.values(this.kinds)) byPath.clear();
  }

  /** Registered watchers, all kinds and paths together. */
  get size(): number {
    let total = 0;
    for (const byPath of Object.values(this.kinds))
      for (const watchers of byPath.values()) total += watchers.size;
    return total;
  }
}

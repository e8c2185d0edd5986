import { watchEventTypes } from './watch-registry.js';
import type { ZkAddWatchMode, ZkWatchEvent, ZkWatcher } from './zk-client.types.js';
import type { ZkNodeEvent } from './zk-handle.js';

/**
 * The watchers of persistent watches (`addWatch`, ZooKeeper 3.6+): unlike one-shot watches they
 * stay until removed. A persistent watch sees every event of its node (children changes included);
 * a recursive one sees created, deleted and changed events of its node and every node below it,
 * as ZooKeeper delivers them.
 */
export class PersistentWatches {
  private readonly modes: Record<ZkAddWatchMode, Map<string, Set<ZkWatcher>>> = {
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  /** Adds `watcher`; true when it is the first of `mode` on `path` (the server must be told). */
  add(mode: ZkAddWatchMode, path: string, watcher: ZkWatcher): boolean {
    const byPath = this.modes[mode];
    const watchers = byPath.get(path);
    if (watchers) {
      watchers.add(watcher);
      return false;
    }
    byPath.set(path, new Set([watcher]));
    return true;
  }

  /** Removes `watcher` from `path`; returns the modes left without any watcher there. */
  remove(path: string, watcher: ZkWatcher): ZkAddWatchMode[] {
    const emptied: ZkAddWatchMode[] = [];
    for (const mode of ['persistent', 'persistentRecursive'] as const) {
      const watchers = this.modes[mode].get(path);
      if (!watchers?.delete(watcher)) continue;
      if (watchers.size === 0) {
        this.modes[mode].delete(path);
        emptied.push(mode);
      }
    }
    return emptied;
  }

  /** Whether any watcher of either mode is on `path`. */
  has(path: string): boolean {
    return this.modes.persistent.has(path) || this.modes.persistentRecursive.has(path);
  }

  dispatch(event: ZkNodeEvent, path: string): void {
    const { persistent, persistentRecursive } = this.modes;
    if (persistent.size === 0 && persistentRecursive.size === 0) return;
    const payload: ZkWatchEvent = { type: watchEventTypes[event], path };
    for (const watcher of persistent.get(path) ?? []) watcher(payload);
    if (persistentRecursive.size === 0 || event === 'child') return;
    for (let at = path; ; at = parentOf(at)) {
      for (const watcher of persistentRecursive.get(at) ?? []) watcher(payload);
      if (at === '/') return;
    }
  }

  clear(): void {
    this.modes.persistent.clear();
    this.modes.persistentRecursive.clear();
  }

  get size(): number {
    let total = 0;
    for (const byPath of Object.values(this.modes))
      for (const watchers of byPath.values()) total += watchers.size;
    return total;
  }
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

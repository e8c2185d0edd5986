import type { ServiceInstance } from '../service-instance.js';
import {
  compareInstanceIds,
  indexOfSorted,
  insertionIndex,
  mergeSorted,
} from './by-instance-id.js';
import { recordChange, SPLICE_LIMIT } from './instances-change.js';

/** Something listed for its decoded instance (an instancer's child entry). */
export interface Listable {
  readonly instance: ServiceInstance | undefined;
  /** In the last list: set by the list only. */
  listed: boolean;
}

/**
 * The decoded instances an instancer publishes, sorted by id, kept up to date change by change:
 * entries are added and removed as the children are read, and {@link instances} applies those
 * changes to the last list. A few changes are spliced in (binary search, then an array copy),
 * many are merged; either way the entries still listed keep their order and their objects, and
 * the new list records what changed (`recordChange`) for the endpointers.
 */
export class InstanceList<E extends Listable> {
  private entries: E[] = [];
  private published: readonly ServiceInstance[] = [];
  /** Entries added since the last list, and listed entries removed since. */
  private readonly added = new Set<E>();
  private readonly removed = new Set<E>();

  /** Lists `entry` from the next list on (an entry without an instance is never listed). */
  add(entry: E): void {
    if (this.removed.delete(entry)) return;
    if (entry.instance && !entry.listed) this.added.add(entry);
  }

  /** Takes `entry` out of the next list (nothing when it was neither listed nor added). */
  remove(entry: E): void {
    if (!this.added.delete(entry) && entry.listed) this.removed.add(entry);
  }

  /** Takes every entry out. */
  clear(): void {
    this.added.clear();
    for (const entry of this.entries) this.removed.add(entry);
  }

  /** The instances, sorted by id: the last list itself when nothing changed since. */
  instances(): readonly ServiceInstance[] {
    if (this.added.size === 0 && this.removed.size === 0) return this.published;
    const previous = this.published;
    const added = [...this.added].sort(byId);
    const removed = [...this.removed];
    this.added.clear();
    this.removed.clear();
    for (const entry of removed) entry.listed = false;
    for (const entry of added) entry.listed = true;
    if (added.length + removed.length <= SPLICE_LIMIT) this.splice(added, removed);
    else this.merge(added, new Set(removed));
    recordChange(previous, this.published, {
      added: added.map(instanceOf),
      removed: removed.map(instanceOf),
    });
    return this.published;
  }

  private splice(added: readonly E[], removed: readonly E[]): void {
    const entries = [...this.entries];
    const instances = [...this.published];
    for (const entry of removed) {
      const at = indexOfSorted(entries, idOf(entry), idOf, (listed) => listed === entry);
      entries.splice(at, 1);
      instances.splice(at, 1);
    }
    for (const entry of added) {
      const at = insertionIndex(entries, idOf(entry), idOf);
      entries.splice(at, 0, entry);
      instances.splice(at, 0, instanceOf(entry));
    }
    this.entries = entries;
    this.published = instances;
  }

  private merge(added: readonly E[], removed: ReadonlySet<E>): void {
    const kept = removed.size === 0 ? this.entries : this.entries.filter((e) => !removed.has(e));
    this.entries = mergeSorted(kept, added, byId);
    this.published = this.entries.map(instanceOf);
  }
}

function instanceOf(entry: Listable): ServiceInstance {
  return entry.instance!;
}

function idOf(entry: Listable): string {
  return entry.instance!.id;
}

function byId(a: Listable, b: Listable): number {
  return compareInstanceIds(idOf(a), idOf(b));
}

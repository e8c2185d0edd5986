import { indexOfSorted } from '../../lib/sd/instancer/by-instance-id.js';

/**
 * Waits for something to hold (or stop holding) a given id, and tells when that happened: the
 * time is taken by the observed code's own notification, not when the waiting promise resumes.
 */
export class Arrivals {
  private pending:
    | { id: string; present: boolean; resolve: (at: number) => void; reject: (e: Error) => void }
    | undefined;
  /** The latest notifications, newest last. */
  private readonly history: { at: number; holds: (id: string) => boolean }[] = [];

  /**
   * To be called by the observed code on each change, with the time of the change and a test of
   * whether an id is held now.
   */
  notify(at: number, holds: (id: string) => boolean): void {
    this.history.push({ at, holds });
    if (this.history.length > 32) this.history.shift();
    const pending = this.pending;
    if (pending && holds(pending.id) === pending.present) {
      this.pending = undefined;
      pending.resolve(at);
    }
  }

  /**
   * Resolves with the time at which `id` became held (`present`) or stopped being held (at once
   * when that already happened, with the time of that notification); rejects after `timeoutMs`.
   */
  when(id: string, present: boolean, timeoutMs = 30_000): Promise<number> {
    let since: number | undefined;
    for (let i = this.history.length - 1; i >= 0; i--) {
      const entry = this.history[i]!;
      if (entry.holds(id) !== present) break;
      since = entry.at;
    }
    if (since !== undefined) return Promise.resolve(since);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new Error(`${id} still ${present ? 'missing' : 'held'} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        id,
        present,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        reject,
      };
    });
  }
}

/** Whether `id` is in `sorted` (ascending by id, as `Endpointer.instances()` is). */
export function holdsSorted(sorted: readonly { readonly id: string }[], id: string): boolean {
  return (
    indexOfSorted(
      sorted,
      id,
      (item) => item.id,
      () => true,
    ) !== -1
  );
}

/**
 * Feeds an `Arrivals` from a consumer that reports each change as the ids it added and removed (the
 * floors, Curator). `Arrivals` asks, of earlier changes too, whether an id was held right after
 * each: a test reading what the consumer holds now would answer for the present (and date a change
 * to the oldest notification it keeps). This one answers for the moment of each change, in O(1),
 * without copying what the consumer holds. Ids are taken to be added at most once (every trial
 * registers a new one); those held before the first change count as never added.
 */
export class ChangeHistory {
  private changes = 0;
  private readonly addedAt = new Map<string, number>();
  private readonly removedAt = new Map<string, number>();

  constructor(readonly arrivals: Arrivals) {}

  notify(at: number, added: readonly string[], removed: readonly string[]): void {
    const change = ++this.changes;
    for (const id of added) this.addedAt.set(id, change);
    for (const id of removed) this.removedAt.set(id, change);
    this.arrivals.notify(at, (id) => {
      const addedAt = this.addedAt.get(id);
      if (addedAt === undefined || addedAt > change) return false;
      const removedAt = this.removedAt.get(id);
      return removedAt === undefined || removedAt > change;
    });
  }
}

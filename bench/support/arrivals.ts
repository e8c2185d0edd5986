import { indexOfSorted } from '../../lib/sd/by-instance-id.js';

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

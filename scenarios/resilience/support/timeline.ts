import type { InstancerSnapshot, ServiceInstance } from '../../../lib/index.js';

/** One snapshot as a consumer saw it, stamped with `performance.now()`. */
export interface SeenSnapshot {
  at: number;
  /** Instance data (the URL each one registered). */
  urls: string[];
  /** Instance ids (znode names). */
  ids: string[];
  stale: boolean;
}

/** Anything with a `subscribe(listener)` of snapshots: an endpointer, an instancer. */
interface SnapshotSource {
  subscribe(listener: (snapshot: InstancerSnapshot) => void): () => void;
}

/**
 * Records every snapshot a consumer receives, with its arrival time, so a scenario measures from
 * the moment a change arrived rather than from the moment a poll noticed it.
 */
export class SnapshotTimeline {
  readonly seen: SeenSnapshot[] = [];
  private readonly unsubscribe: () => void;

  /**
   * @param source followed until `close()`; without one, the timeline holds what `record()` is
   * given (the views another process reports).
   */
  constructor(source?: SnapshotSource) {
    this.unsubscribe =
      source?.subscribe((snapshot) =>
        this.record({
          urls: snapshot.instances.map(urlOf),
          ids: snapshot.instances.map((instance) => instance.id),
          stale: snapshot.stale,
        }),
      ) ?? (() => {});
  }

  /** Adds a snapshot seen now. */
  record(snapshot: Omit<SeenSnapshot, 'at'>): void {
    this.seen.push({ at: performance.now(), ...snapshot });
  }

  /** The latest snapshot received at or before `at`, or undefined. */
  latestAt(at: number): SeenSnapshot | undefined {
    return this.seen.findLast((snapshot) => snapshot.at <= at);
  }

  /** The number of snapshots so far: a cursor for `since()`. */
  get length(): number {
    return this.seen.length;
  }

  /** The snapshots received after `cursor` (a former `length`). */
  since(cursor: number): SeenSnapshot[] {
    return this.seen.slice(cursor);
  }

  /** The first snapshot after `cursor` that matches, or undefined. */
  firstSince(cursor: number, match: (snapshot: SeenSnapshot) => boolean): SeenSnapshot | undefined {
    return this.seen.slice(cursor).find(match);
  }

  /** Stops recording. */
  close(): void {
    this.unsubscribe();
  }
}

/** The instance's registered data: its URL, or its raw bytes as text. */
export function urlOf(instance: ServiceInstance): string {
  return instance.url ?? instance.raw.toString('utf8');
}

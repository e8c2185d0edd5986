/** Requests from the benchmark to a consumer-fleet process, and its answers (over IPC). */
export type ConsumerFleetRequest =
  /** When each consumer first held `id` (`present`) or stopped holding it. */
  | { seq: number; op: 'when'; id: string; present: boolean }
  /** The ZooKeeper requests the process's consumers sent so far, all together. */
  | { seq: number; op: 'requests' };

export type ConsumerFleetAnswer =
  /** Every consumer holds the fleet's instances. */
  | { type: 'ready' }
  /** Per consumer, CLOCK_MONOTONIC ns as decimal strings (see monotonic.ts). */
  | { type: 'when'; seq: number; times: string[] }
  | { type: 'requests'; seq: number; requests: number }
  | { type: 'error'; seq: number; error: string };

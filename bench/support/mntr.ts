import type { ZooKeeperServer } from '../../lib/testing/index.js';

/** The numeric lines of `mntr`, by key (`zk_cnt_readlatency` → 1234). */
export async function mntr(zk: ZooKeeperServer): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  for (const line of (await zk.fourLetter('mntr')).split('\n')) {
    const [key, value] = line.split('\t');
    if (key && value !== undefined && value !== '' && !Number.isNaN(Number(value))) {
      values.set(key, Number(value));
    }
  }
  return values;
}

/** `after - before` for `key` (0 when missing). */
export function delta(
  before: Map<string, number>,
  after: Map<string, number>,
  key: string,
): number {
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}

/**
 * The server's mean read latency between two `mntr` readings, in ms: ZooKeeper's own clock from
 * the request's arrival to its answer being queued. Each request is recorded in whole
 * milliseconds, so only a mean over many requests is meaningful (a request of 0.3 ms crosses a
 * millisecond boundary 30% of the time).
 */
export function meanReadLatency(before: Map<string, number>, after: Map<string, number>): number {
  const count = delta(before, after, 'zk_cnt_readlatency');
  return count > 0 ? delta(before, after, 'zk_sum_readlatency') / count : Number.NaN;
}

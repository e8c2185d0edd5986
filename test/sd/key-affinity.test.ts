import { describe, expect, it } from 'vitest';
import { type KeyedBalancer, keyAffinity } from '../../lib/sd/lb/key-affinity.balancer.js';
import { retry } from '../../lib/sd/lb/retry.js';
import { roundRobin } from '../../lib/sd/lb/round-robin.balancer.js';
import { settableEndpoints } from '../support/fixed-instance-source.js';

const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
const ids = Array.from(
  { length: 10 },
  (_, i) => `_c_${i.toString(16).padStart(32, '0')}-000000000${i}`,
);

function assignment(affinity: KeyedBalancer<string>): Map<string, string> {
  return new Map(keys.map((key) => [key, affinity.pickFor(key)]));
}

describe('keyAffinity (rendezvous hashing)', () => {
  it('sends a key to the same instance every time, and spreads keys evenly', () => {
    const affinity = keyAffinity(settableEndpoints(ids), (endpoint) => endpoint);
    const first = assignment(affinity);
    expect(assignment(affinity)).toEqual(first);
    const perInstance = new Map<string, number>();
    for (const id of first.values()) perInstance.set(id, (perInstance.get(id) ?? 0) + 1);
    expect(perInstance.size).toBe(10);
    for (const count of perInstance.values()) expect(count).toBeGreaterThan(800);
    for (const count of perInstance.values()) expect(count).toBeLessThan(1200);
  });

  it('when an instance leaves, only its own keys move; when one joins, only the keys it wins', () => {
    const endpoints = settableEndpoints(ids);
    const affinity = keyAffinity(endpoints, (endpoint) => endpoint);
    const before = assignment(affinity);
    const leaving = ids[3]!;
    endpoints.set(ids.filter((id) => id !== leaving));
    const afterLeave = assignment(affinity);
    const moved = keys.filter((key) => afterLeave.get(key) !== before.get(key));
    expect(moved.every((key) => before.get(key) === leaving)).toBe(true);
    expect(moved.length / keys.length).toBeCloseTo(1 / 10, 1);

    const joining = '_c_ffffffffffffffffffffffffffffffff-0000000010';
    endpoints.set([...ids, joining]);
    const afterJoin = assignment(affinity);
    const movedToNew = keys.filter((key) => afterJoin.get(key) !== before.get(key));
    expect(movedToNew.every((key) => afterJoin.get(key) === joining)).toBe(true);
    expect(movedToNew.length / keys.length).toBeCloseTo(1 / 11, 1);
  });

  it('skipping the best gives the key next best, the one it would get if the best left', async () => {
    const endpoints = settableEndpoints(ids);
    const affinity = keyAffinity(endpoints, (endpoint) => endpoint);
    const best = affinity.pickFor('user-42');
    const next = affinity.pickFor('user-42', (endpoint) => endpoint === best);
    expect(next).not.toBe(best);
    endpoints.set(ids.filter((id) => id !== best));
    expect(affinity.pickFor('user-42')).toBe(next);
    // Every endpoint skipped: the best one still.
    endpoints.set(ids);
    expect(affinity.pickFor('user-42', () => true)).toBe(best);
  });

  it('retry sends a keyed call to the key instance, then to its next best; a balancer without pickFor says it cannot', async () => {
    const endpoints = settableEndpoints(ids);
    const affinity = keyAffinity(endpoints, (endpoint) => endpoint);
    const balancer = {
      endpointer: endpoints,
      pick: () => ids[0]!,
      pickFor: (key: string, skip?: (e: string) => boolean) => affinity.pickFor(key, skip),
    };
    const tried: string[] = [];
    const call = retry(balancer, { backoff: () => 0 });
    await call(
      async (endpoint) => {
        tried.push(endpoint);
        if (tried.length === 1) throw new Error('reset');
        return endpoint;
      },
      { key: 'user-7' },
    );
    expect(tried).toEqual([
      affinity.pickFor('user-7'),
      affinity.pickFor('user-7', (e) => e === tried[0]),
    ]);
    await expect(retry(roundRobin(endpoints))(async () => 1, { key: 'user-7' })).rejects.toThrow(
      /was given a key, but its balancer has no pickFor\(key\)/,
    );
  });
});

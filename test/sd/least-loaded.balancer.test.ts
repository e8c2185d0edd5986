import { describe, expect, it } from 'vitest';
import { leastLoaded } from '../../lib/sd/lb/least-loaded.balancer.js';
import { settableEndpoints } from '../support/fixed-instance-source.js';
import { waitFor } from '../support/wait-for.js';

function counts(pick: () => string, times: number): Record<string, number> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < times; i++) {
    const id = pick();
    seen[id] = (seen[id] ?? 0) + 1;
  }
  return seen;
}

describe('leastLoaded (power of two choices over peak EWMA)', () => {
  it('never picks the slowest of three while the others answer faster, and spreads over the rest', () => {
    const balancer = leastLoaded(settableEndpoints(['a', 'b', 'c']), { seed: 7 });
    balancer.pick();
    for (const [id, ms] of [
      ['a', 5],
      ['b', 6],
      ['c', 50],
    ] as const) {
      balancer.started(id);
      balancer.succeeded(id, ms);
    }
    const seen = counts(() => balancer.pick(), 3000);
    expect(seen.c).toBeUndefined();
    expect(seen.a! + seen.b!).toBe(3000);
    expect(seen.b).toBeGreaterThan(500);
  });

  it('weighs the calls in flight: an instance with several waiting loses to an idle one a little slower', () => {
    const balancer = leastLoaded(settableEndpoints(['a', 'b']), { seed: 1 });
    balancer.pick();
    for (const [id, ms] of [
      ['a', 5],
      ['b', 8],
    ] as const) {
      balancer.started(id);
      balancer.succeeded(id, ms);
    }
    expect(balancer.pick()).toBe('a');
    balancer.started('a');
    balancer.started('a');
    expect(balancer.pick()).toBe('b');
    balancer.failed('a', new Error('reset'), 4);
    balancer.succeeded('a', 4);
    expect(balancer.pick()).toBe('a');
  });

  it('gives a new instance one call, then waits for its answer before sending more', () => {
    const balancer = leastLoaded(settableEndpoints(['a', 'b']), { seed: 3 });
    balancer.pick();
    balancer.started('a');
    balancer.succeeded('a', 5);
    expect(balancer.pick()).toBe('b');
    balancer.started('b');
    expect(balancer.pick()).toBe('a');
    balancer.succeeded('b', 2);
    expect(balancer.pick()).toBe('b');
  });

  it('jumps to a slower answer at once, and tries the instance again as its estimate ages', async () => {
    const balancer = leastLoaded(settableEndpoints(['a', 'b']), { seed: 5, decayMs: 50 });
    balancer.pick();
    for (const [id, ms] of [
      ['a', 5],
      ['b', 10],
    ] as const) {
      balancer.started(id);
      balancer.succeeded(id, ms);
    }
    expect(balancer.pick()).toBe('a');
    balancer.started('a');
    balancer.succeeded('a', 100);
    expect(balancer.pick()).toBe('b');
    // b keeps answering in 10 ms; a gets no calls, and its 100 ms ages until a is tried again.
    await waitFor(() => {
      balancer.started('b');
      balancer.succeeded('b', 10);
      return balancer.pick() === 'a';
    });
  });

  it('keeps what it learnt of the instances that stay when the set changes', () => {
    const endpoints = settableEndpoints(['a', 'b']);
    const balancer = leastLoaded(endpoints, { seed: 9 });
    balancer.pick();
    balancer.started('a');
    balancer.succeeded('a', 50);
    balancer.started('b');
    balancer.succeeded('b', 5);
    endpoints.set(['a', 'b', 'c']);
    const seen = counts(() => balancer.pick(), 300);
    expect(seen.a).toBeUndefined();
  });

  it('rejects a decay out of range', () => {
    expect(() => leastLoaded(settableEndpoints(['a']), { decayMs: 0 })).toThrow(
      /Invalid option `leastLoaded decayMs`: 0. Give a number of milliseconds above 0 to 2147483647/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { type KeyedBalancer, keyAffinity } from '../../lib/sd/lb/key-affinity.balancer.js';
import { leastLoaded } from '../../lib/sd/lb/least-loaded.balancer.js';
import { random } from '../../lib/sd/lb/random.balancer.js';
import { roundRobin } from '../../lib/sd/lb/round-robin.balancer.js';
import { settableInstances } from '../support/fixed-instance-source.js';

const counts = (picks: readonly string[]) =>
  picks.reduce<Record<string, number>>((all, id) => {
    all[id] = (all[id] ?? 0) + 1;
    return all;
  }, {});

const pickMany = (pick: () => string, n: number) => Array.from({ length: n }, pick);

describe('weighted round robin (smooth, as nginx)', () => {
  it("spreads weights 5, 1, 1 as nginx's example: a a b a c a a, and again", () => {
    const source = settableInstances([
      { id: 'a', weight: 5 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 1 },
    ]);
    const balancer = roundRobin(source);
    expect(pickMany(() => balancer.pick(), 14).join(' ')).toBe('a a b a c a a a a b a c a a');
  });

  it('picks each endpoint exactly its weight over every cycle of the weights sum', () => {
    const weights = [7, 3, 1, 10, 4];
    const source = settableInstances(weights.map((weight, i) => ({ id: `i${i}`, weight })));
    const balancer = roundRobin(source);
    const total = weights.reduce((a, b) => a + b, 0);
    for (let cycle = 0; cycle < 3; cycle++) {
      expect(counts(pickMany(() => balancer.pick(), total))).toEqual(
        Object.fromEntries(weights.map((weight, i) => [`i${i}`, weight])),
      );
    }
  });

  it('never gives a heavy endpoint a run longer than its share needs', () => {
    const source = settableInstances([
      { id: 'a', weight: 2 },
      { id: 'b', weight: 2 },
      { id: 'c', weight: 1 },
    ]);
    const balancer = roundRobin(source);
    const picks = pickMany(() => balancer.pick(), 50);
    for (let i = 2; i < picks.length; i++) {
      expect(picks[i] === picks[i - 1] && picks[i] === picks[i - 2]).toBe(false);
    }
  });

  it('is the plain turn while every weight is the same, and follows a change of weights', () => {
    const source = settableInstances([
      { id: 'a', weight: 100 },
      { id: 'b', weight: 100 },
      { id: 'c', weight: 100 },
    ]);
    const balancer = roundRobin(source);
    expect(pickMany(() => balancer.pick(), 6).join('')).toBe('abcabc');
    source.set([{ id: 'a', weight: 3 }, { id: 'b' }]);
    expect(counts(pickMany(() => balancer.pick(), 40))).toEqual({ a: 30, b: 10 });
  });

  it('weighs 1 an endpoint of a source that gives no instances (a plain EndpointSource)', () => {
    const balancer = roundRobin({ endpoints: () => ['x', 'y'] });
    expect(pickMany(() => balancer.pick(), 4).join('')).toBe('xyxy');
  });
});

describe('weights in the random and least-loaded balancers', () => {
  const weights = { a: 6, b: 3, c: 1 };
  const specs = Object.entries(weights).map(([id, weight]) => ({ id, weight }));

  it('random picks each endpoint in proportion to its weight', () => {
    const balancer = random(settableInstances(specs), 42);
    const seen = counts(pickMany(() => balancer.pick(), 20_000));
    expect(seen.a! / 20_000).toBeCloseTo(0.6, 1);
    expect(seen.b! / 20_000).toBeCloseTo(0.3, 1);
    expect(seen.c! / 20_000).toBeCloseTo(0.1, 1);
  });

  it('least loaded reads weights as capacity: under load, calls in flight follow them', () => {
    const balancer = leastLoaded(settableInstances(specs), { seed: 7 });
    // 20 calls always in flight, every answer as fast: only the weights tell the instances apart.
    const inFlight: string[] = [];
    const seen = counts(
      pickMany(() => {
        const endpoint = balancer.pick();
        balancer.started(endpoint);
        inFlight.push(endpoint);
        if (inFlight.length > 20) balancer.succeeded(inFlight.shift()!, 5);
        return endpoint;
      }, 20_000),
    );
    expect(seen.a! / 20_000).toBeCloseTo(0.6, 1);
    expect(seen.b! / 20_000).toBeCloseTo(0.3, 1);
    expect(seen.c! / 20_000).toBeCloseTo(0.1, 1);
  });

  it('least loaded still moves calls off a heavy endpoint that is slow', () => {
    const balancer = leastLoaded(
      settableInstances([
        { id: 'heavy', weight: 3 },
        { id: 'light', weight: 1 },
      ]),
      { seed: 3 },
    );
    const seen = counts(
      pickMany(() => {
        const endpoint = balancer.pick();
        balancer.started(endpoint);
        balancer.succeeded(endpoint, endpoint === 'heavy' ? 200 : 2);
        return endpoint;
      }, 4000),
    );
    // By weight alone heavy would get 75%; its latency, 100 times the other's, wins over that.
    expect(seen.heavy! / 4000).toBeLessThan(0.5);
  });
});

describe('weighted key affinity (weighted rendezvous hashing)', () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
  const assignment = (affinity: KeyedBalancer<string>) =>
    new Map(keys.map((key) => [key, affinity.pickFor(key)]));

  it('gives each instance a share of the keys in proportion to its weight', () => {
    const affinity = keyAffinity(
      settableInstances([
        { id: 'a', weight: 5 },
        { id: 'b', weight: 3 },
        { id: 'c', weight: 2 },
      ]),
      (endpoint) => endpoint,
    );
    const seen = counts([...assignment(affinity).values()]);
    expect(seen.a! / keys.length).toBeCloseTo(0.5, 1);
    expect(seen.b! / keys.length).toBeCloseTo(0.3, 1);
    expect(seen.c! / keys.length).toBeCloseTo(0.2, 1);
  });

  it('moves only the keys a change of weight must move: to the instance whose weight grew', () => {
    const source = settableInstances([
      { id: 'a', weight: 2 },
      { id: 'b', weight: 2 },
      { id: 'c', weight: 1 },
    ]);
    const affinity = keyAffinity(source, (endpoint) => endpoint);
    const before = assignment(affinity);
    source.set([
      { id: 'a', weight: 2 },
      { id: 'b', weight: 2 },
      { id: 'c', weight: 3 },
    ]);
    const after = assignment(affinity);
    const moved = keys.filter((key) => after.get(key) !== before.get(key));
    expect(moved.every((key) => after.get(key) === 'c')).toBe(true);
    // c's share goes from 1/5 to 3/7: about 23% of the keys move, all of them to c.
    expect(moved.length / keys.length).toBeCloseTo(3 / 7 - 1 / 5, 1);
  });
});

import { describe, expect, it } from 'vitest';
import type { EndpointSource } from '../../lib/sd/endpointer/endpoint-source.js';
import { Endpointer } from '../../lib/sd/endpointer/endpointer.js';
import { NoEndpointsError } from '../../lib/sd/errors/no-endpoints.error.js';
import { random } from '../../lib/sd/lb/random.balancer.js';
import { roundRobin } from '../../lib/sd/lb/round-robin.balancer.js';
import { FixedInstanceSource, testInstance } from '../support/fixed-instance-source.js';

function fixed<E>(endpoints: readonly E[], name = '/services/test/abc'): EndpointSource<E> {
  const frozen = Object.freeze([...endpoints]);
  return { name, endpoints: () => frozen };
}

function countPicks<E>(pick: () => E, picks: number): Map<E, number> {
  const counts = new Map<E, number>();
  for (let i = 0; i < picks; i++) {
    const endpoint = pick();
    counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
  }
  return counts;
}

describe('roundRobin', () => {
  it('picks each of N endpoints exactly k times over N*k picks, in turn', () => {
    const endpoints = ['a', 'b', 'c', 'd', 'e'];
    const balancer = roundRobin(fixed(endpoints));

    expect(Array.from({ length: 10 }, () => balancer.pick()).join('')).toBe('abcdeabcde');
    const counts = countPicks(() => balancer.pick(), endpoints.length * 1000);
    expect([...counts.values()]).toEqual([1000, 1000, 1000, 1000, 1000]);
  });

  it('keeps going in turn when the endpoint set shrinks or grows', () => {
    const source = new FixedInstanceSource();
    const [a, b, c] = ['a', 'b', 'c'].map((id, i) =>
      testInstance(id, `http://127.0.0.1:${9001 + i}`),
    );
    source.publishInstances(a!, b!, c!);
    const endpointer = new Endpointer(source, (instance) => ({ endpoint: instance.id }));
    const balancer = roundRobin(endpointer);

    expect([balancer.pick(), balancer.pick(), balancer.pick()]).toEqual(['a', 'b', 'c']);
    balancer.pick(); // 'a'
    source.publishInstances(a!);
    expect([balancer.pick(), balancer.pick()]).toEqual(['a', 'a']);
    source.publishInstances(a!, b!);
    expect(countPicks(() => balancer.pick(), 100)).toEqual(
      new Map([
        ['a', 50],
        ['b', 50],
      ]),
    );
  });

  it('throws NoEndpointsError naming the path and what to check when there are no endpoints', () => {
    const balancer = roundRobin(fixed([], '/services/hello/abc'));
    expect(() => balancer.pick()).toThrow(NoEndpointsError);
    expect(() => balancer.pick()).toThrow(
      /\/services\/hello\/abc.*registered.*ZooKeeper is reachable/,
    );
  });
});

describe('random', () => {
  it('with a seed, picks each of 3 endpoints within ±5% of a third over 30,000 picks', () => {
    const balancer = random(fixed(['a', 'b', 'c']), 42);
    const counts = countPicks(() => balancer.pick(), 30_000);
    expect(counts.size).toBe(3);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThanOrEqual(9_500);
      expect(count).toBeLessThanOrEqual(10_500);
    }
  });

  it('repeats the same sequence for the same seed, and another for another seed', () => {
    const endpoints = fixed(['a', 'b', 'c', 'd']);
    const sequence = (seed: number) => {
      const balancer = random(endpoints, seed);
      return Array.from({ length: 200 }, () => balancer.pick()).join('');
    };
    expect(sequence(7)).toBe(sequence(7));
    expect(sequence(7)).not.toBe(sequence(8));
  });

  it('without a seed, still spreads over every endpoint', () => {
    const balancer = random(fixed(['a', 'b', 'c']));
    expect(countPicks(() => balancer.pick(), 3_000).size).toBe(3);
  });

  it('throws NoEndpointsError when there are no endpoints', () => {
    const balancer = random(fixed([], '/services/hello/abc'), 1);
    expect(() => balancer.pick()).toThrow(NoEndpointsError);
    expect(() => balancer.pick()).toThrow(/No endpoints for \/services\/hello\/abc/);
  });
});

describe('NoEndpointsError', () => {
  it('says what to check even when the endpointer has no name', () => {
    const error = new NoEndpointsError();
    expect(error.message).toMatch(/^No endpoints available: check that the service is registered/);
    expect(error.message).toMatch(/ZooKeeper is reachable/);
  });
});

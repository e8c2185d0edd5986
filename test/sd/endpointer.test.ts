import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EndpointFactory } from '../../lib/sd/endpointer/endpoint-factory.js';
import { Endpointer } from '../../lib/sd/endpointer/endpointer.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import {
  FixedInstanceSource,
  RecordingLogger,
  testInstance,
} from '../support/fixed-instance-source.js';

/** An endpoint that remembers its instance and whether it was closed. */
interface FakeEndpoint {
  readonly id: string;
  readonly data: string;
  closed: number;
}

function recordingFactory(): EndpointFactory<FakeEndpoint> & { made: FakeEndpoint[] } {
  const made: FakeEndpoint[] = [];
  const factory = (instance: ServiceInstance) => {
    const endpoint: FakeEndpoint = { id: instance.id, data: instance.raw.toString(), closed: 0 };
    made.push(endpoint);
    return {
      endpoint,
      close: () => {
        endpoint.closed++;
      },
    };
  };
  return Object.assign(factory, { made });
}

const a = testInstance('a', 'http://127.0.0.1:9001');
const b = testInstance('b', 'http://127.0.0.1:9002');
const c = testInstance('c', 'http://127.0.0.1:9003');

afterEach(() => {
  vi.useRealTimers();
});

describe('Endpointer', () => {
  it('makes one endpoint per instance, ordered by instance id, with instances() in the same order', () => {
    const source = new FixedInstanceSource();
    source.publishInstances(c, a, b);
    const endpointer = new Endpointer(source, recordingFactory(), {
      logger: new RecordingLogger(),
    });

    expect(endpointer.endpoints().map((endpoint) => endpoint.id)).toEqual(['a', 'b', 'c']);
    expect(endpointer.instances().map((instance) => instance.id)).toEqual(['a', 'b', 'c']);
    expect(endpointer.snapshot).toBe(source.snapshot);
  });

  it('keeps the same endpoint object for an instance that stays (same id and bytes, new object)', () => {
    const source = new FixedInstanceSource();
    const factory = recordingFactory();
    source.publishInstances(a, b);
    const endpointer = new Endpointer(source, factory, { logger: new RecordingLogger() });
    const [endpointA, endpointB] = endpointer.endpoints();

    // A re-decoded copy of `a` (new object, equal bytes) and a new instance `c`.
    source.publishInstances(testInstance('a', 'http://127.0.0.1:9001'), b, c);

    expect(endpointer.endpoints()[0]).toBe(endpointA);
    expect(endpointer.endpoints()[1]).toBe(endpointB);
    expect(factory.made).toHaveLength(3);
    expect(endpointA!.closed + endpointB!.closed).toBe(0);
  });

  it('closes the endpoint of a removed instance and of a changed one, and makes a new one for the change', () => {
    const source = new FixedInstanceSource();
    const factory = recordingFactory();
    source.publishInstances(a, b, c);
    const endpointer = new Endpointer(source, factory, { logger: new RecordingLogger() });
    const [endpointA, endpointB, endpointC] = endpointer.endpoints();

    const changedB = testInstance('b', 'http://127.0.0.1:9999');
    source.publishInstances(a, changedB);

    expect(endpointA!.closed).toBe(0);
    expect(endpointB!.closed).toBe(1);
    expect(endpointC!.closed).toBe(1);
    const [keptA, newB] = endpointer.endpoints();
    expect(keptA).toBe(endpointA);
    expect(newB).not.toBe(endpointB);
    expect(newB!.data).toBe('http://127.0.0.1:9999');
    expect(endpointer.instances()[1]).toBe(changedB);
  });

  it('skips an instance whose factory throws, logs it once per id and bytes, and keeps the rest', () => {
    const source = new FixedInstanceSource();
    const logger = new RecordingLogger();
    const bad = testInstance('bad', 'not a url');
    const inner = recordingFactory();
    const factory: EndpointFactory<FakeEndpoint> = (instance) => {
      if (!instance.url) throw new Error(`no url in ${instance.raw.toString()}`);
      return inner(instance);
    };
    source.publishInstances(a, bad, b);
    const endpointer = new Endpointer(source, factory, { logger });

    expect(endpointer.endpoints().map((endpoint) => endpoint.id)).toEqual(['a', 'b']);
    source.publishInstances(a, bad, b, c);
    source.publishInstances(a, bad, c);
    expect(endpointer.endpoints().map((endpoint) => endpoint.id)).toEqual(['a', 'c']);
    expect(logger.matching('instance bad')).toHaveLength(1);
    expect(logger.matching('instance bad')[0]).toContain('no url in not a url');
    expect(logger.matching('instance bad')[0]).toContain('/services/test/abc');

    // New bytes for the same id: a different failure, logged again.
    source.publishInstances(a, testInstance('bad', 'still not a url'), c);
    expect(logger.matching('instance bad')).toHaveLength(2);
  });

  it('returns the same frozen array from endpoints() until the set changes', () => {
    const source = new FixedInstanceSource();
    source.publishInstances(a, b);
    const endpointer = new Endpointer(source, recordingFactory(), {
      logger: new RecordingLogger(),
    });
    const first = endpointer.endpoints();
    const instances = endpointer.instances();

    expect(Object.isFrozen(first)).toBe(true);
    expect(endpointer.endpoints()).toBe(first);
    source.publishInstances(testInstance('b', 'http://127.0.0.1:9002'), a); // same set, new objects
    expect(endpointer.endpoints()).toBe(first);
    expect(endpointer.instances()).toBe(instances);

    source.publishInstances(a);
    expect(endpointer.endpoints()).not.toBe(first);
    expect(endpointer.endpoints()).toHaveLength(1);
  });

  it('logs endpoint close errors, thrown or rejected, and never throws them', async () => {
    const source = new FixedInstanceSource();
    const logger = new RecordingLogger();
    const factory: EndpointFactory<string> = (instance) => ({
      endpoint: instance.id,
      close:
        instance.id === 'a'
          ? () => {
              throw new Error('thrown close failure');
            }
          : () => Promise.reject(new Error('rejected close failure')),
    });
    source.publishInstances(a, b);
    const endpointer = new Endpointer(source, factory, { logger });

    expect(() => source.publishInstances()).not.toThrow();
    await endpointer.close();
    expect(logger.matching('thrown close failure')).toHaveLength(1);
    expect(logger.matching('rejected close failure')).toHaveLength(1);
    expect(logger.matching('instance b')).toHaveLength(1);
  });

  it('tells a subscriber the current endpoints at once, then only real changes', () => {
    const source = new FixedInstanceSource();
    source.publishInstances(a);
    const endpointer = new Endpointer(source, recordingFactory(), {
      logger: new RecordingLogger(),
    });
    const seen: string[][] = [];
    const unsubscribe = endpointer.subscribe((endpoints, instances) => {
      expect(instances.map((instance) => instance.id)).toEqual(endpoints.map((e) => e.id));
      seen.push(endpoints.map((endpoint) => endpoint.id));
    });

    source.publishInstances(a); // no change
    source.publishInstances(a, b);
    source.fail(); // failing: endpoints kept, no change
    unsubscribe();
    source.publishInstances(c);

    expect(seen).toEqual([['a'], ['a', 'b']]);
  });

  it('keeps the last endpoints through a discovery outage by default, however long (go-kit default)', () => {
    vi.useFakeTimers();
    const source = new FixedInstanceSource();
    source.publishInstances(a, b);
    const endpointer = new Endpointer(source, recordingFactory(), {
      logger: new RecordingLogger(),
    });
    const before = endpointer.endpoints();

    source.fail(new Error('ZooKeeper unreachable'));
    source.publish({ instances: [], stale: true, error: new Error('still unreachable') });
    vi.advanceTimersByTime(24 * 3600_000);

    expect(endpointer.endpoints()).toBe(before);
    expect(endpointer.snapshot?.error?.message).toBe('still unreachable');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with invalidateOnErrorMs, keeps the endpoints that long into an outage, then closes and empties them until a good snapshot', () => {
    vi.useFakeTimers();
    const source = new FixedInstanceSource();
    const factory = recordingFactory();
    const logger = new RecordingLogger();
    source.publishInstances(a, b);
    const endpointer = new Endpointer(source, factory, { invalidateOnErrorMs: 1000, logger });
    const before = endpointer.endpoints();

    source.fail(new Error('connection loss'));
    vi.advanceTimersByTime(600);
    source.publish({ instances: [a, b], stale: true }); // still failing, no error
    vi.advanceTimersByTime(399);
    expect(endpointer.endpoints()).toBe(before);

    vi.advanceTimersByTime(1);
    expect(endpointer.endpoints()).toEqual([]);
    expect(before.every((endpoint) => endpoint.closed === 1)).toBe(true);
    expect(logger.matching('dropping 2 endpoint(s)')).toHaveLength(1);

    source.fail(new Error('connection loss')); // failing again: stays empty
    expect(endpointer.endpoints()).toEqual([]);

    source.publishInstances(a, b);
    expect(endpointer.endpoints().map((endpoint) => endpoint.id)).toEqual(['a', 'b']);
    expect(factory.made).toHaveLength(4);
  });

  it('cancels the invalidation when a good snapshot arrives before the timeout, and restarts the clock on the next outage', () => {
    vi.useFakeTimers();
    const source = new FixedInstanceSource();
    source.publishInstances(a);
    const endpointer = new Endpointer(source, recordingFactory(), {
      invalidateOnErrorMs: 1000,
      logger: new RecordingLogger(),
    });
    const before = endpointer.endpoints();

    source.fail();
    vi.advanceTimersByTime(900);
    source.publishInstances(a);
    expect(vi.getTimerCount()).toBe(0);
    source.fail();
    vi.advanceTimersByTime(900);
    expect(endpointer.endpoints()).toBe(before);
    vi.advanceTimersByTime(100);
    expect(endpointer.endpoints()).toEqual([]);
  });

  it('drops the endpoints at the first failing snapshot when invalidateOnErrorMs is 0', () => {
    const source = new FixedInstanceSource();
    source.publishInstances(a);
    const endpointer = new Endpointer(source, recordingFactory(), {
      invalidateOnErrorMs: 0,
      logger: new RecordingLogger(),
    });
    source.fail();
    expect(endpointer.endpoints()).toEqual([]);
  });

  it('adopts the instances of a first snapshot that is already stale (nothing better to keep)', () => {
    const source = new FixedInstanceSource();
    source.publish({ instances: [a, b], stale: true });
    const endpointer = new Endpointer(source, recordingFactory(), {
      logger: new RecordingLogger(),
    });
    expect(endpointer.endpoints()).toHaveLength(2);
  });

  it('is named after the source path unless given a name', () => {
    const source = new FixedInstanceSource('/services/hello/abc');
    expect(new Endpointer(source, recordingFactory()).name).toBe('/services/hello/abc');
    expect(new Endpointer(source, recordingFactory(), { name: 'hello' }).name).toBe('hello');
  });

  it('rejects an invalidateOnErrorMs that is negative or too large for a timer', () => {
    const source = new FixedInstanceSource();
    expect(() => new Endpointer(source, recordingFactory(), { invalidateOnErrorMs: -1 })).toThrow(
      RangeError,
    );
    expect(
      () => new Endpointer(source, recordingFactory(), { invalidateOnErrorMs: 2 ** 31 }),
    ).toThrow(/invalidateOnErrorMs/);
  });

  it('close() unsubscribes, closes every endpoint, waits for async closes, empties endpoints() and is idempotent', async () => {
    vi.useFakeTimers();
    const source = new FixedInstanceSource();
    let asyncClosesDone = 0;
    const factory: EndpointFactory<string> = (instance) => ({
      endpoint: instance.id,
      close: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        asyncClosesDone++;
      },
    });
    source.publishInstances(a, b);
    const endpointer = new Endpointer(source, factory, {
      invalidateOnErrorMs: 10_000,
      logger: new RecordingLogger(),
    });
    source.fail(); // arms the invalidation timer
    expect(source.listenerCount).toBe(1);

    const closing = endpointer.close();
    expect(endpointer.close()).toBe(closing);
    expect(endpointer.endpoints()).toEqual([]);
    expect(endpointer.instances()).toEqual([]);
    expect(source.listenerCount).toBe(0);
    await vi.advanceTimersByTimeAsync(50);
    await closing;
    expect(asyncClosesDone).toBe(2);
    expect(vi.getTimerCount()).toBe(0);

    source.publishInstances(a, b, c); // ignored after close
    expect(endpointer.endpoints()).toEqual([]);
  });
});

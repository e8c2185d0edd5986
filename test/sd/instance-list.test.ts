import { describe, expect, it } from 'vitest';
import { spliceChange } from '../../lib/sd/endpointer/endpoint-plan.js';
import { Endpointer } from '../../lib/sd/endpointer/endpointer.js';
import { InstanceList } from '../../lib/sd/instancer/instance-list.js';
import { changeBetween } from '../../lib/sd/instancer/instances-change.js';
import type { ServiceInstance } from '../../lib/sd/service-instance.js';
import { FixedInstanceSource, testInstance } from '../support/fixed-instance-source.js';

interface Entry {
  readonly instance: ServiceInstance | undefined;
  listed: boolean;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts the endpoints a factory made; instances whose data is "bad" make it throw. */
function countingFactory() {
  const made: string[] = [];
  const factory = (instance: ServiceInstance) => {
    if (instance.raw.toString() === 'bad') throw new Error('bad instance');
    made.push(instance.id);
    return { endpoint: { id: instance.id, data: instance.raw.toString() }, close: () => {} };
  };
  return Object.assign(factory, { made });
}

const silent = { log: () => {}, warn: () => {}, error: () => {} };

describe('InstanceList and the endpointer splicing its changes', () => {
  it('over random adds, removals, replacements and clears: the same lists and endpoints as rebuilding every time', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const list = new InstanceList<Entry>();
      const current = new Map<string, Entry>();
      // One endpointer follows the list as published (it can ask what changed); the other gets a
      // copy of each list, so it always plans from scratch.
      const spliced = new FixedInstanceSource();
      const planned = new FixedInstanceSource();
      const splicedFactory = countingFactory();
      const plannedFactory = countingFactory();
      const a = new Endpointer(spliced, splicedFactory, { logger: silent });
      const b = new Endpointer(planned, plannedFactory, { logger: silent });
      let splicedSteps = 0;
      for (let step = 0; step < 300; step++) {
        const changes = next() < 0.1 ? 20 : 1 + Math.floor(next() * 3);
        for (let k = 0; k < changes; k++) {
          const id = `i${String(Math.floor(next() * 40)).padStart(2, '0')}`;
          const old = current.get(id);
          if (next() < 0.02) {
            list.clear();
            current.clear();
          } else if (old && next() < 0.4) {
            list.remove(old);
            current.delete(id);
          } else {
            const roll = next();
            const data =
              roll < 0.1 ? 'bad' : roll < 0.5 && old ? old.instance?.raw.toString() : `d${step}`;
            const entry: Entry = {
              instance: roll < 0.05 ? undefined : testInstance(id, data ?? `d${step}`),
              listed: false,
            };
            if (old) list.remove(old);
            current.set(id, entry);
            list.add(entry);
          }
        }
        const before = spliced.snapshot?.instances;
        const instances = list.instances();
        const expected = [...current.values()]
          .flatMap((entry) => (entry.instance ? [entry.instance] : []))
          .sort((x, y) => (x.id < y.id ? -1 : 1));
        expect(instances).toEqual(expected);
        if (before && before !== instances && changeBetween(before, instances)) splicedSteps++;
        spliced.publish({ instances });
        planned.publish({ instances: [...instances] });
        expect(a.instances().map((i) => `${i.id}=${i.raw}`)).toEqual(
          b.instances().map((i) => `${i.id}=${i.raw}`),
        );
        expect(a.endpoints()).toEqual(b.endpoints());
      }
      // Both made exactly the same endpoints: an unchanged instance kept its own.
      expect(splicedFactory.made).toEqual(plannedFactory.made);
      expect(splicedSteps).toBeGreaterThan(100);
    }
  });

  it('spliceChange applies a few changes and declines many, or a removal it does not hold', () => {
    const [x, y, z] = [testInstance('x', '1'), testInstance('y', '2'), testInstance('z', '3')];
    const entry = (instance: ServiceInstance) => ({
      instance,
      endpoint: instance.id,
      close: undefined,
    });
    const lists = { entries: [entry(x), entry(z)], endpoints: ['x', 'z'], instances: [x, z] };
    const done = spliceChange(lists, { added: [y], removed: [x] }, entry);
    expect(done?.lists.endpoints).toEqual(['y', 'z']);
    expect(done?.lists.instances).toEqual([y, z]);
    expect(done?.removed.map((e) => e.instance)).toEqual([x]);
    expect(lists.endpoints).toEqual(['x', 'z']);
    expect(spliceChange(lists, { added: [], removed: [y] }, entry)).toBeUndefined();
    const many = Array.from({ length: 17 }, (_, i) => testInstance(`n${i}`, 'n'));
    expect(spliceChange(lists, { added: many, removed: [] }, entry)).toBeUndefined();
  });
});

import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { BareZk } from '../support/bare-zk.js';
import { benchPath, registerFleet, registerWeightedFleet } from '../support/fleet.js';
import { table } from '../support/format.js';
import { collectGarbage } from '../support/heap.js';
import { connectClient, watchEndpointer } from '../support/lib-parts.js';
import { median } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const INSTANCES = 3;
const CALLS = 10_000_000;
const RUNS = 7;
const GOAL_NS = 50;

/** Keeps the loops' results alive so the compiler cannot drop the calls. */
const sink: { value: unknown } = { value: undefined };

interface Loop {
  label: string;
  body: (calls: number) => void;
  /** Held to the goal (< 50 ns, no allocation): the O(1) calls. */
  goal?: boolean;
}

/**
 * Issue 7, item 5: `endpoints()` and a round-robin `pick()` of a live `ZkEndpointer` (3 instances
 * on a real server), in ns per call and bytes allocated per call. Time: `CALLS` calls per run,
 * `RUNS` runs after a warm-up run, median. Allocation: the process runs with a 512 MB young
 * generation (`--min-semi-space-size=512 --max-semi-space-size=512`), so a loop of `CALLS` calls
 * runs without any collection (checked: a GC observer counts collections during the loop) and
 * the growth of `heapUsed` across it is what it allocated. A control loop allocating one small
 * object per call shows the method sees allocations.
 */
export const hotPath: BenchCase = {
  name: 'hot-path',
  title: '5. Hot path',
  async run({ zk, log }) {
    const filler = await BareZk.connect(zk.connectString);
    const path = benchPath('hot');
    await registerFleet(filler, path, INSTANCES);
    const client = await connectClient(zk.connectString);
    const { endpointer } = await watchEndpointer(client, path, INSTANCES);
    const leastLoaded = (
      await watchEndpointer(client, path, INSTANCES, 60_000, { balancer: 'leastLoaded' })
    ).endpointer;
    const randomPicks = (
      await watchEndpointer(client, path, INSTANCES, 60_000, { balancer: 'random' })
    ).endpointer;
    // The same three, weighted 3, 2 and 1 (Spring nodes carrying metadata `weight`).
    const weightedPath = benchPath('hot-weighted');
    await registerWeightedFleet(filler, weightedPath, [3, 2, 1]);
    const weighted = async (balancer: 'roundRobin' | 'random' | 'leastLoaded') =>
      (await watchEndpointer(client, weightedPath, INSTANCES, 60_000, { balancer })).endpointer;
    const weightedRoundRobin = await weighted('roundRobin');
    const weightedRandom = await weighted('random');
    const weightedLeastLoaded = await weighted('leastLoaded');
    const frozen = Object.freeze([1, 2, 3]);
    const loops: Loop[] = [
      {
        label: '`endpointer.endpoints()`',
        goal: true,
        body: (calls) => {
          let total = 0;
          for (let i = 0; i < calls; i++) total += endpointer.endpoints().length;
          sink.value = total;
        },
      },
      {
        label: '`endpointer.pick()` (round robin)',
        goal: true,
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = endpointer.pick();
          sink.value = last;
        },
      },
      {
        label: '`endpointer.pick()` (random)',
        goal: true,
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = randomPicks.pick();
          sink.value = last;
        },
      },
      {
        label: '`endpointer.pick()` (least loaded: two random draws, two loads)',
        goal: true,
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = leastLoaded.pick();
          sink.value = last;
        },
      },
      {
        label: '`endpointer.pick()` (smooth weighted round robin, weights 3, 2, 1; O(n))',
        goal: true,
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = weightedRoundRobin.pick();
          sink.value = last;
        },
      },
      {
        label: '`endpointer.pick()` (weighted random, weights 3, 2, 1; O(log n))',
        goal: true,
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = weightedRandom.pick();
          sink.value = last;
        },
      },
      {
        label: '`endpointer.pick()` (least loaded, weights 3, 2, 1)',
        goal: true,
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = weightedLeastLoaded.pick();
          sink.value = last;
        },
      },
      {
        label: '`endpointer.pickFor(key)` (rendezvous over 3, a 12-character key; O(n), no goal)',
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = endpointer.pickFor('user-1234567');
          sink.value = last;
        },
      },
      {
        label: '`endpointer.pickFor(key)` (weighted rendezvous over 3, weights 3, 2, 1; no goal)',
        body: (calls) => {
          let last: unknown;
          for (let i = 0; i < calls; i++) last = weightedRoundRobin.pickFor('user-1234567');
          sink.value = last;
        },
      },
      {
        label: "empty loop (reads a frozen array's length)",
        body: (calls) => {
          let total = 0;
          for (let i = 0; i < calls; i++) total += frozen.length;
          sink.value = total;
        },
      },
      {
        label: 'control: allocates `{ i }` per call',
        body: (calls) => {
          for (let i = 0; i < calls; i++) sink.value = { i };
        },
      },
    ];
    const rows: string[][] = [];
    try {
      for (const loop of loops) {
        log(loop.label);
        const ns = await timeLoop(loop);
        const allocation = await allocationOf(loop);
        const goal = !loop.goal
          ? ''
          : ns < GOAL_NS && allocation.bytesPerCall < 1
            ? '**met**'
            : '**missed**';
        rows.push([
          loop.label,
          ns.toFixed(1),
          allocation.bytesPerCall.toFixed(3),
          String(allocation.collections),
          goal,
        ]);
      }
    } finally {
      await endpointer.close();
      await leastLoaded.close();
      for (const closing of [
        randomPicks,
        weightedRoundRobin,
        weightedRandom,
        weightedLeastLoaded,
      ]) {
        await closing.close();
      }
      await client.close();
      filler.close();
    }
    return [
      `${INSTANCES} instances; ${CALLS.toLocaleString('en-US')} calls per run, median of ${RUNS} ` +
        'runs after a warm-up run. An allocation is at least 16 bytes, so under 1 byte per call ' +
        'means no allocation on the path (what remains is the loop harness).',
      '',
      table(
        [
          '',
          'ns per call',
          'bytes allocated per call',
          'collections during the allocation loop',
          `goal < ${GOAL_NS} ns, no allocation`,
        ],
        rows,
      ),
    ].join('\n');
  },
};

async function timeLoop(loop: Loop): Promise<number> {
  loop.body(CALLS);
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    loop.body(CALLS);
    samples.push(Number(process.hrtime.bigint() - started) / CALLS);
  }
  return median(samples);
}

async function allocationOf(loop: Loop): Promise<{ bytesPerCall: number; collections: number }> {
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    collections += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    const samples: number[] = [];
    let during = 0;
    for (let run = 0; run < 3; run++) {
      await collectGarbage();
      await delay(20); // the observer hears of the forced collections before counting starts
      const counted = collections;
      const before = process.memoryUsage().heapUsed;
      loop.body(CALLS);
      const after = process.memoryUsage().heapUsed;
      await delay(20);
      during = Math.max(during, collections - counted);
      samples.push((after - before) / CALLS);
    }
    return { bytesPerCall: median(samples), collections: during };
  } finally {
    observer.disconnect();
  }
}

import { setTimeout as delay } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { Arrivals, holdsSorted } from '../support/arrivals.js';
import { BareWatcher } from '../support/bare-watcher.js';
import { BareZk } from '../support/bare-zk.js';
import { startConsumerApp, WATCHED_PATH, WatchingService } from '../support/consumer-app.js';
import { benchPath } from '../support/fleet.js';
import { count, medianP95, ratio, table, verdict } from '../support/format.js';
import { delta, mntr } from '../support/mntr.js';
import { BURST_GOAL } from '../support/propagation-report.js';
import { Registrant } from '../support/registrant.js';
import { summarize } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const APPS = 50;
const TRIALS = 40;
const WARMUP = 5;

interface Spread {
  /** When the last consumer held the change, from the change. */
  last: number;
  /** When the median consumer did. */
  median: number;
}

/**
 * Issue 7, item 6: 50 Nest application contexts in this process, each with its own session and an
 * `@InjectEndpointer(path)` provider; one instance registers (then deregisters); time until the
 * last of them holds it. Against 50 bare watchers on their own sessions.
 */
export const manyConsumers: BenchCase = {
  name: 'many-consumers',
  title: '6. Many consumers',
  async run({ zk, log }) {
    const servers = zk.connectString;
    log(`starting ${APPS} Nest application contexts and ${APPS} bare watchers`);
    const registrant = await Registrant.start(servers);
    const setup = await BareZk.connect(servers);
    await setup.ensurePath(WATCHED_PATH);
    const floorPath = benchPath('many-floor');
    await setup.ensurePath(floorPath);
    setup.close();
    const apps: INestApplicationContext[] = [];
    for (let i = 0; i < APPS; i++) apps.push(await startConsumerApp(servers));
    const arrivals = apps.map((app) => {
      const { endpointer } = app.get(WatchingService);
      const tracker = new Arrivals();
      endpointer.subscribe(() => {
        const at = performance.now();
        const instances = endpointer.instances();
        tracker.notify(at, (id) => holdsSorted(instances, id));
      });
      return tracker;
    });
    const bareSessions = await Promise.all(
      Array.from({ length: APPS }, () => BareZk.connect(servers)),
    );
    const watchers = bareSessions.map((session) => new BareWatcher(session.native, floorPath));
    await Promise.all(watchers.map((watcher) => watcher.start()));
    const floorArrivals = watchers.map((watcher) => {
      const tracker = new Arrivals();
      watcher.onChange((change) => tracker.notify(change.at, (id) => watcher.held.has(id)));
      return tracker;
    });
    const results = {
      ours: { register: [] as Spread[], deregister: [] as Spread[] },
      floor: { register: [] as Spread[], deregister: [] as Spread[] },
    };
    let cacheHits = 0;
    let serverReads = 0;
    try {
      for (let trial = 0; trial < WARMUP + TRIALS; trial++) {
        const record = trial >= WARMUP;
        // ours
        const before = await mntr(zk);
        const { node, resolved: registered } = await registrant.register(
          WATCHED_PATH,
          'http://127.0.0.1:4321',
        );
        const id = node.slice(WATCHED_PATH.length + 1);
        const held = await Promise.all(arrivals.map((tracker) => tracker.when(id, true)));
        await delay(5);
        const after = await mntr(zk);
        const { resolved: deregistered } = await registrant.deregister(node);
        const dropped = await Promise.all(arrivals.map((tracker) => tracker.when(id, false)));
        await delay(5);
        if (record) {
          results.ours.register.push(spread(held, registered));
          results.ours.deregister.push(spread(dropped, deregistered));
          cacheHits += delta(before, after, 'zk_response_packet_get_children_cache_hits');
          serverReads += delta(before, after, 'zk_cnt_readlatency');
        }
        // floor
        const { node: created, resolved: createdAt } = await registrant.create(
          floorPath,
          'http://127.0.0.1:4321',
        );
        const floorId = created.slice(floorPath.length + 1);
        const floorHeld = await Promise.all(floorArrivals.map((t) => t.when(floorId, true)));
        await delay(5);
        const { resolved: deletedAt } = await registrant.delete(created);
        const floorDropped = await Promise.all(floorArrivals.map((t) => t.when(floorId, false)));
        await delay(5);
        if (record) {
          results.floor.register.push(spread(floorHeld, createdAt));
          results.floor.deregister.push(spread(floorDropped, deletedAt));
        }
      }
    } finally {
      for (const app of apps) await app.close();
      await registrant.close();
      for (const session of bareSessions) session.close();
    }
    const rows: string[][] = [];
    for (const direction of ['register', 'deregister'] as const) {
      const oursLast = summarize(results.ours[direction].map((s) => s.last));
      const floorLast = summarize(results.floor[direction].map((s) => s.last));
      const r = oursLast.median / floorLast.median;
      rows.push([
        direction,
        medianP95(summarize(results.ours[direction].map((s) => s.median))),
        medianP95(oursLast),
        medianP95(summarize(results.floor[direction].map((s) => s.median))),
        medianP95(floorLast),
        ratio(r),
        verdict(r <= BURST_GOAL),
      ]);
    }
    return [
      `${APPS} Nest application contexts in one process, each with its own ZooKeeper session and ` +
        `an \`@InjectEndpointer('${WATCHED_PATH}')\` provider; ${APPS} bare watchers on their own ` +
        `sessions for the floor; the registering app in a process of its own. Times from the ` +
        `change's resolution in the registering app. ${TRIALS} trials (after ${WARMUP} unrecorded). All consumers ` +
        'share one event loop and two cores with the server, so the spread between the first and ' +
        'the last is mostly their turn on the loop.',
      '',
      table(
        [
          'change',
          'library, median consumer',
          'library, last consumer',
          'floor, median consumer',
          'floor, last consumer',
          'last, ratio of p50s',
          `goal ≤ ${BURST_GOAL}×`,
        ],
        rows,
      ),
      '',
      `Server reads per registration: ${(serverReads / TRIALS).toFixed(1)} (${APPS} children ` +
        `reads and ${APPS} data reads; the registrar sends no read, only its create); ` +
        `${(cacheHits / TRIALS).toFixed(1)} of the children reads ` +
        "were answered from the server's serialized-response cache (`get_children2` of an " +
        `unchanged list): ${count(APPS)} sessions reading the same new list cost the server one ` +
        'serialization.',
    ].join('\n');
  },
};

function spread(times: readonly number[], from: number): Spread {
  const sorted = times.map((t) => t - from).sort((a, b) => a - b);
  return { last: sorted[sorted.length - 1]!, median: sorted[Math.floor(sorted.length / 2)]! };
}

import { setTimeout as delay } from 'node:timers/promises';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { Arrivals, holdsSorted } from '../support/arrivals.js';
import { BareWatcher } from '../support/bare-watcher.js';
import { BareZk } from '../support/bare-zk.js';
import { type ConsumerApp, startConsumerApp, watchedPath } from '../support/consumer-app.js';
import { benchPath } from '../support/fleet.js';
import { count, medianP95, positiveRatio, ratio, table, verdict } from '../support/format.js';
import { libraryLabel, TRANSPORTS } from '../support/lib-parts.js';
import { delta, mntr } from '../support/mntr.js';
import { nthOrder } from '../support/order.js';
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

/** A side of a trial: the library on a transport, or the floor. */
type Side = ZkTransport | 'floor';

/** One side's trials, by direction. */
interface SideSpreads {
  register: Spread[];
  deregister: Spread[];
}

/**
 * Issue 7, item 6: 50 Nest application contexts in this process, each with its own session and an
 * `@InjectEndpointer(path)` provider; one instance registers (then deregisters); time until the
 * last of them holds it. The library once per transport (issue 23: 50 apps on sessions of that
 * transport, on a path of their own, the registering app's `Registrar` on the same transport),
 * against 50 bare watchers on their own sessions.
 */
export const manyConsumers: BenchCase = {
  name: 'many-consumers',
  title: '6. Many consumers',
  async run({ zk, log }) {
    const servers = zk.connectString;
    log(
      `starting ${APPS} Nest application contexts per transport (${TRANSPORTS.join(', ')}) and ` +
        `${APPS} bare watchers`,
    );
    const registrant = await Registrant.start(servers);
    const setup = await BareZk.connect(servers);
    for (const transport of TRANSPORTS) await setup.ensurePath(watchedPath(transport));
    const floorPath = benchPath('many-floor');
    await setup.ensurePath(floorPath);
    setup.close();
    const apps: ConsumerApp[] = [];
    const arrivals = new Map<ZkTransport, Arrivals[]>();
    for (const transport of TRANSPORTS) {
      const trackers: Arrivals[] = [];
      for (let i = 0; i < APPS; i++) {
        const consumer = await startConsumerApp(servers, transport);
        apps.push(consumer);
        const { endpointer } = consumer;
        const tracker = new Arrivals();
        endpointer.subscribe(() => {
          const at = performance.now();
          const instances = endpointer.instances();
          tracker.notify(at, (id) => holdsSorted(instances, id));
        });
        trackers.push(tracker);
      }
      arrivals.set(transport, trackers);
    }
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
    const sides: Side[] = [...TRANSPORTS, 'floor'];
    const results = new Map<Side, SideSpreads>(
      sides.map((side) => [side, { register: [], deregister: [] }]),
    );
    const reads = new Map(TRANSPORTS.map((t) => [t, { cacheHits: 0, serverReads: 0 }]));
    const libraryTrial = async (transport: ZkTransport, record: boolean) => {
      const path = watchedPath(transport);
      const trackers = arrivals.get(transport)!;
      const before = await mntr(zk);
      const { node, resolved: registered } = await registrant.register(
        transport,
        path,
        'http://127.0.0.1:4321',
      );
      const id = node.slice(path.length + 1);
      const held = await Promise.all(trackers.map((tracker) => tracker.when(id, true)));
      await delay(5);
      const after = await mntr(zk);
      const { resolved: deregistered } = await registrant.deregister(node);
      const dropped = await Promise.all(trackers.map((tracker) => tracker.when(id, false)));
      await delay(5);
      if (!record) return;
      results.get(transport)!.register.push(spread(held, registered));
      results.get(transport)!.deregister.push(spread(dropped, deregistered));
      const counted = reads.get(transport)!;
      counted.cacheHits += delta(before, after, 'zk_response_packet_get_children_cache_hits');
      counted.serverReads += delta(before, after, 'zk_cnt_readlatency');
    };
    const floorTrial = async (record: boolean) => {
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
      if (!record) return;
      results.get('floor')!.register.push(spread(floorHeld, createdAt));
      results.get('floor')!.deregister.push(spread(floorDropped, deletedAt));
    };
    try {
      for (let trial = 0; trial < WARMUP + TRIALS; trial++) {
        const record = trial >= WARMUP;
        for (const side of nthOrder(sides, trial)) {
          if (side === 'floor') await floorTrial(record);
          else await libraryTrial(side, record);
        }
      }
    } finally {
      for (const { app } of apps) await app.close();
      await registrant.close();
      for (const session of bareSessions) session.close();
    }
    const [reference, ...others] = TRANSPORTS;
    const rows: string[][] = [];
    for (const direction of ['register', 'deregister'] as const) {
      const last = (side: Side) => summarize(results.get(side)![direction].map((s) => s.last));
      const middle = (side: Side) => summarize(results.get(side)![direction].map((s) => s.median));
      const floorLast = last('floor');
      const referenceLast = last(reference!);
      for (const transport of TRANSPORTS) {
        const oursLast = last(transport);
        const r = oursLast.median / floorLast.median;
        rows.push([
          direction,
          libraryLabel(transport),
          medianP95(middle(transport)),
          medianP95(oursLast),
          medianP95(middle('floor')),
          medianP95(floorLast),
          oursLast.median <= 0 ? 'ahead' : ratio(r),
          verdict(r <= BURST_GOAL),
          transport === reference
            ? 'reference'
            : positiveRatio(oursLast.median, referenceLast.median),
        ]);
      }
    }
    const readsLine = TRANSPORTS.map((transport) => {
      const { serverReads, cacheHits } = reads.get(transport)!;
      return (
        `${transport} ${(serverReads / TRIALS).toFixed(1)}, of which ` +
        `${(cacheHits / TRIALS).toFixed(1)} children reads answered from the cache`
      );
    }).join('; ');
    return [
      `${APPS} Nest application contexts per transport in one process, each with its own ` +
        'ZooKeeper session of that transport and an `@InjectEndpointer(path)` provider ' +
        `(${TRANSPORTS.map((t) => `\`${watchedPath(t)}\``).join(', ')}); ${APPS} bare watchers ` +
        'on their own sessions for the floor; the registering app in a process of its own ' +
        "(`Registrar` on the consumers' transport). Times from the change's resolution in the " +
        `registering app. ${TRIALS} trials (after ${WARMUP} unrecorded), each trial taking the ` +
        'next order of the three sides. All consumers ' +
        'share one event loop and two cores with the server, so the spread between the first and ' +
        'the last is mostly their turn on the loop.',
      '',
      table(
        [
          'change',
          'consumers',
          'library, median consumer',
          'library, last consumer',
          'floor, median consumer',
          'floor, last consumer',
          'last, ratio of p50s',
          `goal ≤ ${BURST_GOAL}×`,
          `${others.join(', ')}/${reference}, last p50`,
        ],
        rows,
      ),
      '',
      `Server reads per registration (${APPS} children reads and ${APPS} data reads expected; the ` +
        `registrar sends no read, only its create): ${readsLine}. A children read answered from ` +
        "the server's serialized-response cache (`get_children2` of an unchanged list) means " +
        `${count(APPS)} sessions reading the same new list cost the server one serialization.`,
    ].join('\n');
  },
};

function spread(times: readonly number[], from: number): Spread {
  const sorted = times.map((t) => t - from).sort((a, b) => a - b);
  return { last: sorted[sorted.length - 1]!, median: sorted[Math.floor(sorted.length / 2)]! };
}

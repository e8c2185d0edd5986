import { setTimeout as delay } from 'node:timers/promises';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { Arrivals, ChangeHistory, holdsSorted } from '../support/arrivals.js';
import { BareWatcher } from '../support/bare-watcher.js';
import { BareZk } from '../support/bare-zk.js';
import { type ConsumerApp, startConsumerApp, watchedPath } from '../support/consumer-app.js';
import { benchPath } from '../support/fleet.js';
import { count, medianP95, table, verdict } from '../support/format.js';
import { libraryLabel, TRANSPORTS } from '../support/lib-parts.js';
import { delta, mntr } from '../support/mntr.js';
import { nthOrder } from '../support/order.js';
import { BURST_GOAL, meetsGoal, versus } from '../support/propagation-report.js';
import { sideLabel } from '../support/propagation-rig.js';
import { Registrant, type Timed } from '../support/registrant.js';
import { smoke } from '../support/smoke.js';
import { summarize } from '../support/stats.js';
import { BareProtocol, TreeWatcher } from '../support/tree-watcher.js';
import type { BenchCase } from './bench-case.js';

const APPS = smoke(50, 5);
const TRIALS = smoke(40, 4);
const WARMUP = smoke(5, 1);

interface Spread {
  /** When the last consumer held the change, from the change's resolution. */
  last: number;
  /** When the median consumer did. */
  median: number;
  /** When the last consumer held the change, from the change's call. */
  lastFromCall: number;
}

/**
 * A side of a trial: the library on a transport, the floor (issue 24: the protocol client bare, a
 * persistent recursive watch each), or the one-shot floor (the native binding bare, a children
 * watch each: the floor before issue 24).
 */
type Side = ZkTransport | 'floor' | 'one-shot floor';
type FloorSide = 'floor' | 'one-shot floor';

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
        `${APPS} bare watchers per floor`,
    );
    const registrant = await Registrant.start(servers);
    const setup = await BareZk.connect(servers);
    for (const transport of TRANSPORTS) await setup.ensurePath(watchedPath(transport));
    const floorPaths: Record<FloorSide, string> = {
      floor: benchPath('many-floor'),
      'one-shot floor': benchPath('many-one-shot-floor'),
    };
    for (const path of Object.values(floorPaths)) await setup.ensurePath(path);
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
    const treeSessions = await Promise.all(
      Array.from({ length: APPS }, () => BareProtocol.connect(servers)),
    );
    const bareSessions = await Promise.all(
      Array.from({ length: APPS }, () => BareZk.connect(servers)),
    );
    const watchers: Record<FloorSide, (BareWatcher | TreeWatcher)[]> = {
      floor: treeSessions.map((session) => new TreeWatcher(session, floorPaths.floor)),
      'one-shot floor': bareSessions.map(
        (session) => new BareWatcher(session.native, floorPaths['one-shot floor']),
      ),
    };
    const floorArrivals = {} as Record<FloorSide, Arrivals[]>;
    for (const side of ['floor', 'one-shot floor'] as const) {
      await Promise.all(watchers[side].map((watcher) => watcher.start()));
      floorArrivals[side] = watchers[side].map((watcher) => {
        const history = new ChangeHistory(new Arrivals());
        watcher.onChange((change) => history.notify(change.at, change.added, change.removed));
        return history.arrivals;
      });
    }
    const sides: Side[] = [...TRANSPORTS, 'floor', 'one-shot floor'];
    const results = new Map<Side, SideSpreads>(
      sides.map((side) => [side, { register: [], deregister: [] }]),
    );
    const reads = new Map(TRANSPORTS.map((t) => [t, { cacheHits: 0, serverReads: 0 }]));
    const libraryTrial = async (transport: ZkTransport, record: boolean) => {
      const path = watchedPath(transport);
      const trackers = arrivals.get(transport)!;
      const before = await mntr(zk);
      const registered = await registrant.register(transport, path, 'http://127.0.0.1:4321');
      const id = registered.node.slice(path.length + 1);
      const held = await Promise.all(trackers.map((tracker) => tracker.when(id, true)));
      await delay(5);
      const after = await mntr(zk);
      const deregistered = await registrant.deregister(registered.node);
      const dropped = await Promise.all(trackers.map((tracker) => tracker.when(id, false)));
      await delay(5);
      if (!record) return;
      results.get(transport)!.register.push(spread(held, registered));
      results.get(transport)!.deregister.push(spread(dropped, deregistered));
      const counted = reads.get(transport)!;
      counted.cacheHits += delta(before, after, 'zk_response_packet_get_children_cache_hits');
      counted.serverReads += delta(before, after, 'zk_cnt_readlatency');
    };
    const floorTrial = async (side: FloorSide, record: boolean) => {
      const path = floorPaths[side];
      const trackers = floorArrivals[side];
      const createdAt = await registrant.create(path, 'http://127.0.0.1:4321');
      const floorId = createdAt.node.slice(path.length + 1);
      const floorHeld = await Promise.all(trackers.map((t) => t.when(floorId, true)));
      await delay(5);
      const deletedAt = await registrant.delete(createdAt.node);
      const floorDropped = await Promise.all(trackers.map((t) => t.when(floorId, false)));
      await delay(5);
      if (!record) return;
      results.get(side)!.register.push(spread(floorHeld, createdAt));
      results.get(side)!.deregister.push(spread(floorDropped, deletedAt));
    };
    try {
      for (let trial = 0; trial < WARMUP + TRIALS; trial++) {
        const record = trial >= WARMUP;
        for (const side of nthOrder(sides, trial)) {
          if (side === 'floor' || side === 'one-shot floor') await floorTrial(side, record);
          else await libraryTrial(side, record);
        }
      }
    } finally {
      for (const { app } of apps) await app.close();
      await registrant.close();
      for (const session of treeSessions) session.close();
      for (const session of bareSessions) session.close();
    }
    const [reference, ...others] = TRANSPORTS;
    const rows: string[][] = [];
    for (const direction of ['register', 'deregister'] as const) {
      const of = (side: Side, pick: (s: Spread) => number) =>
        summarize(results.get(side)![direction].map(pick));
      /** The last consumer, from the resolution and from the call. */
      const last = (side: Side) => ({
        fromResolved: of(side, (s) => s.last),
        fromCall: of(side, (s) => s.lastFromCall),
      });
      const medians = (side: Side) => ({
        fromResolved: last(side).fromResolved.median,
        fromCall: last(side).fromCall.median,
      });
      for (const side of sides) {
        const library = side !== 'floor' && side !== 'one-shot floor';
        rows.push([
          direction,
          library ? libraryLabel(side) : sideLabel(side),
          medianP95(of(side, (s) => s.median)),
          medianP95(last(side).fromResolved),
          medianP95(last(side).fromCall),
          side === 'floor' ? 'the floor' : versus(last(side), last('floor')),
          library ? verdict(meetsGoal(medians(side), medians('floor'), BURST_GOAL)) : '',
          !library ? '' : side === reference ? 'reference' : versus(last(side), last(reference!)),
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
        `(${TRANSPORTS.map((t) => `\`${watchedPath(t)}\``).join(', ')}); for each floor, ${APPS} ` +
        'bare watchers on their own sessions (the floor: protocol sessions on a persistent ' +
        'recursive watch each; the one-shot floor, before issue 24: native sessions on a ' +
        'children watch each); the registering app in a process of its own ' +
        "(`Registrar` on the consumers' transport). Times from the change's resolution in the " +
        'registering app (the last consumer also from its call: where the floor holds a change ' +
        'before the registering app has its answer, only those make a ratio). ' +
        `${TRIALS} trials (after ${WARMUP} unrecorded), each trial taking the ` +
        'next order of the sides; ratios against the floor. All consumers ' +
        'share one event loop and two cores with the server, so the spread between the first and ' +
        'the last is mostly their turn on the loop.',
      '',
      table(
        [
          'change',
          'consumers',
          'median consumer, p50 / p95 (ms)',
          'last consumer, p50 / p95 (ms)',
          'last consumer from the call, p50 / p95 (ms)',
          'last vs floor, p50 (from the resolution; from the call)',
          `goal ≤ ${BURST_GOAL}×`,
          `${others.join(', ')}/${reference}, last p50`,
        ],
        rows,
      ),
      '',
      `Server reads per registration (expected: native, one-shot watches, ${APPS} children ` +
        `reads and ${APPS} data reads; protocol, a persistent recursive watch, ${APPS} data ` +
        `reads; the registrar sends no read, only its create): ${readsLine}. A children read answered from ` +
        "the server's serialized-response cache (`get_children2` of an unchanged list) means " +
        `${count(APPS)} sessions reading the same new list cost the server one serialization.`,
    ].join('\n');
  },
};

function spread(times: readonly number[], change: Timed): Spread {
  const sorted = times.map((t) => t - change.resolved).sort((a, b) => a - b);
  const last = sorted[sorted.length - 1]!;
  return {
    last,
    median: sorted[Math.floor(sorted.length / 2)]!,
    lastFromCall: last + change.resolved - change.called,
  };
}

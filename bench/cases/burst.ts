import type { ZkClient } from '../../lib/client/zk-client.js';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import { BareWatcher } from '../support/bare-watcher.js';
import { BareZk } from '../support/bare-zk.js';
import { benchPath } from '../support/fleet.js';
import { count, medianP95, ratio, table, verdict } from '../support/format.js';
import {
  connectClient,
  libraryLabel,
  TRANSPORTS,
  type WatchedEndpointer,
  watchEndpointer,
} from '../support/lib-parts.js';
import { nthOrder } from '../support/order.js';
import { BURST_GOAL } from '../support/propagation-report.js';
import { sideLabel } from '../support/propagation-rig.js';
import { Registrant } from '../support/registrant.js';
import { smoke } from '../support/smoke.js';
import { median, summarize } from '../support/stats.js';
import { BareProtocol, TreeWatcher } from '../support/tree-watcher.js';
import type { BenchCase } from './bench-case.js';

const INSTANCES = smoke(200, 20);
const CONSUMERS = 5;
const RUNS = smoke(10, 2);

interface BurstRun {
  /** From the registering process's first call until the last consumer holds all instances. */
  lastConsumer: number;
  /** Until every register() / create resolved. */
  registered: number;
  /** Requests per consumer (mean over consumers). */
  requests: number;
  /** Requests the registering sessions sent, per registration. */
  perRegistration: number;
}

/**
 * A side of a run: the library on a transport, the floor (issue 24: the protocol client bare, one
 * persistent recursive watch each), or the one-shot floor (the native binding bare, a children
 * watch each: the floor before issue 24).
 */
type Side = ZkTransport | 'floor' | 'one-shot floor';

/** The bare consumers of a floor. */
type FloorWatcher = BareWatcher | TreeWatcher;

/** The library's consumers on one transport. */
interface LibraryConsumers {
  clients: ZkClient[];
  watched: WatchedEndpointer[];
  path: string;
}

/**
 * Issue 7, item 4: 200 instances, each on its own session (in a registering process of their
 * own), register at once; time until each of 5 consumers (one session each, in this process)
 * holds all 200. The library once per transport (issue 23: registering sessions and consumers on
 * that transport), against the floor: 200 bare sessions creating at once, 5 bare watchers.
 */
export const burst: BenchCase = {
  name: 'burst',
  title: '4. Burst',
  async run({ zk, log }) {
    const servers = zk.connectString;
    const sessions = INSTANCES * (TRANSPORTS.length + 1);
    const consumerCount = CONSUMERS * (TRANSPORTS.length + 2);
    log(`opening ${sessions} registering sessions and ${consumerCount} consumers`);
    const floorPath = benchPath('burst-floor');
    const oneShotPath = benchPath('burst-one-shot-floor');
    const registrant = await Registrant.start(servers);
    await registrant.openFleet(INSTANCES);
    const setup = await BareZk.connect(servers);
    await setup.ensurePath(floorPath);
    await setup.ensurePath(oneShotPath);
    const libraries = new Map<ZkTransport, LibraryConsumers>();
    for (const transport of TRANSPORTS) {
      const path = benchPath(`burst-ours-${transport}`);
      await setup.ensurePath(path);
      const clients = await Promise.all(
        Array.from({ length: CONSUMERS }, () => connectClient(servers, transport)),
      );
      const watched = await Promise.all(clients.map((client) => watchEndpointer(client, path, 0)));
      libraries.set(transport, { clients, watched, path });
    }
    setup.close();
    const treeSessions = await Promise.all(
      Array.from({ length: CONSUMERS }, () => BareProtocol.connect(servers)),
    );
    const treeWatchers = treeSessions.map((session) => new TreeWatcher(session, floorPath));
    await Promise.all(treeWatchers.map((watcher) => watcher.start()));
    const bareConsumers = await Promise.all(
      Array.from({ length: CONSUMERS }, () => BareZk.connect(servers)),
    );
    const oneShotWatchers = bareConsumers.map(
      (session) => new BareWatcher(session.native, oneShotPath),
    );
    await Promise.all(oneShotWatchers.map((watcher) => watcher.start()));
    const sides: Side[] = [...TRANSPORTS, 'floor', 'one-shot floor'];
    const results = new Map<Side, BurstRun[]>(sides.map((side) => [side, []]));
    try {
      for (let run = 0; run <= RUNS; run++) {
        log(`run ${run + 1}/${RUNS + 1}${run === 0 ? ' (warm-up, not recorded)' : ''}`);
        for (const side of nthOrder(sides, run)) {
          const result =
            side === 'floor'
              ? await floorBurst(registrant, treeWatchers, floorPath)
              : side === 'one-shot floor'
                ? await floorBurst(registrant, oneShotWatchers, oneShotPath)
                : await oursBurst(registrant, side, libraries.get(side)!);
          if (run > 0) results.get(side)!.push(result);
        }
      }
    } finally {
      for (const library of libraries.values()) {
        for (const consumer of library.watched) await consumer.endpointer.close();
        for (const client of library.clients) await client.close();
      }
      for (const session of treeSessions) session.close();
      for (const session of bareConsumers) session.close();
      await registrant.close();
    }
    const lastOf = (side: Side) => median(results.get(side)!.map((r) => r.lastConsumer));
    const floorLast = lastOf('floor');
    const referenceLast = lastOf(TRANSPORTS[0]!);
    const row = (side: Side) => {
      const runs = results.get(side)!;
      const last = summarize(runs.map((r) => r.lastConsumer));
      const library = side !== 'floor' && side !== 'one-shot floor';
      return [
        library ? libraryLabel(side) : sideLabel(side),
        medianP95(summarize(runs.map((r) => r.registered))),
        medianP95(last),
        side === 'floor' ? 'the floor' : ratio(last.median / floorLast),
        !library ? '' : side === TRANSPORTS[0] ? 'reference' : ratio(last.median / referenceLast),
        count(median(runs.map((r) => r.requests))),
        median(runs.map((r) => r.perRegistration)).toFixed(1),
        library ? verdict(last.median / floorLast <= BURST_GOAL) : '',
      ];
    };
    const [reference, ...others] = TRANSPORTS;
    return [
      `${INSTANCES} instances, each on its own session, register at once from a registering ` +
        `process of their own (\`Registrar.register()\`: the create alone when the service node ` +
        `exists; the floor: a bare create); ${CONSUMERS} consumers, each on its own session, ` +
        `watch the path. The library once per transport: its ${INSTANCES} registering sessions ` +
        `and its ${CONSUMERS} consumers on that transport, on a path of its own. The floor: ` +
        `${CONSUMERS} protocol sessions used bare, each on one persistent recursive watch (a ` +
        'data read per new child); the one-shot floor (before issue 24): native sessions used ' +
        'bare, each on a children watch (a list read per change, then the new children). ' +
        `${RUNS} runs of each side (after one unrecorded), interleaved, each run taking the next ` +
        'order of the sides; everything is deregistered between runs. Times from the first ' +
        'register call; ratios against the floor.',
      '',
      table(
        [
          '',
          'all registered, p50 / p95 (ms)',
          'last consumer holds all, p50 / p95 (ms)',
          'vs floor',
          `${others.join(', ')}/${reference}, last consumer p50`,
          `requests per consumer (${INSTANCES} data reads + any children reads)`,
          'requests per registration',
          `goal ≤ ${BURST_GOAL}×`,
        ],
        sides.map(row),
      ),
    ].join('\n');
  },
};

async function oursBurst(
  registrant: Registrant,
  transport: ZkTransport,
  { watched: consumers, clients, path }: LibraryConsumers,
): Promise<BurstRun> {
  const requestsBefore = clients.map((client) => client.requestCounts.total);
  const held = consumers.map((consumer) => heldAll(consumer, INSTANCES));
  const registered = await registrant.registerFleet(path, transport);
  const times = await Promise.all(held);
  const requests = clients.map((client, i) => client.requestCounts.total - requestsBefore[i]!);
  const emptied = consumers.map((consumer) => heldAll(consumer, 0));
  await registrant.deregisterFleet();
  await Promise.all(emptied);
  return {
    lastConsumer: Math.max(...times) - registered.called,
    registered: registered.resolved - registered.called,
    requests: requests.reduce((a, b) => a + b, 0) / requests.length,
    perRegistration: registered.requests / INSTANCES,
  };
}

/** Resolves with the time the consumer's endpointer first held exactly `expected` endpoints. */
function heldAll(consumer: WatchedEndpointer, expected: number): Promise<number> {
  const { endpointer } = consumer;
  return new Promise((resolve) => {
    const unsubscribe = endpointer.subscribe(() => {
      if (endpointer.endpoints().length !== expected) return;
      resolve(performance.now());
      queueMicrotask(() => unsubscribe());
    });
  });
}

async function floorBurst(
  registrant: Registrant,
  watchers: readonly FloorWatcher[],
  path: string,
): Promise<BurstRun> {
  const requestsBefore = watchers.map((w) => w.requests.getChildren + w.requests.get);
  const held = watchers.map((watcher) => floorHeld(watcher, INSTANCES));
  const registered = await registrant.registerFleet(path, 'bare');
  const times = await Promise.all(held);
  const requests = watchers.map(
    (w, i) => w.requests.getChildren + w.requests.get - requestsBefore[i]!,
  );
  const emptied = watchers.map((watcher) => floorHeld(watcher, 0));
  await registrant.deregisterFleet();
  await Promise.all(emptied);
  return {
    lastConsumer: Math.max(...times) - registered.called,
    registered: registered.resolved - registered.called,
    requests: requests.reduce((a, b) => a + b, 0) / requests.length,
    perRegistration: registered.requests / INSTANCES,
  };
}

function floorHeld(watcher: FloorWatcher, expected: number): Promise<number> {
  return new Promise((resolve) => {
    watcher.onChange((change) => {
      if (watcher.held.size === expected) resolve(change.at);
    });
  });
}

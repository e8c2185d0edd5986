import type { ZkClient } from '../../lib/client/zk-client.js';
import { BareWatcher } from '../support/bare-watcher.js';
import { BareZk } from '../support/bare-zk.js';
import { benchPath } from '../support/fleet.js';
import { count, medianP95, ratio, table, verdict } from '../support/format.js';
import { connectClient, type WatchedEndpointer, watchEndpointer } from '../support/lib-parts.js';
import { BURST_GOAL } from '../support/propagation-report.js';
import { Registrant } from '../support/registrant.js';
import { median, summarize } from '../support/stats.js';
import type { BenchCase } from './bench-case.js';

const INSTANCES = 200;
const CONSUMERS = 5;
const RUNS = 10;

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
 * Issue 7, item 4: 200 instances, each on its own session (in a registering process of their
 * own), register at once; time until each of 5 consumers (one session each, in this process)
 * holds all 200. Against the floor: 200 bare sessions creating at once, 5 bare watchers.
 */
export const burst: BenchCase = {
  name: 'burst',
  title: '4. Burst',
  async run({ zk, log }) {
    const servers = zk.connectString;
    log(`opening ${2 * INSTANCES} registering sessions and ${2 * CONSUMERS} consumers`);
    const oursPath = benchPath('burst-ours');
    const floorPath = benchPath('burst-floor');
    const registrant = await Registrant.start(servers);
    await registrant.openFleet(INSTANCES);
    const setup = await BareZk.connect(servers);
    await setup.ensurePath(floorPath);
    await setup.ensurePath(oursPath);
    setup.close();
    const consumerClients = await Promise.all(
      Array.from({ length: CONSUMERS }, () => connectClient(servers)),
    );
    const consumers = await Promise.all(
      consumerClients.map((client) => watchEndpointer(client, oursPath, 0)),
    );
    const bareConsumers = await Promise.all(
      Array.from({ length: CONSUMERS }, () => BareZk.connect(servers)),
    );
    const watchers = bareConsumers.map((session) => new BareWatcher(session.native, floorPath));
    await Promise.all(watchers.map((watcher) => watcher.start()));
    const results = { ours: [] as BurstRun[], floor: [] as BurstRun[] };
    try {
      for (let run = 0; run <= RUNS; run++) {
        log(`run ${run + 1}/${RUNS + 1}${run === 0 ? ' (warm-up, not recorded)' : ''}`);
        const ours = await oursBurst(registrant, consumers, consumerClients, oursPath);
        const floor = await floorBurst(registrant, watchers, floorPath);
        if (run === 0) continue;
        results.ours.push(ours);
        results.floor.push(floor);
      }
    } finally {
      for (const consumer of consumers) await consumer.endpointer.close();
      for (const client of consumerClients) await client.close();
      for (const session of bareConsumers) session.close();
      await registrant.close();
    }
    const floorLast = median(results.floor.map((r) => r.lastConsumer));
    const row = (label: string, runs: BurstRun[]) => {
      const last = summarize(runs.map((r) => r.lastConsumer));
      return [
        label,
        medianP95(summarize(runs.map((r) => r.registered))),
        medianP95(last),
        ratio(last.median / floorLast),
        count(median(runs.map((r) => r.requests))),
        median(runs.map((r) => r.perRegistration)).toFixed(1),
        runs === results.floor ? '' : verdict(last.median / floorLast <= BURST_GOAL),
      ];
    };
    return [
      `${INSTANCES} instances, each on its own session, register at once from a registering ` +
        `process of their own (\`Registrar.register()\`: the create alone when the service node ` +
        `exists; the floor: a bare create); ${CONSUMERS} consumers, each on its own session, ` +
        `watch the path. ${RUNS} runs of each (after one unrecorded), interleaved; everything ` +
        'is deregistered between runs. Times from the first register call.',
      '',
      table(
        [
          '',
          'all registered, p50 / p95 (ms)',
          'last consumer holds all, p50 / p95 (ms)',
          'vs floor',
          `requests per consumer (${INSTANCES} data reads + children reads)`,
          'requests per registration',
          `goal ≤ ${BURST_GOAL}×`,
        ],
        [row('library (`ZkEndpointer`)', results.ours), row('floor', results.floor)],
      ),
    ].join('\n');
  },
};

async function oursBurst(
  registrant: Registrant,
  consumers: readonly WatchedEndpointer[],
  clients: readonly ZkClient[],
  path: string,
): Promise<BurstRun> {
  const requestsBefore = clients.map((client) => client.requestCounts.total);
  const held = consumers.map((consumer) => heldAll(consumer, INSTANCES));
  const registered = await registrant.registerFleet(path, false);
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
  watchers: readonly BareWatcher[],
  path: string,
): Promise<BurstRun> {
  const requestsBefore = watchers.map((w) => w.requests.getChildren + w.requests.get);
  const held = watchers.map((watcher) => floorHeld(watcher, INSTANCES));
  const registered = await registrant.registerFleet(path, true);
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

function floorHeld(watcher: BareWatcher, expected: number): Promise<number> {
  return new Promise((resolve) => {
    watcher.onChange((change) => {
      if (watcher.held.size === expected) resolve(change.at);
    });
  });
}

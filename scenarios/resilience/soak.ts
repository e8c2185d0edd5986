/**
 * Issue item 9 at full size: 10,000 register/deregister cycles and 1,000 subscribe/unsubscribe
 * cycles against a real server. Measured at the baseline and after each phase: server watches
 * (`wchs`), the clients' watcher and subscriber counts, active resources by kind, and heap used
 * after a full GC; throughput in cycles/s. Needs `node --expose-gc`.
 */
import { ZkClient } from '../../lib/client/index.js';
import { httpEndpointFactory, Registrar, ZkEndpointer } from '../../lib/core/index.js';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { uniqueRoot } from '../../test/support/unique-root.js';
import { waitFor } from '../../test/support/wait-for.js';
import type { Scenario } from './scenario.js';
import { table } from './support/markdown.js';
import { openFds } from './support/process-probe.js';
import { mib } from './support/stats.js';
import { zookeeperVersion } from './support/zookeeper-version.js';

const REGISTER_CYCLES = 10_000;
const SUBSCRIBE_CYCLES = 1_000;
/** Paths the subscribe cycles rotate over (absent paths: each consumer arms an exists watch). */
const OTHER_PATHS = 7;
/** Heap used after GC may end at most this far above its baseline. */
const HEAP_TOLERANCE_BYTES = 1024 ** 2;
/** Heap samples per phase (after a GC), to see a trend rather than two points. */
const SAMPLES = 4;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

interface Measure {
  label: string;
  serverWatches: number;
  clientWatchers: number;
  subscribers: number;
  resources: Record<string, number>;
  /** Open file descriptors of this process (Linux), which include the native client's sockets. */
  fds: number;
  /** `zk_num_alive_connections` of the server. */
  serverConnections: number;
  heapUsed: number;
}

export const soakScenario: Scenario = {
  name: 'soak',
  summary: '#9 10,000 register/deregister and 1,000 subscribe/unsubscribe cycles',
  async run(log) {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc)
      throw new Error('The soak scenario needs `node --expose-gc` (npm run scenarios does it).');
    const server = await ZooKeeperServer.start();
    const clients: ZkClient[] = [];
    try {
      const [registering, watching] = await Promise.all([
        ZkClient.connect({ servers: server.connectString, logger: quiet }),
        ZkClient.connect({ servers: server.connectString, logger: quiet }),
      ]);
      clients.push(registering!, watching!);
      const root = uniqueRoot('soak');
      const path = `${root}/svc`;
      const watcher = new ZkEndpointer(watching!, path, {
        factory: httpEndpointFactory(),
        logger: quiet,
      });
      await watcher.ready();
      const stable = new Registrar(
        registering!,
        { path: root, name: 'svc', data: 'http://127.0.0.1:1' },
        { logger: quiet },
      );
      await stable.register();
      await waitFor(() => watcher.endpoints().length === 1);

      let baselineResources: Record<string, number> | undefined;
      const measure = async (label: string): Promise<Measure> => ({
        label,
        serverWatches: await serverWatches(server),
        clientWatchers: watching!.watcherCount + registering!.watcherCount,
        subscribers: watching!.subscriberCount + registering!.subscriberCount,
        resources: await quietResources(baselineResources),
        fds: openFds().fds,
        serverConnections: await aliveConnections(server),
        heapUsed: await settledHeap(gc),
      });
      const heapTrend: { label: string; heapUsed: number }[] = [];
      // Warm up once (JIT, first allocations of each kind) so the baseline is not a cold process.
      await registerCycles(registering!, root, 200);
      await subscribeCycles(watching!, root, 50);
      await fireLeftoverWatches(registering!, root);
      const baseline = await measure('baseline');
      baselineResources = baseline.resources;
      heapTrend.push({ label: '0', heapUsed: baseline.heapUsed });
      log(`baseline: ${mib(baseline.heapUsed)} heap, ${baseline.serverWatches} server watches`);

      const registerStarted = performance.now();
      let registerBusyMs = 0;
      for (let done = 0; done < REGISTER_CYCLES; ) {
        const batch = REGISTER_CYCLES / SAMPLES;
        const started = performance.now();
        await registerCycles(registering!, root, batch, done);
        registerBusyMs += performance.now() - started;
        done += batch;
        heapTrend.push({ label: `${done} reg`, heapUsed: await settledHeap(gc) });
        log(`${done} register/deregister cycles`);
      }
      await waitFor(() => watcher.endpoints().length === 1, { timeoutMs: 10_000 });
      const afterRegister = await measure(`after ${REGISTER_CYCLES} register/deregister`);
      const registerWallMs = performance.now() - registerStarted;

      let subscribeBusyMs = 0;
      for (let done = 0; done < SUBSCRIBE_CYCLES; ) {
        const batch = SUBSCRIBE_CYCLES / SAMPLES;
        const started = performance.now();
        await subscribeCycles(watching!, root, batch, done);
        subscribeBusyMs += performance.now() - started;
        done += batch;
        heapTrend.push({ label: `${done} sub`, heapUsed: await settledHeap(gc) });
        log(`${done} subscribe/unsubscribe cycles`);
      }
      // Watches armed on paths nobody follows any more stay on the server until they fire: make
      // them fire, as any later change would.
      await fireLeftoverWatches(registering!, root);
      await waitFor(async () => (await serverWatches(server)) <= baseline.serverWatches, {
        timeoutMs: 5000,
      }).catch(() => undefined);
      const afterSubscribe = await measure(`after ${SUBSCRIBE_CYCLES} subscribe/unsubscribe`);
      const children = (await registering!.getChildren(path)).length;

      await stable.deregister();
      stable.close();
      await watcher.close();

      const rows = [baseline, afterRegister, afterSubscribe];
      const grownResources = (m: Measure) =>
        Object.entries(m.resources)
          .filter(([kind, count]) => count > (baseline.resources[kind] ?? 0))
          .map(([kind, count]) => `${kind} ${baseline.resources[kind] ?? 0}→${count}`);
      const heapOk = (m: Measure) => m.heapUsed - baseline.heapUsed <= HEAP_TOLERANCE_BYTES;
      const countsOk = (m: Measure) =>
        m.serverWatches <= baseline.serverWatches &&
        m.clientWatchers <= baseline.clientWatchers &&
        m.subscribers <= baseline.subscribers &&
        m.fds <= baseline.fds &&
        m.serverConnections <= baseline.serverConnections &&
        grownResources(m).length === 0;
      return {
        title: '9. Soak: register/deregister and subscribe/unsubscribe cycles',
        zookeeperVersion: await zookeeperVersion(server),
        bars: [
          {
            claim: `#9 no growth in watches, listeners, timers or open handles after ${REGISTER_CYCLES.toLocaleString('en')} + ${SUBSCRIBE_CYCLES.toLocaleString('en')} cycles`,
            met: countsOk(afterRegister) && countsOk(afterSubscribe) && children === 1,
            measured: `server watches ${baseline.serverWatches}→${afterRegister.serverWatches}→${afterSubscribe.serverWatches}, client watchers ${baseline.clientWatchers}→${afterSubscribe.clientWatchers}, subscribers ${baseline.subscribers}→${afterSubscribe.subscribers}, fds ${baseline.fds}→${afterSubscribe.fds}, grown resources: ${[...grownResources(afterRegister), ...grownResources(afterSubscribe)].join(', ') || 'none'}`,
          },
          {
            claim: `#9 heap back to its baseline (within ${mib(HEAP_TOLERANCE_BYTES)})`,
            met: heapOk(afterRegister) && heapOk(afterSubscribe),
            measured: `${mib(afterRegister.heapUsed - baseline.heapUsed, true)} after register cycles, ${mib(afterSubscribe.heapUsed - baseline.heapUsed, true)} after subscribe cycles`,
          },
        ],
        markdown: [
          `One ZooKeeper server; two clients (one registering, one watching) in one Node process started with \`--expose-gc\`. A \`ZkEndpointer\` follows the service path throughout and a stable \`Registrar\` keeps one instance there. Phase 1: ${REGISTER_CYCLES.toLocaleString('en')} cycles of a new \`Registrar\` registering, deregistering and closing (each cycle a protected ephemeral-sequential create and a delete under the watched path, so the watcher sees every one). Phase 2: ${SUBSCRIBE_CYCLES.toLocaleString('en')} cycles of a new \`ZkEndpointer\` on one of ${OTHER_PATHS} absent paths: ready, subscribe, unsubscribe, close. A warm-up of 200 + 50 cycles precedes the baseline. Heap is \`process.memoryUsage().heapUsed\` after \`global.gc()\` (twice, with a turn of the event loop between). \`process.getActiveResourcesInfo()\` lists Node's own handles and referenced timers only; the native client's sockets and thread are not among them, so open file descriptors (\`/proc/self/fd\`) and the server's \`zk_num_alive_connections\` are counted too. A ZooKeeper operation in flight holds a timeout timer for its duration, so resources are read once no kind exceeds the baseline (polled up to 5 s; a leak would persist).`,
          '',
          table(
            [
              '',
              'server watches (wchs)',
              'server connections',
              'client watchers',
              'client subscribers',
              'active resources',
              'open fds',
              'heap used',
              'vs baseline',
            ],
            rows.map((m) => [
              m.label,
              m.serverWatches,
              m.serverConnections,
              m.clientWatchers,
              m.subscribers,
              describeResources(m.resources),
              m.fds,
              mib(m.heapUsed),
              mib(m.heapUsed - baseline.heapUsed, true),
            ]),
          ),
          '',
          `Heap after GC along the way: ${heapTrend.map((h) => `${h.label}: ${mib(h.heapUsed)}`).join(', ')}.`,
          '',
          table(
            ['phase', 'cycles', 'time', 'throughput'],
            [
              [
                'register/deregister',
                REGISTER_CYCLES,
                `${(registerBusyMs / 1000).toFixed(1)} s`,
                `${Math.round((REGISTER_CYCLES * 1000) / registerBusyMs)} cycles/s`,
              ],
              [
                'subscribe/unsubscribe',
                SUBSCRIBE_CYCLES,
                `${(subscribeBusyMs / 1000).toFixed(1)} s`,
                `${Math.round((SUBSCRIBE_CYCLES * 1000) / subscribeBusyMs)} cycles/s`,
              ],
            ],
          ),
          '',
          `Cycles run one after another (one register/deregister at a time); the time excludes the GC samples (phase 1 wall time with them: ${(registerWallMs / 1000).toFixed(1)} s). Instance nodes left under the path at the end: ${children} (the stable one).`,
        ].join('\n'),
      };
    } finally {
      for (const client of clients) await client.close();
      await server.stop();
    }
  },
};

async function registerCycles(client: ZkClient, root: string, count: number, offset = 0) {
  for (let i = 0; i < count; i++) {
    const registrar = new Registrar(
      client,
      { path: root, name: 'svc', data: `http://127.0.0.1:${2 + ((offset + i) % 60_000)}` },
      { logger: quiet },
    );
    await registrar.register();
    await registrar.deregister();
    registrar.close();
  }
}

async function subscribeCycles(client: ZkClient, root: string, count: number, offset = 0) {
  for (let i = 0; i < count; i++) {
    const consumer = new ZkEndpointer(client, `${root}/other-${(offset + i) % OTHER_PATHS}`, {
      factory: httpEndpointFactory(),
      logger: quiet,
    });
    await consumer.ready();
    const unsubscribe = consumer.subscribe(() => {});
    unsubscribe();
    await consumer.close();
  }
}

/** Creates, then deletes, each `other-*` path, so exists watches left on them fire and go. */
async function fireLeftoverWatches(client: ZkClient, root: string): Promise<void> {
  for (let i = 0; i < OTHER_PATHS; i++) {
    await client.create(`${root}/other-${i}`);
    await client.delete(`${root}/other-${i}`);
  }
}

/** Server-wide watch count, from the `wchs` four-letter word. */
async function serverWatches(server: ZooKeeperServer): Promise<number> {
  const text = await server.fourLetter('wchs');
  return Number(/Total watches:\s*(\d+)/.exec(text)?.[1] ?? Number.NaN);
}

/** `Timeout ×2, TCPSocketWrap ×1`, or `none`. */
function describeResources(resources: Record<string, number>): string {
  const entries = Object.entries(resources).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([kind, n]) => `${kind} ×${n}`).join(', ');
}

/** `zk_num_alive_connections` from `mntr`. */
async function aliveConnections(server: ZooKeeperServer): Promise<number> {
  const text = await server.fourLetter('mntr');
  return Number(/zk_num_alive_connections\s+(\d+)/.exec(text)?.[1] ?? Number.NaN);
}

/**
 * Active resources once in-flight work has finished: a ZooKeeper operation still running holds
 * its timeout timer for a moment, which is not growth. With `reference`, polls (up to 5 s) until
 * no kind exceeds it and returns that reading, or the last one; without, the per-kind minimum
 * over 500 ms.
 */
async function quietResources(reference?: Record<string, number>): Promise<Record<string, number>> {
  const exceeds = (r: Record<string, number>) =>
    Object.entries(r).some(([kind, n]) => n > (reference?.[kind] ?? 0));
  const deadline = performance.now() + (reference ? 5000 : 500);
  let reading = activeResources();
  const minimum = { ...reading };
  while (performance.now() < deadline) {
    if (reference && !exceeds(reading)) return reading;
    await new Promise((resolve) => setTimeout(resolve, 20));
    reading = activeResources();
    for (const kind of Object.keys(minimum))
      minimum[kind] = Math.min(minimum[kind]!, reading[kind] ?? 0);
  }
  return reference ? reading : Object.fromEntries(Object.entries(minimum).filter(([, n]) => n > 0));
}

/** Resources keeping the event loop alive, by kind (timers, sockets...). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Heap used after full collections, with a turn of the event loop between them. */
async function settledHeap(gc: () => void): Promise<number> {
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

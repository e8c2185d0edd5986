import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { httpEndpointFactory, Registrar, ZkEndpointer } from '../../lib/core/index.js';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

// A short soak for every run; scenarios/resilience/soak.ts runs 10,000 and 1,000 cycles.
const REGISTER_CYCLES = 300;
const SUBSCRIBE_CYCLES = 200;
const quiet = { log: () => {}, warn: () => {}, error: () => {} };

/** Server-wide watch count, from the `wchs` four-letter word. */
async function serverWatches(server: ZooKeeperServer): Promise<number> {
  const text = await server.fourLetter('wchs');
  return Number(/Total watches:\s*(\d+)/.exec(text)?.[1] ?? Number.NaN);
}

/** Resources keeping the event loop alive, by kind (timers, sockets...). */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

describe('soak: repeated register/deregister and subscribe/unsubscribe leave nothing behind', () => {
  let server: ZooKeeperServer;
  let registering: ZkClient;
  let watching: ZkClient;

  beforeAll(async () => {
    server = await ZooKeeperServer.start();
    [registering, watching] = await Promise.all([
      ZkClient.connect({ servers: server.connectString }),
      ZkClient.connect({ servers: server.connectString }),
    ]);
  });
  afterAll(async () => {
    await registering?.close();
    await watching?.close();
    await server?.stop();
  });

  it(`${REGISTER_CYCLES} register/deregister cycles and ${SUBSCRIBE_CYCLES} subscribe/unsubscribe cycles`, async () => {
    const root = uniqueRoot();
    const path = `${root}/svc`;
    const watcher = new ZkEndpointer(watching, path, {
      factory: httpEndpointFactory(),
      logger: quiet,
    });
    await watcher.ready();
    const stable = new Registrar(
      registering,
      { path: root, name: 'svc', data: 'http://127.0.0.1:1' },
      { logger: quiet },
    );
    await stable.register();
    await waitFor(() => watcher.endpoints().length === 1);

    const baseline = {
      serverWatches: await serverWatches(server),
      clientWatchers: watching.watcherCount + registering.watcherCount,
      subscribers: watching.subscriberCount + registering.subscriberCount,
      resources: activeResources(),
    };

    for (let i = 0; i < REGISTER_CYCLES; i++) {
      const registrar = new Registrar(
        registering,
        { path: root, name: 'svc', data: `http://127.0.0.1:${2 + i}` },
        { logger: quiet },
      );
      await registrar.register();
      await registrar.deregister();
      registrar.close();
    }
    for (let i = 0; i < SUBSCRIBE_CYCLES; i++) {
      const consumer = new ZkEndpointer(watching, `${root}/other-${i % 7}`, {
        factory: httpEndpointFactory(),
        logger: quiet,
      });
      await consumer.ready();
      const unsubscribe = consumer.subscribe(() => {});
      unsubscribe();
      await consumer.close();
    }
    await waitFor(() => watcher.endpoints().length === 1);
    // Watches armed on paths nobody follows any more stay on the server until they fire: make
    // them fire, as any later change would.
    for (let i = 0; i < 7; i++) {
      await registering.create(`${root}/other-${i}`);
    }

    await waitFor(async () => (await serverWatches(server)) <= baseline.serverWatches, {
      timeoutMs: 5000,
    });
    expect(watching.watcherCount + registering.watcherCount).toBe(baseline.clientWatchers);
    expect(watching.subscriberCount + registering.subscriberCount).toBe(baseline.subscribers);
    // No kind of resource (timer, socket, pipe...) grew.
    const grown = () =>
      Object.entries(activeResources()).filter(
        ([kind, count]) => count > (baseline.resources[kind] ?? 0),
      );
    await waitFor(() => grown().length === 0, { timeoutMs: 5000 }).catch(() =>
      expect(grown()).toEqual([]),
    );
    expect(await registering.getChildren(path)).toHaveLength(1);

    await stable.deregister();
    stable.close();
    await watcher.close();
  });
});

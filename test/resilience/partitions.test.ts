import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { FaultProxy, ZooKeeperServer } from '../../lib/testing/index.js';
import { type ServiceApp, startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 2000;
const TRIALS = 3; // scenarios/resilience runs 20; see RESILIENCE.md

describe('network partitions between an app and ZooKeeper (real server, fault proxy)', () => {
  let server: ZooKeeperServer;
  let proxy: FaultProxy;
  let observer: ZkClient;
  let service: ServiceApp;
  let consumer: Awaited<ReturnType<typeof startConsumerApp>>;
  const root = uniqueRoot();
  const instanceSets: string[][] = [];

  beforeAll(async () => {
    server = await ZooKeeperServer.start();
    proxy = await FaultProxy.start({ host: server.host, port: server.port });
    observer = await ZkClient.connect({ servers: server.connectString });
    service = await startServiceApp({
      servers: proxy.connectString,
      path: root,
      name: 'svc',
      instanceName: 'P',
      module: { sessionTimeoutMs: SESSION_MS },
    });
    consumer = await startConsumerApp(server.connectString, `${root}/svc`);
    consumer.endpointer.subscribe((snapshot) =>
      instanceSets.push(snapshot.instances.map((i) => i.id)),
    );
  });
  afterAll(async () => {
    await consumer?.app.close();
    await service?.app.close();
    await observer?.close();
    await proxy?.close();
    await server?.stop();
  });

  it(`after a session expiry the instance is back in other apps' endpointers, once (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const before = service.discovery.registeredNode!;
      const seenFrom = instanceSets.length;
      proxy.partition();
      // The server expires the session: the instance leaves the consumer's view.
      await waitFor(() => consumer.endpointer.instances().length === 0, {
        timeoutMs: SESSION_MS * 3,
      });
      proxy.heal();
      await waitFor(
        () =>
          consumer.endpointer.instances().length === 1 &&
          consumer.endpointer.instances()[0]!.path !== before,
        { timeoutMs: SESSION_MS + 5000 },
      );
      expect(service.discovery.registeredNode).not.toBe(before);
      expect(await observer.getChildren(`${root}/svc`)).toHaveLength(1);
      // Never twice: no snapshot ever held two instances.
      expect(Math.max(...instanceSets.slice(seenFrom).map((ids) => ids.length))).toBe(1);
    }
  });

  it('a short partition inside the session: no re-registration, watchers see no change', async () => {
    const node = service.discovery.registeredNode!;
    const { stat: before } = await observer.getData(node);
    const seenFrom = instanceSets.length;
    const states: string[] = [];
    const sub = service.discovery.registration$.subscribe((state) => states.push(state));
    const client = service.discovery.client;
    const sessionId = client.sessionId;

    proxy.partition();
    // Wait until the client's pings are really being dropped, well inside the session timeout.
    const dropped = proxy.droppedBytes;
    await waitFor(() => proxy.droppedBytes > dropped, { timeoutMs: SESSION_MS });
    proxy.heal();
    await waitFor(() => client.state === 'connected' && proxy.connectionCount > 0, {
      timeoutMs: SESSION_MS * 2,
    });
    // A write through the healed link proves the session is live again.
    await client.exists(node);

    sub.unsubscribe();
    expect(client.sessionId).toBe(sessionId);
    expect(states).toEqual(['registered']);
    expect(service.discovery.registeredNode).toBe(node);
    expect((await observer.getData(node)).stat.czxid).toBe(before.czxid);
    expect(instanceSets.slice(seenFrom)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getZkClientToken, type ZkClient } from '../../lib/index.js';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { type ServiceApp, startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SERVICE_SESSION_MS = 4_000;
const CONSUMER_SESSION_MS = 6_000;

describe('a ZooKeeper that comes back with an empty data dir (rebuilt, or restored from an old backup)', () => {
  let server: ZooKeeperServer;
  const services: ServiceApp[] = [];
  let consumer: Awaited<ReturnType<typeof startConsumerApp>>;
  const root = uniqueRoot('wiped');

  beforeAll(async () => {
    server = await ZooKeeperServer.start();
    for (const name of ['W1', 'W2']) {
      services.push(
        await startServiceApp({
          servers: server.connectString,
          path: root,
          name: 'svc',
          instanceName: name,
          module: { sessionTimeoutMs: SERVICE_SESSION_MS },
        }),
      );
    }
    consumer = await startConsumerApp(server.connectString, `${root}/svc`, {
      sessionTimeoutMs: CONSUMER_SESSION_MS,
    });
    await waitFor(() => consumer.endpointer.endpoints().length === 2);
  });
  afterAll(async () => {
    await consumer?.app.close();
    for (const service of services) await service.app.close();
    await server?.stop();
  });

  it('every app is registered again and every consumer fresh within the session timeout plus a few seconds', async () => {
    const consumerClient = consumer.app.get<ZkClient>(getZkClientToken());
    const clients = [consumerClient, ...services.map((service) => service.discovery.client)];
    const oldSessions = clients.map((client) => client.sessionId);

    await server.kill();
    // The server refuses every client that has seen a newer transaction than its own: none of
    // the apps' native handles can get back by themselves.
    await server.restart({ emptyData: true });
    const ports = services
      .map((service) => service.port)
      .sort()
      .join();
    await waitFor(
      () =>
        services.every((service) => service.discovery.registrationState === 'registered') &&
        consumer.endpointer.snapshot?.stale === false &&
        consumer.endpointer
          .instances()
          .map((instance) => instance.port)
          .sort()
          .join() === ports,
      { timeoutMs: CONSUMER_SESSION_MS + 4_000 },
    );
    clients.forEach((client, i) => {
      expect(client.state).toBe('connected');
      expect(client.sessionId).not.toBe(oldSessions[i]);
    });
    expect(
      await consumer.endpointer.call((endpoint) => endpoint.json<{ name: string }>('/whoami')),
    ).toHaveProperty('name');
  });
});

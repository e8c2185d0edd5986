import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getZkClientToken, type InstancerSnapshot, type ZkClient } from '../../lib/index.js';
import { ZooKeeperEnsemble } from '../../lib/testing/index.js';
import { SteadyLoad } from '../../scenarios/resilience/support/load.js';
import { type ServiceApp, startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 12_000;

describe('a 3-node ensemble losing servers, its quorum, all of it, and restarted member by member', () => {
  let ensemble: ZooKeeperEnsemble;
  const services: ServiceApp[] = [];
  let consumer: Awaited<ReturnType<typeof startConsumerApp>>;
  let consumerClient: ZkClient;
  const root = uniqueRoot();
  /** New sessions of every app (the first ones not counted). */
  let newSessions = 0;

  const call = async () =>
    (await consumer.endpointer.call((endpoint) => endpoint.json<{ name: string }>('/whoami'))).name;
  const clients = () => [consumerClient, ...services.map((service) => service.discovery.client)];
  /** Every app connected, registered, and the consumer fresh with exactly the two instances. */
  const converged = () =>
    clients().every((client) => client.state === 'connected') &&
    services.every((service) => service.discovery.registrationState === 'registered') &&
    consumer.endpointer.snapshot?.stale === false &&
    consumer.endpointer
      .instances()
      .map((instance) => instance.port)
      .sort()
      .join() ===
      services
        .map((service) => service.port)
        .sort()
        .join();

  beforeAll(async () => {
    ensemble = await ZooKeeperEnsemble.start(3);
    for (const name of ['E1', 'E2']) {
      services.push(
        await startServiceApp({
          servers: ensemble.connectString,
          path: root,
          name: 'svc',
          instanceName: name,
          module: { sessionTimeoutMs: SESSION_MS },
        }),
      );
    }
    consumer = await startConsumerApp(ensemble.connectString, `${root}/svc`, {
      sessionTimeoutMs: SESSION_MS,
    });
    consumerClient = consumer.app.get<ZkClient>(getZkClientToken());
    for (const client of clients()) client.sessions$.subscribe(() => newSessions++);
    await waitFor(converged, { timeoutMs: SESSION_MS });
  });
  afterAll(async () => {
    await consumer?.app.close();
    for (const service of services) await service.app.close();
    await ensemble?.stop();
  });

  it('endpointers never empty while a quorum exists, serve stale instances without one, converge after', async () => {
    const snapshots: InstancerSnapshot[] = [];
    const unsubscribeSnapshots = consumer.endpointer.subscribe((snapshot) =>
      snapshots.push(snapshot),
    );
    // A session that expires (a quorum loss longer than the session, on a loaded machine) makes
    // its app register again: delete the old node, then create the new one (never two at once),
    // so the count dips to 1 for a moment. Without an expiry it must never move.
    const sessionsBefore = newSessions;
    let smallest = consumer.endpointer.endpoints().length;
    const unsubscribeCount = consumer.endpointer.subscribe(() => {
      smallest = Math.min(smallest, consumer.endpointer.endpoints().length);
    });
    expect(smallest).toBe(2);

    // 1. Kill the server the consumer is connected to: it moves to another one, same session.
    const consumerSession = consumerClient.sessionId!;
    const first = await ensemble.serverIndexOfSession(consumerSession);
    await ensemble.kill(first);
    await waitFor(() => consumerClient.state === 'connected', { timeoutMs: SESSION_MS });
    expect(consumer.endpointer.endpoints()).toHaveLength(2);
    await call();

    // 2. Kill a second one: no quorum. Consumers keep calling their last known instances.
    const second = [0, 1, 2].find((i) => i !== first)!;
    await ensemble.kill(second);
    await waitFor(() => consumer.endpointer.snapshot?.stale === true, { timeoutMs: SESSION_MS });
    expect(consumer.endpointer.endpoints()).toHaveLength(2);
    expect(await call()).toMatch(/^E[12]$/);

    // 3. Restore: everything converges, fresh, with both instances.
    await ensemble.restart(first, second);
    await waitFor(converged, { timeoutMs: SESSION_MS * 2 });
    unsubscribeCount();
    unsubscribeSnapshots();
    expect(smallest).toBeGreaterThanOrEqual(1);
    if (newSessions === sessionsBefore) expect(smallest).toBe(2);
    expect(snapshots.some((snapshot) => snapshot.stale)).toBe(true);
  });

  it('a rolling restart of the members one by one under load: no failed call, no new session, never fewer than two endpoints', async () => {
    const sessionsBefore = newSessions;
    let smallest = consumer.endpointer.endpoints().length;
    const unsubscribe = consumer.endpointer.subscribe(() => {
      smallest = Math.min(smallest, consumer.endpointer.endpoints().length);
    });
    const load = new SteadyLoad(call, 50);
    load.start();
    try {
      for (const member of [0, 1, 2]) {
        await ensemble.kill(member);
        // Whoever was connected to it has moved to another member, in the same session.
        await waitFor(() => clients().every((client) => client.state === 'connected'), {
          timeoutMs: SESSION_MS,
        });
        await ensemble.restart(member);
        await ensemble.waitForQuorum();
      }
      await waitFor(converged, { timeoutMs: SESSION_MS });
    } finally {
      unsubscribe();
    }
    const report = await load.stop();
    expect(report.sent).toBeGreaterThan(0);
    expect([...report.failures.keys()]).toEqual([]);
    expect(newSessions - sessionsBefore).toBe(0);
    expect(smallest).toBe(2);
  });

  it('the whole ensemble killed and restarted together: every app back, registered, consumers fresh', async () => {
    await ensemble.kill(0, 1, 2);
    await waitFor(() => consumer.endpointer.snapshot?.stale === true, { timeoutMs: SESSION_MS });
    // Calls still go to the last known instances: they are up, only ZooKeeper is down.
    expect(await call()).toMatch(/^E[12]$/);
    await ensemble.restart(0, 1, 2);
    await waitFor(converged, { timeoutMs: SESSION_MS * 2 });
    expect(await call()).toMatch(/^E[12]$/);
  });
});

import type { LoggerService } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZooKeeperServer } from '../../lib/testing/index.js';
import { type ServiceApp, startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const SESSION_MS = 3000;

describe('ZooKeeper down while apps run', () => {
  let server: ZooKeeperServer;
  const services: ServiceApp[] = [];
  let consumer: Awaited<ReturnType<typeof startConsumerApp>>;
  const consumerLog: string[] = [];
  const root = uniqueRoot();

  beforeAll(async () => {
    server = await ZooKeeperServer.start();
    for (const name of ['O1', 'O2', 'O3']) {
      services.push(
        await startServiceApp({
          servers: server.connectString,
          path: root,
          name: 'svc',
          instanceName: name,
          module: { sessionTimeoutMs: SESSION_MS, operationTimeoutMs: 1000 },
          registration: { deregisterTimeoutMs: 500, drainDelayMs: 50 },
        }),
      );
    }
    const logger: LoggerService = {
      log: (message: unknown) => consumerLog.push(`log ${String(message)}`),
      warn: (message: unknown) => consumerLog.push(`warn ${String(message)}`),
      error: (message: unknown) => consumerLog.push(`error ${String(message)}`),
    };
    consumer = await startConsumerApp(server.connectString, `${root}/svc`, {
      sessionTimeoutMs: SESSION_MS,
      logger,
    });
  });
  afterAll(async () => {
    await consumer?.app.close();
    for (const service of services) await service.app.close();
    await server?.stop();
  });

  it('requests keep flowing to the last known instances, stale is visible, shutdown stays bounded, all resyncs', async () => {
    const call = () =>
      consumer.endpointer.call((endpoint) => endpoint.json<{ name: string }>('/whoami'));
    await waitFor(() => consumer.endpointer.endpoints().length === 3);

    await server.kill();
    await waitFor(() => consumer.endpointer.snapshot?.stale === true, {
      timeoutMs: SESSION_MS * 2,
    });
    expect(consumerLog.filter((line) => line.includes('(stale)'))).toHaveLength(1);
    // Keep calling through the outage, past the session timeout (sessions expire locally).
    const answered = new Set<string>();
    for (let i = 0; i < 30; i++) answered.add((await call()).name);
    expect(answered).toEqual(new Set(['O1', 'O2', 'O3']));
    // Calls keep flowing past the session timeout; nothing drastic happens meanwhile: the
    // clients keep their sessions and wait for ZooKeeper.
    for (const until = Date.now() + SESSION_MS; Date.now() < until; ) await call();
    expect(services.map((service) => service.discovery.client.state)).toEqual([
      'disconnected',
      'disconnected',
      'disconnected',
    ]);

    // One instance shuts down during the outage: bounded, no hang.
    const leaving = services.pop()!;
    const started = Date.now();
    await leaving.app.close();
    const shutdownMs = Date.now() - started;
    expect(shutdownMs).toBeLessThan(5000);

    // ZooKeeper returns with the sessions it had (they survive a server restart): the apps keep
    // their nodes, the consumer resyncs; the node of the app closed meanwhile goes when its
    // session expires.
    await server.restart();
    // The old node of the instance closed during the outage lingers until the server expires its
    // session: wait for exactly the two live instances.
    const ports = () =>
      consumer.endpointer
        .instances()
        .map((i) => i.port)
        .sort()
        .join();
    await waitFor(
      () =>
        consumer.endpointer.snapshot?.stale === false &&
        ports() ===
          services
            .map((s) => s.port)
            .sort()
            .join(),
      { timeoutMs: SESSION_MS * 4 },
    );
    expect(consumerLog.filter((line) => line.includes('discovery is current again'))).toHaveLength(
      1,
    );
    expect(new Set((await Promise.all([call(), call()])).map((answer) => answer.name))).toEqual(
      new Set(['O1', 'O2']),
    );
  });
});

import type { INestApplication } from '@nestjs/common';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/index.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');

describe('registration and discovery between Nest apps (real ZooKeeper)', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it("app B's @InjectEndpointer sees app A with A's real port, and a call through B's balancer reaches A", async () => {
    const root = uniqueRoot();
    const a = await startServiceApp({
      servers,
      path: `${root}/hello`,
      name: 'abc',
      instanceName: 'A',
    });
    apps.push(a.app);
    const b = await startConsumerApp(servers, `${root}/hello/abc`);
    apps.push(b.app);

    // Already there when B has bootstrapped: no waiting.
    expect(b.endpointer.instances().map((instance) => instance.port)).toEqual([a.port]);
    expect(b.endpointer.instances()[0]!.url).toBe(`http://127.0.0.1:${a.port}`);
    const answer = await b.endpointer.call((endpoint, { signal }) =>
      endpoint.json<{ name: string }>('/whoami', { signal }),
    );
    expect(answer).toEqual({ name: 'A' });
  });

  it('three instances: round robin spreads calls evenly; a closing instance leaves before it stops serving', async () => {
    const root = uniqueRoot();
    const instances = [];
    for (const name of ['A1', 'A2', 'A3']) {
      const started = await startServiceApp({
        servers,
        path: `${root}/svc`,
        name: 'a',
        instanceName: name,
        registration: { drainDelayMs: 500 },
      });
      instances.push(started);
      apps.push(started.app);
    }
    const consumer = await startConsumerApp(servers, `${root}/svc/a`, {
      endpointer: { retry: { attempts: 1 } },
    });
    apps.push(consumer.app);
    await waitFor(() => consumer.endpointer.endpoints().length === 3);

    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const { name } = await consumer.endpointer.call((endpoint) =>
        endpoint.json<{ name: string }>('/whoami'),
      );
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual({ A1: 100, A2: 100, A3: 100 });

    // Close A2 while calls keep flowing with no retry: none may fail, and A2 must leave the
    // consumer's endpointer before its HTTP server closes.
    const leaving = instances[1]!;
    let leftAt = 0;
    let serverClosedAt = 0;
    consumer.endpointer.subscribe((snapshot) => {
      if (!leftAt && snapshot.instances.length === 2) leftAt = performance.now();
    });
    leaving.server.once('close', () => {
      serverClosedAt = performance.now();
    });
    let stop = false;
    const failures: unknown[] = [];
    let calls = 0;
    const load = (async () => {
      while (!stop) {
        calls++;
        await consumer.endpointer
          .call((endpoint) => endpoint.json('/whoami'))
          .catch((error) => failures.push(error));
      }
    })();
    await leaving.app.close();
    apps.splice(apps.indexOf(leaving.app), 1);
    stop = true;
    await load;

    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(10);
    expect(leftAt).toBeGreaterThan(0);
    expect(leftAt).toBeLessThan(serverClosedAt);
    expect(
      consumer.endpointer
        .instances()
        .map((i) => i.port)
        .sort(),
    ).toEqual([instances[0]!.port, instances[2]!.port].sort());
  });

  it('works on Fastify too', async () => {
    const root = uniqueRoot();
    const a = await startServiceApp({
      servers,
      path: root,
      name: 'f',
      instanceName: 'F',
      adapter: 'fastify',
    });
    apps.push(a.app);
    const b = await startConsumerApp(servers, `${root}/f`);
    apps.push(b.app);
    expect(await b.endpointer.call((endpoint) => endpoint.json('/whoami'))).toEqual({ name: 'F' });
  });

  it('shutdown deregisters exactly our node and closes the session', async () => {
    const root = uniqueRoot();
    const a = await startServiceApp({ servers, path: root, name: 's', instanceName: 'S' });
    const observer = await ZkClient.connect({ servers });
    try {
      const node = a.discovery.registeredNode!;
      expect(await observer.exists(node)).not.toBeNull();
      await a.app.close();
      expect(await observer.exists(node)).toBeNull();
      expect(await observer.exists(`${root}/s`)).not.toBeNull();
      expect(a.discovery.client.state).toBe('closed');
    } finally {
      await observer.close();
    }
  });

  it('warns once registered when SIGTERM would not deregister (no shutdown hooks), and not otherwise', async () => {
    const withoutHooks = new RecordingLogger();
    const withHooks = new RecordingLogger();
    const root = uniqueRoot();
    const a = await startServiceApp({
      servers,
      path: root,
      name: 'no-hooks',
      instanceName: 'A',
      module: { logger: withoutHooks, sessionTimeoutMs: 9000 },
    });
    apps.push(a.app);
    const warning = withoutHooks.matching(`SIGTERM will not deregister ${root}/no-hooks`);
    expect(warning).toHaveLength(1);
    expect(warning[0]).toContain('Call app.enableShutdownHooks() before app.listen()');
    expect(warning[0]).toContain('for up to 9 s (the session timeout)');
    const b = await startServiceApp({
      servers,
      path: root,
      name: 'hooks',
      instanceName: 'B',
      module: { logger: withHooks },
      shutdownHooks: true,
    });
    apps.push(b.app);
    expect(withHooks.matching('SIGTERM will not deregister')).toEqual([]);
    expect(withHooks.lines.filter((line) => line.level === 'warn')).toEqual([]);
    // The log line names what consumers will call.
    expect(withHooks.matching('Registered ')).toEqual([
      `Registered ${b.discovery.registeredNode} as ${b.url}`,
    ]);
  });
});

import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import type { AppRegistrationState } from '../../lib/index.js';
import { startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { type ProxiedServer, startProxiedServer } from '../support/proxied-server.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

/** Nest apps registered in a real ZooKeeper, taken out of discovery and back while they run. */
describe('registration that tells the truth: maintenance and health-gated registration', () => {
  const closers: (() => Promise<unknown>)[] = [];
  const servers = () => inject('zkConnect');

  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function service(
    path: string,
    name: string,
    extra: Parameters<typeof startServiceApp>[0]['registration'] = {},
  ) {
    const app = await startServiceApp({
      servers: servers(),
      path,
      name: 'svc',
      instanceName: name,
      registration: extra,
    });
    closers.push(() => app.app.close());
    return app;
  }

  async function consumer(path: string) {
    const started = await startConsumerApp(servers(), path);
    closers.push(() => started.app.close());
    return started.endpointer;
  }

  const urlsOf = (endpointer: Awaited<ReturnType<typeof consumer>>) =>
    endpointer.instances().map((instance) => instance.url);

  it('maintenance (go-kit node): out of service the node goes, consumers drop it, the app keeps running; back in, it returns', async () => {
    const root = uniqueRoot('maintenance');
    const a = await service(root, 'a');
    const b = await service(root, 'b');
    const hello = await consumer(`${root}/svc`);
    await waitFor(() => hello.instances().length === 2);
    const states: AppRegistrationState[] = [];
    a.discovery.registration$.subscribe((state) => states.push(state));

    await a.discovery.setOutOfService('deploying 1.2.3');
    expect(a.discovery.registrationState).toBe('out-of-service');
    expect(a.discovery.outOfService).toMatchObject({
      by: 'maintenance',
      reason: 'deploying 1.2.3',
    });
    await waitFor(() => hello.instances().length === 1);
    expect(urlsOf(hello)).toEqual([b.url]);
    // Still serving: a caller holding its address gets an answer.
    expect((await fetch(`${a.url}/whoami`)).status).toBe(200);

    await a.discovery.setInService();
    await waitFor(() => hello.instances().length === 2);
    expect(a.discovery.registrationState).toBe('registered');
    expect(states).toContain('out-of-service');
    expect(states.at(-1)).toBe('registered');
  });

  it('maintenance (Spring node): the node stays, marked OUT_OF_SERVICE, which consumers leave out', async () => {
    const root = uniqueRoot('maintenance-spring');
    const a = await service(root, 'a', { format: 'spring' });
    const hello = await consumer(`${root}/svc`);
    await waitFor(() => hello.instances().length === 1);
    const node = a.discovery.registeredNode!;

    await a.discovery.setOutOfService();
    await waitFor(() => hello.instances().length === 0);
    const { data } = await a.discovery.client.getData(node);
    expect(JSON.parse(data.toString()).payload.metadata.instance_status).toBe('OUT_OF_SERVICE');
    expect(hello.snapshot?.instances).toHaveLength(0);

    await a.discovery.setInService();
    await waitFor(() => hello.instances().length === 1);
    expect(a.discovery.registeredNode).toBe(node);
  });

  it('health-gated: failing checks take the instance out, passing ones bring it back, and a consumer under load sees no failed call', async () => {
    const root = uniqueRoot('health-gate');
    let healthy = true;
    const checks = { count: 0 };
    const a = await service(root, 'a', {
      health: {
        check: () => {
          checks.count++;
          if (!healthy) throw new Error('database unreachable');
          return true;
        },
        intervalMs: 50,
        failuresToLeave: 2,
        passesToReturn: 2,
      },
    });
    const b = await service(root, 'b');
    const hello = await consumer(`${root}/svc`);
    await waitFor(() => hello.instances().length === 2);

    let running = true;
    let calls = 0;
    const failures: string[] = [];
    const caller = async () => {
      while (running) {
        try {
          await hello.call((endpoint) => endpoint.json('/whoami'));
          calls++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const callers = Array.from({ length: 4 }, caller);

    healthy = false;
    await waitFor(() => a.discovery.registrationState === 'out-of-service');
    expect(a.discovery.outOfService).toMatchObject({
      by: 'health',
      reason: 'database unreachable',
    });
    await waitFor(() => hello.instances().length === 1);
    expect(urlsOf(hello)).toEqual([b.url]);
    const checksWhenOut = checks.count;

    healthy = true;
    await waitFor(() => hello.instances().length === 2);
    expect(a.discovery.registrationState).toBe('registered');
    expect(checks.count).toBeGreaterThanOrEqual(checksWhenOut + 2);
    running = false;
    await Promise.all(callers);
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(0);
  });
});

describe('registration.health, bad input', () => {
  it('names the option and what it must be', async () => {
    const root = uniqueRoot('health-bad');
    await expect(
      startServiceApp({
        servers: inject('zkConnect'),
        path: root,
        name: 'svc',
        instanceName: 'a',
        registration: { health: { check: () => true, failuresToLeave: 0 } },
        waitForRegistration: false,
      }),
    ).rejects.toThrow(
      'Invalid option `registration.health.failuresToLeave`: 0. Give a whole number from 1 (default 3).',
    );
  });
});

describe('back in service while ZooKeeper is unreachable', () => {
  let proxied: ProxiedServer;
  afterAll(async () => {
    await proxied?.stop();
  });

  it('keeps trying, and is registered again once ZooKeeper answers (never stuck out of service)', async () => {
    proxied = await startProxiedServer();
    const root = uniqueRoot('back-in-service');
    const service = await startServiceApp({
      servers: proxied.proxy.connectString,
      path: root,
      name: 'svc',
      instanceName: 'a',
      // The session outlives the partition; each request gives up after 500 ms.
      module: { sessionTimeoutMs: 20_000, operationTimeoutMs: 500 },
    });
    try {
      const registered = async () => (await proxied.observer.getChildren(`${root}/svc`)).length;
      await service.discovery.setOutOfService('deploy');
      expect(await registered()).toBe(0);

      proxied.proxy.partition();
      await service.discovery.setInService();
      // The create failed: still out of discovery, and retrying.
      expect(service.discovery.registrationState).not.toBe('registered');
      proxied.proxy.heal();
      await waitFor(() => service.discovery.registrationState === 'registered', {
        timeoutMs: 20_000,
      });
      await waitFor(async () => (await registered()) === 1);
    } finally {
      await service.app.close();
    }
  });
});

import 'reflect-metadata';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MetricObjectWithValues, type MetricValue, Registry, register } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import {
  type HttpEndpoint,
  ZkDiscoveryMetrics,
  ZkDiscoveryModule,
  type ZkDiscoveryModuleOptions,
  ZkDiscoveryService,
} from '../../lib/index.js';
import { curatorRegistration } from '../../lib/sd/formats/curator-registration.js';
import { Registrar } from '../../lib/sd/registrar/registrar.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');

async function startApp(options: Partial<ZkDiscoveryModuleOptions>): Promise<INestApplication> {
  @Module({ imports: [ZkDiscoveryModule.forRoot({ servers, logger: false, ...options })] })
  class MetricsAppModule {}
  const app = await NestFactory.create(MetricsAppModule, { logger: false, abortOnError: false });
  await app.listen(0, '127.0.0.1');
  return app;
}

/** The value of `name` with `labels`, as a scrape would see it. */
async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metrics = (await registry.getMetricsAsJSON()) as MetricObjectWithValues<
    MetricValue<string>
  >[];
  const metric = metrics.find((m) => m.name === name);
  return metric?.values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  )?.value;
}

describe('Prometheus metrics (prom-client, real ZooKeeper)', () => {
  const root = uniqueRoot('metrics');
  const path = `${root}/svc`;
  const registry = new Registry();
  let observer: ZkClient;
  let app: INestApplication;
  let discovery: ZkDiscoveryService;

  beforeAll(async () => {
    observer = await ZkClient.connect({ servers });
    app = await startApp({
      metrics: { registry },
      registration: { path: root, name: 'me', drainDelayMs: 0 },
    });
    discovery = app.get(ZkDiscoveryService);
    await discovery.whenRegistered();
    await discovery.getReadyEndpointer(path);
  });
  afterAll(async () => {
    await app?.close();
    await observer?.close();
  });

  it('registers every documented series, with its starting value', async () => {
    const p = 'zk_discovery_';
    expect(app.get(ZkDiscoveryMetrics).metricNames).toEqual([
      `${p}session_state`,
      `${p}session_expiries_total`,
      `${p}registered`,
      `${p}reregistrations_total`,
      `${p}instances`,
      `${p}instances_stale`,
      `${p}watch_rearms_total`,
      `${p}ejections_total`,
      `${p}instances_ejected`,
      `${p}out_of_service`,
      `${p}zone_spilling`,
    ]);
    expect(await metricValue(registry, `${p}session_state`, { state: 'connected' })).toBe(1);
    for (const state of ['connecting', 'disconnected', 'expired', 'closed']) {
      expect(await metricValue(registry, `${p}session_state`, { state }), state).toBe(0);
    }
    expect(await metricValue(registry, `${p}session_expiries_total`)).toBe(0);
    expect(await metricValue(registry, `${p}registered`)).toBe(1);
    expect(await metricValue(registry, `${p}reregistrations_total`)).toBe(0);
    expect(await metricValue(registry, `${p}instances`, { path })).toBe(0);
    expect(await metricValue(registry, `${p}instances_stale`, { path })).toBe(0);
    expect(await metricValue(registry, `${p}watch_rearms_total`, { path })).toBe(0);
    expect(await metricValue(registry, `${p}ejections_total`, { path })).toBe(0);
    expect(await metricValue(registry, `${p}instances_ejected`, { path })).toBe(0);
    expect(await metricValue(registry, `${p}out_of_service`)).toBe(0);
    // Only paths with a zone preference have a series.
    expect(await metricValue(registry, `${p}zone_spilling`, { path })).toBeUndefined();
    // The text exposition a /metrics endpoint serves.
    expect(await registry.metrics()).toContain(`zk_discovery_instances{path="${path}"} 0`);
  });

  it('instances move when instances join and leave; watch re-arms too, on one-shot watches only', async () => {
    // The app's client runs on this process's default transport, as the observer does: with the
    // protocol transport the path has one persistent recursive watch, never set again on a change.
    const oneShot = observer.transport === 'native';
    const rearmsBefore = (await metricValue(registry, 'zk_discovery_watch_rearms_total', {
      path,
    }))!;
    await observer.ensurePath(path);
    const first = await observer.createProtectedEphemeralSequential(path, 'http://127.0.0.1:4101');
    await observer.createProtectedEphemeralSequential(path, 'http://127.0.0.1:4102');
    await waitFor(
      async () => (await metricValue(registry, 'zk_discovery_instances', { path })) === 2,
      { message: 'zk_discovery_instances to reach 2' },
    );
    const rearmsAfterJoin = (await metricValue(registry, 'zk_discovery_watch_rearms_total', {
      path,
    }))!;
    if (oneShot) expect(rearmsAfterJoin).toBeGreaterThan(rearmsBefore);
    else expect(rearmsAfterJoin).toBe(rearmsBefore);

    await observer.delete(first);
    await waitFor(
      async () => (await metricValue(registry, 'zk_discovery_instances', { path })) === 1,
      { message: 'zk_discovery_instances to drop to 1' },
    );
    if (!oneShot) {
      expect(await metricValue(registry, 'zk_discovery_watch_rearms_total', { path })).toBe(
        rearmsBefore,
      );
      return;
    }
    // The count drops on the child's own deletion event; the children watch is re-armed by the
    // read its parent's event starts, just after.
    await waitFor(
      async () =>
        (await metricValue(registry, 'zk_discovery_watch_rearms_total', { path }))! >
        rearmsAfterJoin,
      { message: 'zk_discovery_watch_rearms_total to move after the leave' },
    );
  });

  it('zone_spilling says when calls leave the zone, and when they stay in it again', async () => {
    const zoned = `${root}/zoned`;
    const endpointer = discovery.getEndpointer<HttpEndpoint>(zoned, { zone: 'eu-1' });
    const register = async (zone: string, port: number) => {
      const { service, format } = curatorRegistration({
        format: 'spring',
        basePath: root,
        name: 'zoned',
        address: '127.0.0.1',
        port,
        zone,
      });
      await new Registrar(observer, service, { format }).register();
    };
    const spilling = () => metricValue(registry, 'zk_discovery_zone_spilling', { path: zoned });
    await register('eu-2', 4111);
    await waitFor(() => endpointer.instances().length === 1);
    expect(await spilling()).toBe(1);
    await register('eu-1', 4112);
    await waitFor(() => endpointer.instances().length === 2);
    expect(await spilling()).toBe(0);
  });

  it('ejections and the out-of-service state move with what happens', async () => {
    // Two instances nothing listens on (refused connections): calls through the app's endpointer
    // fail twice in a row on one, which is ejected (the other one stays: no panic).
    await observer.ensurePath(path);
    await observer.createProtectedEphemeralSequential(path, 'http://127.0.0.1:4103');
    const endpointer = discovery.getEndpointer<HttpEndpoint>(path);
    await waitFor(() => endpointer.instances().length === 2);
    await waitFor(
      async () => {
        await endpointer.call((endpoint) => endpoint.json('/')).catch(() => undefined);
        return (await metricValue(registry, 'zk_discovery_instances_ejected', { path })) === 1;
      },
      { message: 'zk_discovery_instances_ejected to reach 1' },
    );
    expect(await metricValue(registry, 'zk_discovery_ejections_total', { path })).toBe(1);

    await discovery.setOutOfService('metrics test');
    expect(await metricValue(registry, 'zk_discovery_out_of_service')).toBe(1);
    expect(await metricValue(registry, 'zk_discovery_registered')).toBe(0);
    await discovery.setInService();
    expect(await metricValue(registry, 'zk_discovery_out_of_service')).toBe(0);
    await waitFor(async () => (await metricValue(registry, 'zk_discovery_registered')) === 1);
  });

  it('a second app on the same registry fails at startup, saying how to fix it', async () => {
    await expect(startApp({ metrics: { registry } })).rejects.toThrow(
      /zk_discovery_session_state is already registered in this registry.*own registry or prefix/,
    );
    // With a prefix of its own it starts, beside the first.
    const second = await startApp({ metrics: { registry, prefix: 'second_zk_' } });
    // (It registers nothing, so it does not wait for its session: the state moves to connected.)
    await waitFor(
      async () =>
        (await metricValue(registry, 'second_zk_session_state', { state: 'connected' })) === 1,
    );
    await second.close();
    expect(registry.getSingleMetric('second_zk_session_state')).toBeUndefined();
  });
});

describe('metrics option', () => {
  it('true registers in prom-client global registry, removed again when the app closes', async () => {
    const app = await startApp({ metrics: true });
    expect(app.get(ZkDiscoveryMetrics).registry).toBe(register);
    expect(register.getSingleMetric('zk_discovery_session_state')).toBeDefined();
    await app.close();
    expect(register.getSingleMetric('zk_discovery_session_state')).toBeUndefined();
  });

  it('off by default: nothing is registered', async () => {
    const app = await startApp({});
    expect(app.get(ZkDiscoveryMetrics).registry).toBeUndefined();
    expect(app.get(ZkDiscoveryMetrics).metricNames).toEqual([]);
    expect(register.getSingleMetric('zk_discovery_session_state')).toBeUndefined();
    await app.close();
  });

  it('rejects a misspelt key and a bad prefix, naming them', async () => {
    await expect(
      startApp({ metrics: { prefx: 'a_' } as unknown as ZkDiscoveryModuleOptions['metrics'] }),
    ).rejects.toThrow(/Unknown ZkDiscoveryModule option `metrics.prefx`.*registry, prefix/);
    await expect(startApp({ metrics: { prefix: '1-bad' } })).rejects.toThrow(
      /`metrics.prefix`: "1-bad"/,
    );
    await expect(startApp({ metrics: { registry: {} as Registry } })).rejects.toThrow(
      /`metrics.registry`: not a prom-client Registry/,
    );
  });
});

import 'reflect-metadata';
import { type INestApplication, Module, ServiceUnavailableException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { importOptionalPeer } from '../../lib/client/optional-peer.js';
import {
  ZkDiscoveryModule,
  type ZkDiscoveryModuleOptions,
  ZkDiscoveryService,
} from '../../lib/index.js';
import { OptionalPeerMissingError, ZkHealthIndicator } from '../../lib/nest/health/index.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');

async function startHealthApp(options: Partial<ZkDiscoveryModuleOptions>) {
  @Module({
    imports: [
      ZkDiscoveryModule.forRoot({ servers, logger: false, ...options }),
      TerminusModule.forRoot({ logger: false }),
    ],
    providers: [ZkHealthIndicator],
  })
  class HealthAppModule {}
  const app = await NestFactory.create(HealthAppModule, { logger: false, abortOnError: false });
  await app.init();
  return {
    app,
    indicator: app.get(ZkHealthIndicator),
    health: app.get(HealthCheckService),
    discovery: app.get(ZkDiscoveryService),
  };
}

describe('ZkHealthIndicator (terminus HealthIndicatorService, real ZooKeeper)', () => {
  const root = uniqueRoot('health');
  let observer: ZkClient;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    observer = await ZkClient.connect({ servers });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await observer?.close();
  });

  it('isHealthy is up with the session id when the app registers nothing', async () => {
    const { app, indicator, discovery } = await startHealthApp({});
    apps.push(app);
    expect(await indicator.isHealthy()).toEqual({
      zookeeper: { status: 'up', state: 'connected', sessionId: `0x${discovery.client.sessionId}` },
    });
  });

  it('isHealthy is down "not registered" until a manual registration is done, then up', async () => {
    const { app, indicator, discovery } = await startHealthApp({
      registration: { path: root, name: 'manual', mode: 'manual' },
    });
    apps.push(app);
    const down = await indicator.isHealthy('zk');
    expect(down.zk).toMatchObject({
      status: 'down',
      registration: 'unregistered',
      message: 'not registered (registration state: unregistered)',
    });
    // Who does not require the registration gets up.
    expect((await indicator.isHealthy('zk', { requireRegistration: false })).zk.status).toBe('up');

    const node = await discovery.register({ scheme: 'http', host: '127.0.0.1', port: 3999 });
    expect((await indicator.isHealthy('zk')).zk).toMatchObject({
      status: 'up',
      registration: 'registered',
      node,
    });
  });

  it('isHealthy is down when our instance node was deleted behind our back', async () => {
    const { app, indicator, discovery } = await startHealthApp({
      registration: { path: root, name: 'deleted', mode: 'manual' },
    });
    apps.push(app);
    const node = await discovery.register({ scheme: 'http', host: '127.0.0.1', port: 3998 });
    await observer.delete(node);
    expect((await indicator.isHealthy()).zookeeper).toMatchObject({
      status: 'down',
      registration: 'registered',
      message: `our instance node ${node} is missing`,
    });
  });

  it('hasInstances follows instances joining and leaving the path', async () => {
    const path = `${root}/svc`;
    const { app, indicator, health } = await startHealthApp({});
    apps.push(app);
    expect((await indicator.hasInstances('svc', path, 2)).svc).toMatchObject({
      status: 'down',
      path,
      instances: 0,
      min: 2,
      message: `${path} has 0 instance(s), fewer than 2`,
    });

    await observer.ensurePath(path);
    const first = await observer.createProtectedEphemeralSequential(path, 'http://127.0.0.1:4001');
    await observer.createProtectedEphemeralSequential(path, 'http://127.0.0.1:4002');
    await waitFor(async () => (await indicator.hasInstances('svc', path, 2)).svc.status === 'up');
    expect((await indicator.hasInstances('svc', path, 2)).svc).toEqual({
      status: 'up',
      path,
      instances: 2,
      min: 2,
      stale: false,
    });
    // Through terminus: 200 ("ok") while satisfied.
    expect((await health.check([() => indicator.hasInstances('svc', path, 2)])).status).toBe('ok');

    await observer.delete(first);
    await waitFor(async () => (await indicator.hasInstances('svc', path, 2)).svc.status === 'down');
    // Through terminus: the 503 exception, carrying the reason.
    const failure = await health
      .check([() => indicator.hasInstances('svc', path, 2)])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServiceUnavailableException);
    expect((failure as ServiceUnavailableException).getResponse()).toMatchObject({
      status: 'error',
      error: {
        svc: { status: 'down', instances: 1, message: `${path} has 1 instance(s), fewer than 2` },
      },
    });
  });

  it('hasInstances rejects a minimum that is not a count, naming it', async () => {
    const { app, indicator } = await startHealthApp({});
    apps.push(app);
    await expect(indicator.hasInstances('svc', `${root}/x`, -1)).rejects.toThrow(
      /Invalid option `ZkHealthIndicator.hasInstances\('svc', '.*', min\)`: -1. Give a whole number from 0./,
    );
  });
});

describe('optional peer dependencies', () => {
  it('a missing package fails with the npm install command to run', async () => {
    const name = 'nestjs-zk-discovery-no-such-peer';
    const failure = await importOptionalPeer(
      name,
      'nestjs-zk-discovery/health',
      () => import(/* @vite-ignore */ name),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OptionalPeerMissingError);
    expect((failure as Error).message).toBe(
      `nestjs-zk-discovery/health needs the package ${name}, which is not installed. ` +
        `Install it beside nestjs-zk-discovery: npm install ${name}`,
    );
  });

  it('an installed package loads; other failures pass through unchanged', async () => {
    const terminus = await importOptionalPeer(
      '@nestjs/terminus',
      'health',
      () => import('@nestjs/terminus'),
    );
    expect(terminus.TerminusModule).toBe(TerminusModule);
    const broken = new Error('SyntaxError in the package');
    await expect(
      importOptionalPeer('@nestjs/terminus', 'health', () => Promise.reject(broken)),
    ).rejects.toBe(broken);
  });
});

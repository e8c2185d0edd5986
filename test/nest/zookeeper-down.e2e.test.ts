import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { describe, expect, inject, it } from 'vitest';
import {
  ZkClient,
  ZkConnectError,
  ZkDiscoveryModule,
  ZkDiscoveryService,
} from '../../lib/index.js';
import { freePort, ZooKeeperServer } from '../../lib/testing/index.js';
import { RecordingLogger } from '../support/fixed-instance-source.js';
import { startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');

describe('ZooKeeper unavailable at startup or shutdown', () => {
  it('fail-fast (default): startup fails within connectTimeoutMs with an error naming the servers', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const error = await startServiceApp({
      servers: nobody,
      path: uniqueRoot(),
      name: 'a',
      instanceName: 'A',
      module: { connectTimeoutMs: 1000 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZkConnectError);
    expect((error as Error).message).toContain(nobody);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('background mode: the app starts without ZooKeeper, warns naming the servers, and registers once ZooKeeper appears', async () => {
    const port = await freePort();
    const root = uniqueRoot();
    const logger = new RecordingLogger();
    const service = await startServiceApp({
      servers: `127.0.0.1:${port}`,
      path: root,
      name: 'bg',
      instanceName: 'BG',
      registration: { failFast: false },
      // The native client retries a cluster it could not reach every sessionTimeout/3.
      module: { sessionTimeoutMs: 3000, connectTimeoutMs: 300, logger },
      waitForRegistration: false,
    });
    const response = await fetch(`${service.url}/whoami`);
    expect(await response.json()).toEqual({ name: 'BG' });
    expect(service.discovery.registrationState).not.toBe('registered');
    const warning = `"127.0.0.1:${port}" (127.0.0.1:${port} refused the connection (nothing listens there)); still trying in the background`;
    await waitFor(() => logger.matching(warning).length > 0, { timeoutMs: 10_000 });

    const server = await ZooKeeperServer.start({ port });
    try {
      const node = await service.discovery.whenRegistered(20_000);
      expect(logger.matching('ZooKeeper session established after')).toHaveLength(1);
      const observer = await ZkClient.connect({ servers: server.connectString });
      expect((await observer.getData(node)).data.toString()).toBe(service.url);
      await observer.close();
      await service.app.close();
    } finally {
      await server.stop();
    }
  });

  it('ZooKeeper down at shutdown: app.close() still finishes in bounded time', async () => {
    const server = await ZooKeeperServer.start();
    const service = await startServiceApp({
      servers: server.connectString,
      path: uniqueRoot(),
      name: 'down',
      instanceName: 'D',
      module: { operationTimeoutMs: 2000 },
      registration: { deregisterTimeoutMs: 1000, drainDelayMs: 100 },
    });
    await server.kill();
    const started = Date.now();
    await service.app.close();
    // deregisterTimeoutMs + drainDelayMs + the native close, with room for a loaded machine.
    expect(Date.now() - started).toBeLessThan(1000 + 100 + 3000);
    expect(service.discovery.client.state).toBe('closed');
    await server.stop();
  });
});

describe('microservices', () => {
  it('a TCP microservice registers on bootstrap with its explicit port, and deregisters on close', async () => {
    const root = uniqueRoot();
    const port = await freePort();
    @Module({
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          logger: false,
          registration: {
            path: root,
            name: 'tcp',
            mode: 'bootstrap',
            scheme: 'tcp',
            host: '127.0.0.1',
            port,
            drainDelayMs: 0,
          },
        }),
      ],
    })
    class MathModule {}
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(MathModule, {
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
      logger: false,
    });
    await app.listen();
    const discovery = app.get(ZkDiscoveryService);
    const observer = await ZkClient.connect({ servers });
    try {
      const node = discovery.registeredNode!;
      expect((await observer.getData(node)).data.toString()).toBe(`tcp://127.0.0.1:${port}`);
      await app.close();
      expect(await observer.exists(node)).toBeNull();
    } finally {
      await observer.close();
    }
  });

  it('bootstrap mode without a port fails with a message naming registration.port', async () => {
    @Module({
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          logger: false,
          registration: { path: uniqueRoot(), name: 'x', mode: 'bootstrap' },
        }),
      ],
    })
    class NoPortModule {}
    await expect(
      NestFactory.createApplicationContext(NoPortModule, { logger: false, abortOnError: false }),
    ).rejects.toThrow(/mode is 'bootstrap' but no registration.port/);
  });
});

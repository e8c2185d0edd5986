import 'reflect-metadata';
import { Injectable, type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getZkClientToken, InjectZkClient, ZkClient, ZkDiscoveryModule } from '../../lib/index.js';
import { MAX_NODE_DATA_BYTES } from '../../lib/sd/service-validation.js';
import { startConsumerApp, startServiceApp } from '../support/nest-apps.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

const servers = inject('zkConnect');

describe('bad data in the tree', () => {
  let writer: ZkClient;
  beforeAll(async () => {
    writer = await ZkClient.connect({ servers });
  });
  afterAll(() => writer.close());

  it('garbage, empty, 1 MB and foreign nodes are skipped and logged once; the good ones stay', async () => {
    const root = uniqueRoot();
    const path = `${root}/svc`;
    const good = await startServiceApp({ servers, path: root, name: 'svc', instanceName: 'G' });
    await writer.create(`${path}/garbage`, Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), {
      mode: 'ephemeral',
    });
    await writer.create(`${path}/empty`, '', { mode: 'ephemeral' });
    await writer.create(`${path}/huge`, Buffer.alloc(MAX_NODE_DATA_BYTES - 1024, 0x41), {
      mode: 'ephemeral',
    });
    await writer.create(`${path}/someone-else`, 'not an address');

    const warnings: string[] = [];
    const logger: LoggerService = {
      log: () => {},
      error: (message: unknown) => warnings.push(String(message)),
      warn: (message: unknown) => warnings.push(String(message)),
    };
    const consumer = await startConsumerApp(servers, path, { logger });
    try {
      expect(consumer.endpointer.instances().map((i) => i.port)).toEqual([good.port]);
      expect(await consumer.endpointer.call((endpoint) => endpoint.json('/whoami'))).toEqual({
        name: 'G',
      });
      // More changes: the bad nodes are not reported again.
      await writer.create(`${path}/late`, 'http://127.0.0.1:1', { mode: 'ephemeral' });
      await waitFor(() => consumer.endpointer.instances().length === 2);
      await writer.delete(`${path}/late`);
      await waitFor(() => consumer.endpointer.instances().length === 1);
      for (const name of ['garbage', 'empty', 'huge', 'someone-else']) {
        expect(
          warnings.filter((line) => line.includes(`${path}/${name}`) || line.includes(name)),
          name,
        ).toHaveLength(1);
      }

      // The whole service path deleted under a running app: no crash, empty, and back when re-created.
      await good.app.close();
      for (const child of await writer.getChildren(path)) await writer.delete(`${path}/${child}`);
      await writer.delete(path);
      await waitFor(() => consumer.endpointer.instances().length === 0);
      const again = await startServiceApp({ servers, path: root, name: 'svc', instanceName: 'G2' });
      await waitFor(() => consumer.endpointer.instances().length === 1);
      expect(await consumer.endpointer.call((endpoint) => endpoint.json('/whoami'))).toEqual({
        name: 'G2',
      });
      await again.app.close();
    } finally {
      await consumer.app.close();
    }
  });
});

describe('bad configuration fails at startup, naming the option and the fix', () => {
  async function startupError(options: Record<string, unknown>): Promise<string> {
    @Module({ imports: [ZkDiscoveryModule.forRoot(options as never)] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false }).catch(
      (e: unknown) => e,
    );
    if (!(app instanceof Error)) {
      await (app as { close(): Promise<void> }).close();
      return '';
    }
    return app.message;
  }

  it('malformed connect string', async () => {
    expect(await startupError({ servers: '127.0.0.1:2181,zk2' })).toMatch(
      /`servers` option.*"zk2" is not host:port.*such as "10.0.0.1:2181/,
    );
  });

  it('relative path and empty service name', async () => {
    expect(
      await startupError({ servers, registration: { path: 'services/x', name: 'a' } }),
    ).toMatch(/`registration.path` "services\/x": it is relative.*absolute ZooKeeper path/);
    expect(await startupError({ servers, registration: { path: '/services', name: ' ' } })).toMatch(
      /`registration.name` " ": it is empty.*Give the service's name/,
    );
  });

  it('port 0, and listen mode with no HTTP server to listen', async () => {
    expect(
      await startupError({ servers, registration: { path: '/s', name: 'a', port: 0 } }),
    ).toMatch(/`registration.port`: 0.*1-65535/);
    @Module({
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          logger: false,
          registration: { path: uniqueRoot(), name: 'a' },
        }),
      ],
    })
    class NoServerModule {}
    const error = await NestFactory.createApplicationContext(NoServerModule, {
      logger: false,
      abortOnError: false,
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /no HTTP server.*registration.mode 'bootstrap'.*registration.port/,
    );
  });

  it('every client option the types accept starts, keepProcessAlive included', async () => {
    @Module({
      imports: [ZkDiscoveryModule.forRoot({ servers, keepProcessAlive: true, logger: false })],
    })
    class KeepAliveModule {}
    const app = await NestFactory.createApplicationContext(KeepAliveModule, {
      logger: false,
      abortOnError: false,
    });
    try {
      const client = app.get<ZkClient>(getZkClientToken());
      // Without a registration the client connects in the background.
      await waitFor(() => client.state === 'connected');
    } finally {
      await app.close();
    }
  });

  it('unknown option', async () => {
    expect(
      await startupError({ servers, registration: { path: '/s', name: 'a', drainDelay: 5 } }),
    ).toMatch(/Unknown ZkDiscoveryModule option `registration.drainDelay`.*drainDelayMs/);
  });

  it('a startup that fails at bootstrap leaves no session behind', async () => {
    let captured: ZkClient | undefined;
    @Injectable()
    class CaptureClient {
      constructor(@InjectZkClient() client: ZkClient) {
        captured = client;
      }
    }
    @Module({
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          logger: false,
          registration: { path: uniqueRoot(), name: 'a' },
        }),
      ],
      providers: [CaptureClient],
    })
    class NoServerModule {}
    await NestFactory.createApplicationContext(NoServerModule, {
      logger: false,
      abortOnError: false,
    }).catch(() => undefined);
    expect(captured?.state).toBe('closed');
  });
});

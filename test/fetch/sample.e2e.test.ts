import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { ZkDiscoveryService } from '../../lib/nest/index.js';
import { HelloModule } from '../../sample/01-hello-service/hello.module.js';
import { FetchGatewayModule } from '../../sample/05-fetch/fetch-gateway.module.js';
import { uniqueRoot } from '../support/unique-root.js';

describe('sample/05-fetch', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('reaches both sample/01 hello instances with fetch through the dispatcher', async () => {
    // The samples use fixed paths: a chroot of their own keeps them apart from other tests.
    const root = uniqueRoot('sample-05');
    const setup = await ZkClient.connect({ servers: inject('zkConnect') });
    await setup.ensurePath(root);
    await setup.close();
    const servers = `${inject('zkConnect')}${root}`;
    for (const instanceName of ['hello-1', 'hello-2']) {
      const hello = await NestFactory.create(
        HelloModule.register({ servers, instanceName, drainDelayMs: 0 }),
        { logger: false },
      );
      apps.push(hello);
      await hello.listen(0, '127.0.0.1');
      await hello.get(ZkDiscoveryService).whenRegistered();
    }
    const gateway = await NestFactory.create(FetchGatewayModule.register(servers), {
      logger: false,
    });
    apps.push(gateway);
    await gateway.listen(0, '127.0.0.1');
    const url = await gateway.getUrl();
    expect(await (await fetch(`${url}/instances`)).json()).toHaveLength(2);
    const answered = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const answer = (await (await fetch(`${url}/hello`)).json()) as { instance: string };
      answered.add(answer.instance);
    }
    expect(answered).toEqual(new Set(['hello-1', 'hello-2']));
  });
});

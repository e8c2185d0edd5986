import 'reflect-metadata';
import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { ZkDiscoveryService } from '../../lib/nest/index.js';
import { freePorts } from '../../lib/testing/index.js';
import { MathModule } from '../../sample/03-tcp-microservice/math.module.js';
import { MathClientModule } from '../../sample/04-microservice-client/math-client.module.js';
import { uniqueRoot } from '../support/unique-root.js';

describe('sample/04-microservice-client', () => {
  const apps: (INestApplication | INestMicroservice)[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('sums through two sample/03 math services found in ZooKeeper', async () => {
    // The samples use fixed paths: a chroot of their own keeps them apart from other tests.
    const root = uniqueRoot('sample-04');
    const setup = await ZkClient.connect({ servers: inject('zkConnect') });
    await setup.ensurePath(root);
    await setup.close();
    const servers = `${inject('zkConnect')}${root}`;
    for (const port of await freePorts(2)) {
      const math = await NestFactory.createMicroservice<MicroserviceOptions>(
        MathModule.register(servers, port),
        { transport: Transport.TCP, options: { host: '127.0.0.1', port }, logger: false },
      );
      apps.push(math);
      await math.listen();
      await math.get(ZkDiscoveryService).whenRegistered();
    }
    const client = await NestFactory.create(MathClientModule.register(servers), { logger: false });
    apps.push(client);
    await client.listen(0, '127.0.0.1');
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${await client.getUrl()}/sum?numbers=1,2,${i}`);
      expect(await response.json()).toEqual({ sum: 3 + i });
    }
  });
});

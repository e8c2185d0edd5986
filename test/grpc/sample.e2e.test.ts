import 'reflect-metadata';
import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ZkClient } from '../../lib/client/index.js';
import { ZkDiscoveryService } from '../../lib/nest/index.js';
import { freePorts } from '../../lib/testing/index.js';
import { HELLO_PROTO } from '../../sample/06-grpc/greeter.contract.js';
import { GreeterModule } from '../../sample/06-grpc/greeter.module.js';
import { GreeterGatewayModule } from '../../sample/06-grpc/greeter-gateway.module.js';
import { greetWithoutNest } from '../../sample/06-grpc/without-nest.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

describe('sample/06-grpc', () => {
  const apps: (INestApplication | INestMicroservice)[] = [];
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('greets through two Greeter instances found in ZooKeeper, with Nest and without', async () => {
    // The sample uses a fixed path: a chroot of its own keeps it apart from other tests.
    const root = uniqueRoot('sample-06');
    const setup = await ZkClient.connect({ servers: inject('zkConnect') });
    await setup.ensurePath(root);
    await setup.close();
    const servers = `${inject('zkConnect')}${root}`;
    const ports = await freePorts(2);
    for (const port of ports) {
      const greeter = await NestFactory.createMicroservice<MicroserviceOptions>(
        GreeterModule.register(servers, port),
        {
          transport: Transport.GRPC,
          options: { package: 'hello', protoPath: HELLO_PROTO, url: `127.0.0.1:${port}` },
          logger: false,
        },
      );
      apps.push(greeter);
      await greeter.listen();
      await greeter.get(ZkDiscoveryService).whenRegistered();
    }
    const gateway = await NestFactory.create(GreeterGatewayModule.register(servers), {
      logger: false,
    });
    apps.push(gateway);
    await gateway.listen(0, '127.0.0.1');
    const url = await gateway.getUrl();

    const answered = new Set<string>();
    await waitFor(
      async () => {
        const response = await fetch(`${url}/hello?name=Ada`);
        const reply = (await response.json()) as { message: string; server: string };
        expect(reply.message).toBe('hello Ada');
        answered.add(reply.server);
        return answered.size === 2;
      },
      { timeoutMs: 10_000, message: 'answers from both Greeter instances' },
    );
    expect(answered).toEqual(new Set(ports.map((port) => `greeter@${port}`)));

    const replies = await greetWithoutNest(servers, 4);
    expect(replies.map((reply) => reply.message)).toEqual([
      'hello call 0',
      'hello call 1',
      'hello call 2',
      'hello call 3',
    ]);
  });
});

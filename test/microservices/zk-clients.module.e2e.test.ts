import 'reflect-metadata';
import { Inject, Injectable, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ClientProxy, ClientsModule } from '@nestjs/microservices';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ZkClient } from '../../lib/client/index.js';
import {
  getClientProxyToken,
  InjectClientProxy,
  ZkClientProxy,
  ZkClientsModule,
} from '../../lib/microservices/index.js';
import { getZkClientToken, ZkDiscoveryModule } from '../../lib/nest/index.js';
import { compiledLibFor, type MathFleet, startMathFleet } from '../support/microservice-fleet.js';

describe('ZkClientProxy in a Nest application', () => {
  const servers = inject('zkConnect');
  let fleet: MathFleet;

  beforeAll(async () => {
    fleet = await startMathFleet(compiledLibFor('microservices-module'), servers, 2);
  });
  afterAll(() => fleet?.close());

  /** Starts an application context importing `imports` and `Consumer`; returns the consumer. */
  async function start<T>(Consumer: Type<T>, imports: unknown[]) {
    @Module({
      imports: [ZkDiscoveryModule.forRoot({ servers, logger: false }), ...(imports as [])],
      providers: [Consumer],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
    return { app, consumer: app.get(Consumer) };
  }

  /** Calls until both instances have answered. */
  async function bothAnswer(client: ClientProxy): Promise<Set<string>> {
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add(await lastValueFrom(client.send<string>('whoami', {})));
    return names;
  }

  it('ZkClientsModule.register() provides a client per path, injected with @InjectClientProxy(path)', async () => {
    @Injectable()
    class MathConsumer {
      constructor(@InjectClientProxy(fleet.path) readonly math: ClientProxy) {}
    }
    const { app, consumer } = await start(MathConsumer, [
      ZkClientsModule.register([{ path: fleet.path, logger: false }]),
    ]);
    expect(consumer.math).toBeInstanceOf(ZkClientProxy);
    // The path was read during bootstrap.
    expect(await firstValueFrom(consumer.math.status)).toBe('connected');
    expect(await bothAnswer(consumer.math)).toEqual(new Set(['m0', 'm1']));
    await app.close();
    expect(await firstValueFrom(consumer.math.status)).toBe('disconnected');
  });

  it('ClientsModule.registerAsync() makes one with customClass: ZkClientProxy and the module client', async () => {
    @Injectable()
    class MathConsumer {
      constructor(@Inject('MATH') readonly math: ClientProxy) {}
    }
    const { app, consumer } = await start(MathConsumer, [
      ClientsModule.registerAsync([
        {
          name: 'MATH',
          inject: [getZkClientToken()],
          useFactory: (client: ZkClient) => ({
            customClass: ZkClientProxy,
            options: { client, path: fleet.path, logger: false },
          }),
        },
      ]),
    ]);
    expect(consumer.math).toBeInstanceOf(ZkClientProxy);
    expect(await bothAnswer(consumer.math)).toEqual(new Set(['m0', 'm1']));
    await app.close();
    expect(await firstValueFrom(consumer.math.status)).toBe('disconnected');
  });

  it('names a client by its path, or by the name given; two under one name are refused', () => {
    expect(getClientProxyToken('services/math/tcp/')).toBe(
      getClientProxyToken('/services/math/tcp'),
    );
    const module = ZkClientsModule.register([{ path: '/a/b' }, { path: '/a/b', name: 'OTHER' }]);
    expect(module.exports).toEqual([getClientProxyToken('/a/b'), 'OTHER']);
    expect(() => ZkClientsModule.register([{ path: '/a/b' }, { path: 'a/b/' }])).toThrow(
      /two clients are registered as ZkDiscovery:ClientProxy:\/a\/b; give one of them another name/,
    );
    expect(() => getClientProxyToken('/a/../b')).toThrow(/Invalid client proxy path "\/a\/..\/b"/);
  });
});

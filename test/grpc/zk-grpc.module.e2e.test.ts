import 'reflect-metadata';
import { Controller, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type ClientGrpc,
  ClientsModule,
  GrpcMethod,
  type MicroserviceOptions,
  Transport,
} from '@nestjs/microservices';
import { firstValueFrom, type Observable } from 'rxjs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { ZkClient } from '../../lib/client/index.js';
import { ZkGrpcModule, zkChannelOptions } from '../../lib/grpc/index.js';
import { defaultClient } from '../../lib/grpc/resolver-clients.js';
import { getZkClientToken, ZkDiscoveryModule } from '../../lib/nest/index.js';
import { freePort } from '../../lib/testing/index.js';
import { HELLO_PROTO, type HelloReply } from '../support/grpc-fleet.js';
import { uniqueRoot } from '../support/unique-root.js';
import { waitFor } from '../support/wait-for.js';

interface GreeterService {
  sayHello(request: { name: string }): Observable<HelloReply>;
}

const servers = inject('zkConnect');
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A Nest gRPC microservice serving Greeter, registered by ZkDiscoveryModule at bootstrap. */
async function startGreeterService(path: string, name: string): Promise<void> {
  const port = await freePort();
  @Controller()
  class GreeterController {
    @GrpcMethod('Greeter', 'SayHello')
    sayHello(request: { name: string }): HelloReply {
      return { message: `hello ${request.name}`, server: name };
    }
  }
  const base = path.slice(0, path.lastIndexOf('/'));
  @Module({
    imports: [
      ZkDiscoveryModule.forRoot({
        servers,
        logger: false,
        registration: {
          path: base,
          name: path.slice(base.length + 1),
          mode: 'bootstrap',
          scheme: 'grpc',
          host: '127.0.0.1',
          port,
        },
      }),
    ],
    controllers: [GreeterController],
  })
  class GreeterModule {}
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(GreeterModule, {
    transport: Transport.GRPC,
    options: { package: 'hello', protoPath: HELLO_PROTO, url: `127.0.0.1:${port}` },
    logger: false,
  });
  await app.listen();
  closers.push(() => app.close());
}

@Injectable()
class HelloCaller implements OnModuleInit {
  greeter!: GreeterService;

  constructor(@Inject('HELLO') private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.greeter = this.client.getService<GreeterService>('Greeter');
  }

  async servers(calls: number): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < calls; i++) {
      const reply = await firstValueFrom(this.greeter.sayHello({ name: `call ${i}` }));
      counts[reply.server] = (counts[reply.server] ?? 0) + 1;
    }
    return counts;
  }
}

/** An application calling Greeter through Nest's ClientGrpc, `imports` giving the client. */
async function startCaller(imports: unknown[]): Promise<HelloCaller> {
  @Module({
    imports: [ZkDiscoveryModule.forRoot({ servers, logger: false }), ...(imports as [])],
    providers: [HelloCaller],
  })
  class CallerModule {}
  const app = await NestFactory.createApplicationContext(CallerModule, { logger: false });
  closers.push(() => app.close());
  return app.get(HelloCaller);
}

describe("Nest's ClientGrpc with url: 'zk:///…'", () => {
  it('reaches the registered Nest gRPC services through ZkGrpcModule and ClientsModule', async () => {
    const path = `${uniqueRoot('nest-grpc')}/hello/grpc`;
    await startGreeterService(path, 'a');
    await startGreeterService(path, 'b');

    const caller = await startCaller([
      ZkGrpcModule.forRoot(),
      ClientsModule.register([
        {
          name: 'HELLO',
          transport: Transport.GRPC,
          options: { url: `zk://${path}`, package: 'hello', protoPath: HELLO_PROTO },
        },
      ]),
    ]);

    // Calls go to the instances connected: once both are, they take turns.
    await waitFor(async () => Object.keys(await caller.servers(1)).includes('b'), {
      timeoutMs: 5_000,
    });
    expect(await caller.servers(20)).toEqual({ a: 10, b: 10 });

    expect(defaultClient()).toBeDefined();
    await closers.pop()!();
    expect(defaultClient()).toBeUndefined();
  });

  it('takes our balancing options through channelOptions (ClientsModule.registerAsync)', async () => {
    const path = `${uniqueRoot('nest-grpc')}/hello/grpc`;
    await startGreeterService(path, 'a');

    const caller = await startCaller([
      ZkGrpcModule.forRoot(),
      ClientsModule.registerAsync([
        {
          name: 'HELLO',
          inject: [getZkClientToken()],
          useFactory: (client: ZkClient) => ({
            transport: Transport.GRPC,
            options: {
              // A target naming its servers: the client's own ensemble, as a Nest app reads it.
              url: `zk://${client.servers}${path}`,
              package: 'hello',
              protoPath: HELLO_PROTO,
              channelOptions: zkChannelOptions({ balancer: 'leastLoaded' }),
            },
          }),
        },
      ]),
    ]);

    expect(await caller.servers(5)).toEqual({ a: 5 });
  });
});

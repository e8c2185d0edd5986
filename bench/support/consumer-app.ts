import type { INestApplicationContext, Type } from '@nestjs/common';
import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ZkTransport } from '../../lib/client/zk-client.options.js';
import {
  type HttpEndpoint,
  InjectEndpointer,
  ZkDiscoveryModule,
  type ZkEndpointer,
} from '../../lib/index.js';

/** The service the consumer apps on `transport` watch (each benchmark has its own server). */
export function watchedPath(transport: ZkTransport): string {
  return `/bench/many-${transport}/svc`;
}

type WatchingService = Type<{ endpointer: ZkEndpointer<HttpEndpoint> }>;
const services = new Map<ZkTransport, WatchingService>();

/**
 * A provider as an app would write it, the endpointer injected by path: one class per transport,
 * shared by that transport's apps (the decorator runs once, before the first app's `forRoot()`).
 */
function watchingService(transport: ZkTransport): WatchingService {
  let service = services.get(transport);
  if (!service) {
    @Injectable()
    class Watching {
      constructor(
        @InjectEndpointer(watchedPath(transport)) readonly endpointer: ZkEndpointer<HttpEndpoint>,
      ) {}
    }
    service = Watching;
    services.set(transport, service);
  }
  return service;
}

@Module({})
class ConsumerAppModule {
  static register(
    servers: string,
    transport: ZkTransport,
    service: WatchingService,
  ): DynamicModule {
    return {
      module: ConsumerAppModule,
      imports: [
        ZkDiscoveryModule.forRoot({ servers, transport, logger: false, keepProcessAlive: true }),
      ],
      providers: [service],
    };
  }
}

/** A consumer app: its Nest application context and the endpointer its provider was given. */
export interface ConsumerApp {
  app: INestApplicationContext;
  endpointer: ZkEndpointer<HttpEndpoint>;
}

/**
 * One Nest application context consuming `watchedPath(transport)` on its own ZooKeeper session
 * of `transport`.
 */
export async function startConsumerApp(
  servers: string,
  transport: ZkTransport,
): Promise<ConsumerApp> {
  const service = watchingService(transport);
  const app = await NestFactory.createApplicationContext(
    ConsumerAppModule.register(servers, transport, service),
    { logger: false },
  );
  return { app, endpointer: app.get(service).endpointer };
}

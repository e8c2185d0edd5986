import type { INestApplicationContext } from '@nestjs/common';
import { type DynamicModule, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type HttpEndpoint,
  InjectEndpointer,
  ZkDiscoveryModule,
  type ZkEndpointer,
} from '../../lib/index.js';

/** The service the consumer apps of the benchmarks watch (each benchmark has its own server). */
export const WATCHED_PATH = '/bench/many/svc';

/** A provider as an app would write it: the endpointer injected by path. */
@Injectable()
export class WatchingService {
  constructor(@InjectEndpointer(WATCHED_PATH) readonly endpointer: ZkEndpointer<HttpEndpoint>) {}
}

@Module({})
class ConsumerAppModule {
  static register(servers: string): DynamicModule {
    return {
      module: ConsumerAppModule,
      imports: [ZkDiscoveryModule.forRoot({ servers, logger: false, keepProcessAlive: true })],
      providers: [WatchingService],
    };
  }
}

/** One Nest application context consuming `WATCHED_PATH` (its own ZooKeeper session). */
export async function startConsumerApp(servers: string): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(ConsumerAppModule.register(servers), {
    logger: false,
  });
}

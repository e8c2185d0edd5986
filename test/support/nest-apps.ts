import 'reflect-metadata';
import type { Server } from 'node:http';
import {
  Controller,
  type DynamicModule,
  Get,
  type INestApplication,
  Inject,
  Module,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  type HttpEndpoint,
  InjectEndpointer,
  ZkDiscoveryModule,
  type ZkDiscoveryModuleOptions,
  ZkDiscoveryService,
  type ZkEndpointer,
  type ZkRegistrationOptions,
} from '../../lib/index.js';

const INSTANCE_NAME = 'test:instance-name';

@Controller()
class WhoAmIController {
  constructor(@Inject(INSTANCE_NAME) private readonly name: string) {}

  @Get('whoami')
  whoami(): { name: string } {
    return { name: this.name };
  }
}

export interface ServiceApp {
  app: INestApplication;
  discovery: ZkDiscoveryService;
  url: string;
  port: number;
  server: Server;
}

export interface ServiceAppOptions {
  servers: string;
  /** Registered as `path/name`. */
  path: string;
  name: string;
  instanceName: string;
  registration?: Partial<ZkRegistrationOptions>;
  module?: Partial<ZkDiscoveryModuleOptions>;
  adapter?: 'express' | 'fastify';
  /** Wait for the registration before returning. @default true */
  waitForRegistration?: boolean;
  /** Call `app.enableShutdownHooks()` before `listen()`, as a production main.ts does. @default false */
  shutdownHooks?: boolean;
}

/** A Nest HTTP app that registers itself, listening on 127.0.0.1 and a free port. */
export async function startServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  @Module({})
  class ServiceModule {
    static register(): DynamicModule {
      return {
        module: ServiceModule,
        imports: [
          ZkDiscoveryModule.forRoot({
            servers: options.servers,
            logger: false,
            ...options.module,
            registration: {
              path: options.path,
              name: options.name,
              drainDelayMs: 200,
              ...options.registration,
            },
          }),
        ],
        controllers: [WhoAmIController],
        providers: [{ provide: INSTANCE_NAME, useValue: options.instanceName }],
      };
    }
  }
  const app =
    options.adapter === 'fastify'
      ? await NestFactory.create(ServiceModule.register(), new FastifyAdapter(), {
          logger: false,
          abortOnError: false,
        })
      : await NestFactory.create(ServiceModule.register(), { logger: false, abortOnError: false });
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const discovery = app.get(ZkDiscoveryService);
  if (options.waitForRegistration ?? true) await discovery.whenRegistered();
  return { app, discovery, url: `http://127.0.0.1:${port}`, port, server };
}

/** A provider class holding the endpointer of `path`, as a user would write it. */
export function endpointerHolder(path: string): Type<{ endpointer: ZkEndpointer<HttpEndpoint> }> {
  class EndpointerHolder {
    constructor(@InjectEndpointer(path) readonly endpointer: ZkEndpointer<HttpEndpoint>) {}
  }
  return EndpointerHolder;
}

/** A consumer app (no registration) whose `holder` provider injects the endpointer of `path`. */
export async function startConsumerApp(
  servers: string,
  path: string,
  module: Partial<ZkDiscoveryModuleOptions> = {},
): Promise<{ app: INestApplication; endpointer: ZkEndpointer<HttpEndpoint> }> {
  const Holder = endpointerHolder(path);
  @Module({
    imports: [ZkDiscoveryModule.forRoot({ servers, logger: false, ...module })],
    providers: [Holder],
  })
  class ConsumerModule {}
  const app = await NestFactory.create(ConsumerModule, { logger: false, abortOnError: false });
  await app.init();
  return { app, endpointer: app.get(Holder).endpointer };
}

import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ZkDiscoveryExceptionFilter, ZkDiscoveryModule } from 'nestjs-zk-discovery';
import { GatewayController } from './gateway.controller.js';
import { GatewayService } from './gateway.service.js';

/**
 * A gateway that discovers the hello instances and load-balances calls to them. Failed calls
 * answer 503 (no instance), 502/504 (instances failing) or the instance's own 4xx, with one log
 * line each, through `ZkDiscoveryExceptionFilter`.
 */
@Module({})
export class GatewayModule {
  static register(servers: string): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          endpointer: { balancer: 'roundRobin', retry: { attempts: 3, timeoutMs: 5000 } },
          logger: false,
        }),
      ],
      controllers: [GatewayController],
      providers: [GatewayService, { provide: APP_FILTER, useClass: ZkDiscoveryExceptionFilter }],
    };
  }
}

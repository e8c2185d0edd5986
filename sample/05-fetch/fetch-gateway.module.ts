import { type DynamicModule, Module } from '@nestjs/common';
import { ZkDiscoveryModule } from 'nestjs-zk-discovery';
import { FetchGatewayController } from './fetch-gateway.controller.js';
import { HelloClient } from './hello.client.js';

/** A gateway calling the hello instances with `fetch` through a `ZkDispatcher`. */
@Module({})
export class FetchGatewayModule {
  static register(servers: string): DynamicModule {
    return {
      module: FetchGatewayModule,
      imports: [ZkDiscoveryModule.forRoot({ servers, logger: false })],
      controllers: [FetchGatewayController],
      providers: [HelloClient],
    };
  }
}

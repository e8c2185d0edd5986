import { type DynamicModule, Module } from '@nestjs/common';
import { ZkDiscoveryModule } from 'nestjs-zk-discovery';
import { GREETER_PATH } from './greeter.contract.js';
import { GREETER_NAME, GreeterController } from './greeter.controller.js';

/**
 * A Nest gRPC microservice: no HTTP server, so it registers at bootstrap with an explicit host and
 * port (`mode: 'bootstrap'`), as `grpc://127.0.0.1:<port>` under /services/greeter/grpc.
 */
@Module({})
export class GreeterModule {
  static register(servers: string, port: number): DynamicModule {
    const base = GREETER_PATH.slice(0, GREETER_PATH.lastIndexOf('/'));
    return {
      module: GreeterModule,
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          registration: {
            path: base,
            name: 'grpc',
            mode: 'bootstrap',
            scheme: 'grpc',
            host: '127.0.0.1',
            port,
            drainDelayMs: 200,
          },
          logger: false,
        }),
      ],
      controllers: [GreeterController],
      providers: [{ provide: GREETER_NAME, useValue: `greeter@${port}` }],
    };
  }
}

import { type DynamicModule, Module } from '@nestjs/common';
import { ZkDiscoveryModule } from 'nestjs-zk-discovery';
import { MathController } from './math.controller.js';

/**
 * A TCP microservice: no HTTP server, so it registers at bootstrap with an explicit host and port
 * (`mode: 'bootstrap'`), as `tcp://127.0.0.1:<port>`.
 */
@Module({})
export class MathModule {
  static register(servers: string, port: number): DynamicModule {
    return {
      module: MathModule,
      imports: [
        ZkDiscoveryModule.forRoot({
          servers,
          registration: {
            path: '/services/math',
            name: 'tcp',
            mode: 'bootstrap',
            scheme: 'tcp',
            host: '127.0.0.1',
            port,
            drainDelayMs: 200,
          },
          logger: false,
        }),
      ],
      controllers: [MathController],
    };
  }
}

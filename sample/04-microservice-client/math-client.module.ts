import { type DynamicModule, Module } from '@nestjs/common';
import { ZkDiscoveryModule } from 'nestjs-zk-discovery';
import { ZkClientsModule } from 'nestjs-zk-discovery/microservices';
import { MATH_PATH, MathClientController } from './math-client.controller.js';

/**
 * An HTTP app calling the TCP math service through discovery: `ZkClientsModule` provides a
 * `ClientProxy` over the instances registered under `/services/math/tcp` (one TCP connection per
 * instance, opened at its first call, closed when the instance leaves).
 */
@Module({})
export class MathClientModule {
  static register(servers: string): DynamicModule {
    return {
      module: MathClientModule,
      imports: [
        ZkDiscoveryModule.forRoot({ servers, logger: false }),
        ZkClientsModule.register([
          // Each attempt waits 2 s for an answer; a call tries up to 3 instances within 5 s.
          { path: MATH_PATH, timeoutMs: 2000, retry: { attempts: 3, timeoutMs: 5000 } },
        ]),
      ],
      controllers: [MathClientController],
    };
  }
}

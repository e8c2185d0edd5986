import { type DynamicModule, Module } from '@nestjs/common';
import { ZkDiscoveryModule } from '../../lib/index.js';
import { HelloController } from './hello.controller.js';
import { HelloIdentity } from './hello.identity.js';

export interface HelloServiceConfig {
  /** ZooKeeper connect string. */
  servers: string;
  /** Shown in answers, to tell instances apart. */
  instanceName: string;
  drainDelayMs?: number;
}

/**
 * An HTTP "hello" service that registers itself under /services/hello/abc once it is listening,
 * and deregisters when it shuts down.
 */
@Module({})
export class HelloModule {
  static register(config: HelloServiceConfig): DynamicModule {
    return {
      module: HelloModule,
      imports: [
        ZkDiscoveryModule.forRoot({
          servers: config.servers,
          registration: {
            path: '/services/hello',
            name: 'abc',
            drainDelayMs: config.drainDelayMs ?? 300,
          },
          logger: false,
        }),
      ],
      controllers: [HelloController],
      providers: [{ provide: HelloIdentity, useValue: new HelloIdentity(config.instanceName) }],
    };
  }
}

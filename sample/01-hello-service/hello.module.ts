import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ZkDiscoveryModule } from 'nestjs-zk-discovery';
import { ZkHealthIndicator } from 'nestjs-zk-discovery/health';
import { HealthController } from './health.controller.js';
import { HelloController } from './hello.controller.js';
import { HelloIdentity } from './hello.identity.js';

export interface HelloServiceConfig {
  /** ZooKeeper connect string. */
  servers: string;
  /** Shown in answers, to tell instances apart. */
  instanceName: string;
  drainDelayMs?: number;
  /** ZooKeeper session timeout. @default 30000 */
  sessionTimeoutMs?: number;
}

/**
 * An HTTP "hello" service that registers itself under /services/hello/abc once it is listening,
 * and deregisters when it shuts down. `GET /health` reports its session and registration.
 */
@Module({})
export class HelloModule {
  static register(config: HelloServiceConfig): DynamicModule {
    return {
      module: HelloModule,
      imports: [
        ZkDiscoveryModule.forRoot({
          servers: config.servers,
          sessionTimeoutMs: config.sessionTimeoutMs,
          registration: {
            path: '/services/hello',
            name: 'abc',
            drainDelayMs: config.drainDelayMs ?? 300,
          },
          logger: false,
        }),
        TerminusModule,
      ],
      controllers: [HelloController, HealthController],
      providers: [
        { provide: HelloIdentity, useValue: new HelloIdentity(config.instanceName) },
        ZkHealthIndicator,
      ],
    };
  }
}

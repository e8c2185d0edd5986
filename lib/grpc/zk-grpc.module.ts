import { type DynamicModule, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ZkClient } from '../client/index.js';
import { getZkClientToken } from '../nest/index.js';
import { registerZkResolver, type ZkResolverOptions } from './register-zk-resolver.js';

/** Options of `ZkGrpcModule.forRoot()`: those of `registerZkResolver` but the client. */
export type ZkGrpcModuleOptions = Omit<ZkResolverOptions, 'client'>;

/** The registration of the app's client, undone when the app shuts down. */
class ZkGrpcRegistration implements OnApplicationShutdown {
  constructor(private readonly unregister: () => void) {}

  onApplicationShutdown(): void {
    this.unregister();
  }
}

const ZK_GRPC_REGISTRATION = 'ZkDiscovery:GrpcResolver';

/**
 * Lets the app's gRPC clients (`ClientsModule` with `transport: Transport.GRPC`, or grpc-js
 * clients of its own) reach `url: 'zk:///services/hello/grpc'` through the ZooKeeper client of
 * `ZkDiscoveryModule`, from the app's start until its shutdown.
 *
 * ```ts
 * imports: [ZkDiscoveryModule.forRoot({ servers }), ZkGrpcModule.forRoot(), ClientsModule.register([...])]
 * ```
 */
export class ZkGrpcModule {
  /** Registers the app's ZooKeeper client for `zk:///` targets until the app shuts down. */
  static forRoot(options: ZkGrpcModuleOptions = {}): DynamicModule {
    return {
      module: ZkGrpcModule,
      providers: [
        {
          provide: ZK_GRPC_REGISTRATION,
          inject: [getZkClientToken()],
          useFactory: (client: ZkClient) =>
            new ZkGrpcRegistration(
              registerZkResolver({ logger: new Logger('ZkGrpc'), ...options, client }),
            ),
        },
      ],
    };
  }
}

import {
  type DynamicModule,
  type FactoryProvider,
  Global,
  Inject,
  Module,
  type OnApplicationShutdown,
  type Provider,
  type Type,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ZkClient } from '../client/zk-client.js';
import { getEndpointerToken, namedEndpointerPaths } from './inject-endpointer.js';
import { ZkDiscoveryMetrics } from './metrics/zk-discovery.metrics.js';
import { ZkAppRegistration } from './zk-app-registration.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { forRootTwice } from './zk-discovery.messages.js';
import type {
  ZkDiscoveryModuleAsyncOptions,
  ZkDiscoveryModuleOptions,
  ZkDiscoveryOptionsFactory,
} from './zk-discovery.options.js';
import {
  type ResolvedZkDiscoveryOptions,
  resolveZkDiscoveryOptions,
} from './zk-discovery.options-resolver.js';
import { ZkDiscoveryService } from './zk-discovery.service.js';
import { endpointerProvider, ZkEndpointers } from './zk-endpointers.js';
import { ZkRegistrationLifecycle } from './zk-registration.lifecycle.js';
import { ZkSessionStatuses } from './zk-session-status.js';

/**
 * Owns the client, as @nestjs/typeorm's core module owns its DataSource: connects it before
 * anything else starts and closes it last, after its providers closed the endpointers and the
 * registration (Nest calls a module's own shutdown hook after its providers'). Global, so that
 * its tokens resolve everywhere.
 */
@Global()
@Module({})
export class ZkDiscoveryCoreModule implements OnApplicationShutdown {
  constructor(@Inject(ZK_CLIENT) private readonly client: ZkClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  static forRoot(options: ZkDiscoveryModuleOptions): DynamicModule {
    return ZkDiscoveryCoreModule.withOptionsProvider({
      provide: ZK_DISCOVERY_OPTIONS,
      useFactory: () => resolveZkDiscoveryOptions(options),
    });
  }

  static forRootAsync(options: ZkDiscoveryModuleAsyncOptions): DynamicModule {
    const module = ZkDiscoveryCoreModule.withOptionsProvider(
      asyncOptionsProvider(options),
      options.useClass ? [{ provide: options.useClass, useClass: options.useClass }] : [],
    );
    module.imports = options.imports ?? [];
    return module;
  }

  private static withOptionsProvider(
    optionsProvider: Provider,
    extraProviders: readonly Provider[] = [],
  ): DynamicModule {
    const fixedProviders: Provider[] = [
      optionsProvider,
      ...extraProviders,
      clientProvider,
      ZkEndpointers,
      ZkAppRegistration,
      ZkSessionStatuses,
      ZkDiscoveryService,
      ZkRegistrationLifecycle,
      ZkDiscoveryMetrics,
    ];
    const fixedExports = [ZK_CLIENT, ZkDiscoveryService, ZkDiscoveryMetrics, ZkEndpointers];
    // Read when the application scans its modules, once every decorator of its files has run, so
    // that decorators in files imported after this call are included.
    return {
      module: ZkDiscoveryCoreModule,
      get providers(): Provider[] {
        return [
          ...fixedProviders,
          ...namedEndpointerPaths().map((path) => endpointerProvider(path)),
        ];
      },
      get exports(): NonNullable<DynamicModule['exports']> {
        return [...fixedExports, ...namedEndpointerPaths().map(getEndpointerToken)];
      },
    };
  }
}

/**
 * The client, connected before anything else starts. With `registration.failFast` (the default)
 * startup fails when no server answers within `connectTimeoutMs`; otherwise it connects in the
 * background. Also where a second `forRoot()` in one application is caught, before any session.
 */
const clientProvider: FactoryProvider<ZkClient> = {
  provide: ZK_CLIENT,
  inject: [ZK_DISCOVERY_OPTIONS, ModulesContainer],
  useFactory: async (options: ResolvedZkDiscoveryOptions, modules: ModulesContainer) => {
    const copies = [...modules.values()].filter(
      (module) => module.metatype === ZkDiscoveryCoreModule,
    ).length;
    if (copies > 1) throw new Error(forRootTwice());
    const clientOptions = { ...options.client, logger: options.logger };
    if (options.registration?.failFast) return ZkClient.connect(clientOptions);
    const client = new ZkClient(clientOptions);
    client.start();
    return client;
  },
};

function asyncOptionsProvider(options: ZkDiscoveryModuleAsyncOptions): Provider {
  if (options.useFactory) {
    const factory = options.useFactory;
    return {
      provide: ZK_DISCOVERY_OPTIONS,
      inject: options.inject ?? [],
      useFactory: async (...args: unknown[]) => resolveZkDiscoveryOptions(await factory(...args)),
    };
  }
  const factoryClass: Type<ZkDiscoveryOptionsFactory> | undefined =
    options.useExisting ?? options.useClass;
  if (!factoryClass) {
    throw new TypeError(
      'ZkDiscoveryModule.forRootAsync() needs one of useFactory, useClass or useExisting to produce the options.',
    );
  }
  return {
    provide: ZK_DISCOVERY_OPTIONS,
    inject: [factoryClass],
    useFactory: async (factory: ZkDiscoveryOptionsFactory) =>
      resolveZkDiscoveryOptions(await factory.createZkDiscoveryOptions()),
  };
}

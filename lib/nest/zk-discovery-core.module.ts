import { type DynamicModule, Global, Module, type Provider, type Type } from '@nestjs/common';
import { ZkDiscoveryMetrics } from './metrics/zk-discovery.metrics.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { namedEndpointerPaths } from './zk-discovery.declarations.js';
import { getEndpointerToken } from './zk-discovery.decorators.js';
import type {
  ZkDiscoveryModuleAsyncOptions,
  ZkDiscoveryModuleOptions,
  ZkDiscoveryOptionsFactory,
} from './zk-discovery.options.js';
import { resolveZkDiscoveryOptions } from './zk-discovery.options-resolver.js';
import { createEndpointerProvider, createZkClientProvider } from './zk-discovery.providers.js';
import { ZkDiscoveryService } from './zk-discovery.service.js';
import { ZkRegistrationLifecycle } from './zk-registration.lifecycle.js';

/** Owns the session, the registration and the endpointers; global so its tokens resolve everywhere. */
@Global()
@Module({})
export class ZkDiscoveryCoreModule {
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
      createZkClientProvider(ZkDiscoveryCoreModule),
      ZkDiscoveryService,
      ZkRegistrationLifecycle,
      ZkDiscoveryMetrics,
    ];
    const fixedExports = [ZK_CLIENT, ZkDiscoveryService, ZkDiscoveryMetrics];
    // Read when the application scans its modules, once every decorator of its files has run, so
    // that decorators in files imported after this call are included.
    return {
      module: ZkDiscoveryCoreModule,
      get providers(): Provider[] {
        return [
          ...fixedProviders,
          ...namedEndpointerPaths().map((path) => createEndpointerProvider(path)),
        ];
      },
      get exports(): NonNullable<DynamicModule['exports']> {
        return [...fixedExports, ...namedEndpointerPaths().map(getEndpointerToken)];
      },
    };
  }
}

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

import { type DynamicModule, Global, Module, type Provider, type Type } from '@nestjs/common';
import { ZkDiscoveryMetrics } from './metrics/zk-discovery.metrics.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { getEndpointerToken } from './zk-discovery.decorators.js';
import type {
  ZkDiscoveryModuleAsyncOptions,
  ZkDiscoveryModuleOptions,
  ZkDiscoveryOptionsFactory,
} from './zk-discovery.options.js';
import { resolveZkDiscoveryOptions } from './zk-discovery.options-resolver.js';
import { declaredEndpointerPaths, onEndpointerPathDeclared } from './zk-discovery.paths.js';
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
    const module = ZkDiscoveryCoreModule.withOptionsProvider(asyncOptionsProvider(options));
    module.imports = options.imports ?? [];
    if (options.useClass)
      module.providers!.push({ provide: options.useClass, useClass: options.useClass });
    return module;
  }

  private static withOptionsProvider(optionsProvider: Provider): DynamicModule {
    const paths = declaredEndpointerPaths();
    const providers: Provider[] = [
      optionsProvider,
      createZkClientProvider(ZkDiscoveryCoreModule),
      ZkDiscoveryService,
      ZkRegistrationLifecycle,
      ZkDiscoveryMetrics,
      ...paths.map(createEndpointerProvider),
    ];
    const exports: DynamicModule['exports'] = [
      ZK_CLIENT,
      ZkDiscoveryService,
      ZkDiscoveryMetrics,
      ...paths.map(getEndpointerToken),
    ];
    // Decorators of files imported after this call still reach this module, until the app scans it.
    onEndpointerPathDeclared((path) => {
      providers.push(createEndpointerProvider(path));
      exports.push(getEndpointerToken(path));
    });
    return { module: ZkDiscoveryCoreModule, providers, exports };
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

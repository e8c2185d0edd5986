import { type DynamicModule, Module } from '@nestjs/common';
import { getEndpointerToken, normalizeEndpointerPath } from './inject-endpointer.js';
import type {
  ZkDiscoveryModuleAsyncOptions,
  ZkDiscoveryModuleOptions,
} from './zk-discovery.options.js';
import { ZkDiscoveryCoreModule } from './zk-discovery-core.module.js';
import { endpointerProvider } from './zk-endpointers.js';

/**
 * ZooKeeper service discovery for Nest. Import `forRoot()`/`forRootAsync()` once in the root
 * module; inject `@InjectEndpointer(path)` anywhere, and `forFeature(paths)` in lazy-loaded modules.
 */
@Module({})
export class ZkDiscoveryModule {
  static forRoot(options: ZkDiscoveryModuleOptions): DynamicModule {
    return { module: ZkDiscoveryModule, imports: [ZkDiscoveryCoreModule.forRoot(options)] };
  }

  static forRootAsync(options: ZkDiscoveryModuleAsyncOptions): DynamicModule {
    return { module: ZkDiscoveryModule, imports: [ZkDiscoveryCoreModule.forRootAsync(options)] };
  }

  /** Endpointer providers for `paths`, for modules that cannot rely on decorator collection. */
  static forFeature(paths: readonly string[]): DynamicModule {
    const normalized = [...new Set(paths.map(normalizeEndpointerPath))];
    return {
      module: ZkDiscoveryModule,
      providers: normalized.map((path) => endpointerProvider(path, true)),
      exports: normalized.map(getEndpointerToken),
    };
  }
}

import type { FactoryProvider, Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { ZkClient } from '../client/zk-client.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { getEndpointerToken } from './zk-discovery.decorators.js';
import { forRootTwice } from './zk-discovery.messages.js';
import type { ResolvedZkDiscoveryOptions } from './zk-discovery.options-resolver.js';
import { ZkDiscoveryService } from './zk-discovery.service.js';

/**
 * The client, connected before anything else starts. With `registration.failFast` (the default)
 * startup fails when no server answers within `connectTimeoutMs`; otherwise it connects in the
 * background. Also where a second `forRoot()` in one application is caught, before any session.
 */
export function createZkClientProvider(coreModule: object): FactoryProvider<ZkClient> {
  return {
    provide: ZK_CLIENT,
    inject: [ZK_DISCOVERY_OPTIONS, ModulesContainer],
    useFactory: async (options: ResolvedZkDiscoveryOptions, modules: ModulesContainer) => {
      const copies = [...modules.values()].filter(
        (module) => module.metatype === coreModule,
      ).length;
      if (copies > 1) throw new Error(forRootTwice());
      const clientOptions = { ...options.client, logger: options.logger };
      if (options.registration?.failFast) return ZkClient.connect(clientOptions);
      const client = new ZkClient(clientOptions);
      client.start();
      return client;
    },
  };
}

/**
 * One provider per path: the shared endpointer, holding its first snapshot (bounded wait). The
 * providers `forRoot()` offers for every path named in the process stay empty in an application
 * whose classes do not inject it (no endpointer, no watch); those of `forFeature()` (`always`) do not.
 */
export function createEndpointerProvider(path: string, always = false): FactoryProvider {
  return {
    provide: getEndpointerToken(path),
    inject: [ZkDiscoveryService],
    useFactory: (discovery: ZkDiscoveryService) =>
      always || discovery.appDeclaresEndpointer(path)
        ? discovery.getReadyEndpointer(path)
        : undefined,
  };
}

export function createEndpointerProviders(paths: readonly string[]): Provider[] {
  return paths.map((path) => createEndpointerProvider(path, true));
}

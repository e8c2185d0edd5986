import { type DynamicModule, Inject, Logger, Module, type Provider } from '@nestjs/common';
import type { ZkClient } from '../client/index.js';
import { getZkClientToken } from '../nest/index.js';
import { validateZnodePath } from '../sd/index.js';
import { ZkClientProxy } from './zk-client-proxy.js';
import type { ZkClientProxyOptions } from './zk-client-proxy.options.js';

const TOKEN_PREFIX = 'ZkDiscovery:ClientProxy:';

/** One client of `ZkClientsModule.register()`: a path, and the options of its `ZkClientProxy`. */
export interface ZkClientProxyRegistration extends Omit<ZkClientProxyOptions, 'client'> {
  /** The injection token. @default `getClientProxyToken(path)`, what `@InjectClientProxy(path)` injects */
  name?: string | symbol;
}

/** Options of `ZkClientsModule.register()` beyond the list of clients. */
export interface ZkClientsModuleOptions {
  /** Make the clients injectable in every module. @default false */
  isGlobal?: boolean;
}

/** `'a/b'`, `'/a/b'` and `'/a/b/'` are one path, as for endpointers. */
function normalizedPath(path: string): string {
  const absolute =
    typeof path === 'string' && path !== '' && !path.startsWith('/') ? `/${path}` : path;
  return validateZnodePath(absolute, 'client proxy path');
}

/**
 * The injection token of the `ZkClientProxy` of `path` registered without a `name`
 * (`'ZkDiscovery:ClientProxy:/services/math/tcp'`). No side effect.
 */
export function getClientProxyToken(path: string): string {
  return `${TOKEN_PREFIX}${normalizedPath(path)}`;
}

/**
 * Injects the `ZkClientProxy` of `path`, registered with `ZkClientsModule.register([{ path }])`:
 * `@InjectClientProxy('/services/math/tcp') math: ClientProxy`.
 */
export function InjectClientProxy(path: string): ParameterDecorator & PropertyDecorator {
  return Inject(getClientProxyToken(path));
}

/**
 * Microservice clients over discovery, as Nest's `ClientsModule` makes clients over fixed
 * addresses: `ZkClientsModule.register([{ path: '/services/math/tcp' }])` provides a
 * `ZkClientProxy` per path, on the `ZkClient` of `ZkDiscoveryModule.forRoot()`. Each has read its
 * path once the application has bootstrapped (at most `connectTimeoutMs`; later if ZooKeeper is
 * slow, with a warning), and closes with the application.
 */
@Module({})
export class ZkClientsModule {
  /**
   * One provider per client, under its `name` or `getClientProxyToken(path)`.
   * @throws TypeError when `clients` is not a list; Error when two clients share a token.
   */
  static register(
    clients: readonly ZkClientProxyRegistration[],
    options: ZkClientsModuleOptions = {},
  ): DynamicModule {
    if (!Array.isArray(clients)) {
      throw new TypeError(
        'ZkClientsModule.register() takes a list of clients, e.g. ' +
          "[{ path: '/services/math/tcp' }]; got " +
          `${clients === null ? 'null' : typeof clients}.`,
      );
    }
    const seen = new Set<string | symbol>();
    const providers: Provider[] = clients.map((registration) => {
      const { name, ...proxyOptions } = registration;
      const token = name ?? getClientProxyToken(registration.path);
      if (seen.has(token)) {
        throw new Error(
          `ZkClientsModule.register(): two clients are registered as ${String(token)}; give one ` +
            'of them another name (or one path once).',
        );
      }
      seen.add(token);
      return {
        provide: token,
        inject: [getZkClientToken()],
        useFactory: async (client: ZkClient) => {
          const proxy = new ZkClientProxy({ ...proxyOptions, client });
          await proxy.connect().catch((error: unknown) => {
            if (proxyOptions.logger === false) return;
            const logger = proxyOptions.logger ?? new Logger('ZkClientProxy');
            logger.warn(`${(error as Error).message}; starting without its instances`);
          });
          return proxy;
        },
      };
    });
    return {
      module: ZkClientsModule,
      global: options.isGlobal ?? false,
      providers,
      exports: [...seen],
    };
  }
}

import type {
  InjectionToken,
  LoggerService,
  ModuleMetadata,
  OptionalFactoryDependency,
  Type,
} from '@nestjs/common';
import type { ZkClientOptions } from '../client/zk-client.options.js';
import type { AdvertisedAddress } from '../sd/formats/registration-in-format.js';
import type { InstanceFormat } from '../sd/instance-format.js';
import type { RegistrationHealthOptions } from '../sd/registrar/health-gate.js';
import type { ZkEndpointerConfig } from '../sd/zk-endpointer.options.js';
import type { ZkDiscoveryMetricsOptions } from './zk-discovery-metrics.options.js';

/** When the app registers itself. */
export type RegistrationMode =
  /** Once the HTTP server is really listening (the default; needs an HTTP app). */
  | 'listen'
  /** At application bootstrap, with an explicit `port` (microservices, workers). */
  | 'bootstrap'
  /** Never by itself: call `ZkDiscoveryService.register()`. */
  | 'manual';

/** The address this instance is reached at, as registered (one type with the core's). */
export type { AdvertisedAddress };

export interface ZkRegistrationOptions {
  /** Parent of the service node, e.g. `/services/hello`. */
  path: string;
  /** The service node under `path`: instances are `path/name/_c_<guid>-<seq>` (go-kit's layout). */
  name: string;
  /**
   * The node's data. @default `${scheme}://${host}:${port}`, the instance's base URL. A function
   * receives the advertised address once it is known.
   */
  data?: string | Buffer | ((address: AdvertisedAddress) => string | Buffer);
  /**
   * Host or IP consumers use to reach this instance. Never a wildcard.
   * @default the address the server is bound to; for a wildcard bind (`::`, `0.0.0.0`) the first
   * non-internal IPv4 address of this host, else 127.0.0.1
   */
  host?: string;
  /** Port to advertise. @default the port the HTTP server is bound to (required in `bootstrap` mode) */
  port?: number;
  /** @default 'http' */
  scheme?: string;
  /** @default 'listen' */
  mode?: RegistrationMode;
  /**
   * `true`: startup fails when ZooKeeper cannot be reached (within `connectTimeoutMs`).
   * `false`: the app starts anyway and registers in the background once ZooKeeper answers.
   * @default true
   */
  failFast?: boolean;
  /**
   * After deregistering at shutdown, how long to keep serving so consumers see the instance go
   * before the server stops accepting connections. @default 1000
   */
  drainDelayMs?: number;
  /** Bound on the deregistration at shutdown. @default 3000 */
  deregisterTimeoutMs?: number;
  /**
   * How the instance node is written, so Go and JVM consumers find it.
   * - `'gokit'`: `path/name/_c_<guid>-<seq>` holding the URL (go-kit's `sd/zk`).
   * - `'curator'`: `path/name/<uuid>` holding Curator's `ServiceInstance` JSON; give Curator's
   *   base path as `path` (e.g. `/services`) and the service name as `name`.
   * - `'spring'`: the same, with Spring Cloud Zookeeper's payload (`metadata`, `instance_status`).
   * With `curator` and `spring` the JSON is built from `host`, `port` and `scheme` (`https` also
   * sets `sslPort`); `data` is not allowed.
   * @default 'gokit'
   */
  format?: InstanceFormat;
  /**
   * Labels published to consumers (string values), in Spring's payload `metadata`. Needs
   * `format: 'spring'`. @default {}
   */
  metadata?: Record<string, string>;
  /**
   * Published as `metadata.instance_status`; consumers (ours and Spring's) only call `UP`
   * instances. Needs `format: 'spring'`. @default 'UP'
   */
  status?: string;
  /**
   * This instance's share of traffic relative to the others' (an integer from 1 to 1,000,000),
   * published as metadata `weight`, which Spring Cloud LoadBalancer's weighted supplier reads too.
   * Needs `format: 'spring'`. @default 1 (not published)
   */
  weight?: number;
  /**
   * The zone this app runs in, published as metadata `zone` (Spring Cloud LoadBalancer's zone
   * preference reads it too). Also this app's endpointers' default `zone` preference. Needs
   * `format: 'spring'`. @default undefined
   */
  zone?: string;
  /**
   * Further ports this instance serves, by name, e.g. `{ grpc: 9090, admin: 8081 }`: published as
   * metadata `port.<name>`; `@InjectEndpointer(path, { port: 'grpc' })` calls them. Needs
   * `format: 'spring'`. @default {}
   */
  ports?: Record<string, number>;
  /**
   * Health-gated registration: `{ check, intervalMs?, timeoutMs?, failuresToLeave?,
   * passesToReturn? }`. The app runs `check` every `intervalMs` (default 5000); after
   * `failuresToLeave` failures in a row (default 3) it leaves discovery, after `passesToReturn`
   * passes in a row (default 3) it comes back. @default undefined: no check
   */
  health?: RegistrationHealthOptions;
}

/**
 * Defaults for every endpointer the module creates (the module's `endpointer` option), or one
 * path's options (`@InjectEndpointer(path, options)`, which override them): a `ZkEndpointer`'s
 * options (see `ZkEndpointerConfig`), with `factory` defaulting to `httpEndpointFactory()` (fetch
 * on the instance's URL), plus the two below.
 */
export interface ZkEndpointerOptions<E = unknown>
  extends Omit<Partial<ZkEndpointerConfig<E>>, 'decode' | 'logger' | 'zone'> {
  /** How long app startup waits for the first read of the path. @default 5000 */
  startupWaitMs?: number;
  /**
   * Zone-aware picks (see `ZkEndpointerConfig.zone`); `false`: no preference.
   * @default `registration.zone` when set, else none
   */
  zone?: ZkEndpointerConfig<E>['zone'] | false;
}

export interface ZkDiscoveryModuleOptions extends Omit<ZkClientOptions, 'logger'> {
  /** Register this app as an instance of a service. @default undefined: no registration */
  registration?: ZkRegistrationOptions;
  /** Defaults for endpointers. */
  endpointer?: ZkEndpointerOptions;
  /**
   * Where the library logs. @default Nest's `Logger` with context `ZkDiscovery`; `false` for none.
   */
  logger?: LoggerService | false;
  /**
   * Prometheus metrics through prom-client (install it: `npm install prom-client`): `true` for
   * the defaults, or `{ registry, prefix }`. @default false
   */
  metrics?: boolean | ZkDiscoveryMetricsOptions;
}

export interface ZkDiscoveryOptionsFactory {
  createZkDiscoveryOptions(): ZkDiscoveryModuleOptions | Promise<ZkDiscoveryModuleOptions>;
}

export interface ZkDiscoveryModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // biome-ignore lint/suspicious/noExplicitAny: the factory's arguments are whatever `inject` resolves to
  useFactory?: (...args: any[]) => ZkDiscoveryModuleOptions | Promise<ZkDiscoveryModuleOptions>;
  inject?: Array<InjectionToken | OptionalFactoryDependency>;
  useClass?: Type<ZkDiscoveryOptionsFactory>;
  useExisting?: Type<ZkDiscoveryOptionsFactory>;
}

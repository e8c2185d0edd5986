// The Nest layer: the module, its options, decorators and service; Prometheus metrics.

export { getEndpointerToken, InjectEndpointer } from './inject-endpointer.js';
export { ZkDiscoveryMetrics } from './metrics/zk-discovery.metrics.js';
export type { AppRegistrationState, OutOfService } from './registration-availability.js';
export { getZkClientToken, InjectZkClient } from './zk-discovery.decorators.js';
export { ZkDiscoveryExceptionFilter } from './zk-discovery.exception-filter.js';
export { ZkDiscoveryModule } from './zk-discovery.module.js';
export type {
  AdvertisedAddress,
  RegistrationMode,
  ZkDiscoveryModuleAsyncOptions,
  ZkDiscoveryModuleOptions,
  ZkDiscoveryOptionsFactory,
  ZkEndpointerOptions,
  ZkRegistrationOptions,
} from './zk-discovery.options.js';
export { ZkDiscoveryService, type ZkSessionStatus } from './zk-discovery.service.js';
export type { ZkDiscoveryMetricsOptions } from './zk-discovery-metrics.options.js';

// The Nest module

// The client
export * from './client/index.js';
// Prometheus metrics (prom-client, optional)
export * from './metrics/index.js';
// The discovery core
export * from './sd/index.js';
export {
  getEndpointerToken,
  getZkClientToken,
  InjectEndpointer,
  InjectZkClient,
} from './zk-discovery.decorators.js';
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

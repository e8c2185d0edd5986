/**
 * nestjs-zk-discovery/microservices: a Nest `ClientProxy` over the instances registered under a
 * path (TCP), with balancing, retry of transport failures and outlier ejection. Needs
 * `@nestjs/microservices` (an optional peer dependency): importing this subpath without it fails
 * with an error saying `npm install @nestjs/microservices`.
 */
export { isTransportFailure } from './transport-failure.js';
export { ZkClientProxy, type ZkClientProxyStatus } from './zk-client-proxy.js';
export {
  ZK_CLIENT_PROXY_DEFAULTS,
  type ZkClientProxyOptions,
} from './zk-client-proxy.options.js';
export {
  getClientProxyToken,
  InjectClientProxy,
  type ZkClientProxyRegistration,
  ZkClientsModule,
  type ZkClientsModuleOptions,
} from './zk-clients.module.js';

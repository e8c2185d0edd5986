/**
 * nestjs-zk-discovery/fetch: an undici interceptor (`ZkRouting`) and dispatcher (`ZkDispatcher`)
 * that send HTTP requests for configured host names to the instances registered under a service
 * path, with balancing, retry of idempotent requests and outlier ejection. Loads no Nest. Use the
 * `fetch` of the undici package the dispatcher comes from (`import { fetch } from 'undici'`).
 */
export type { InstanceOrigin } from './instance-origin.js';
export { ZkDispatcher, type ZkDispatcherOptions } from './zk-dispatcher.js';
export { ZkRouting } from './zk-routing.js';
export {
  ZK_ROUTING_DEFAULTS,
  type ZkHostOptions,
  type ZkRoutingOptions,
} from './zk-routing.options.js';

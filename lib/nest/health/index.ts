/**
 * nestjs-zk-discovery/health: a `@nestjs/terminus` health indicator for ZooKeeper discovery.
 * Needs `@nestjs/terminus` (an optional peer dependency): importing this subpath without it fails
 * with an error saying `npm install @nestjs/terminus`.
 */
export { OptionalPeerMissingError } from '../../client/optional-peer.js';
export {
  type ZkHealthCheckOptions,
  ZkHealthIndicator,
  type ZkInstancesCheckOptions,
} from './zk-health.indicator.js';

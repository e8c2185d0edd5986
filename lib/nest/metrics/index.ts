export { OptionalPeerMissingError } from '../../client/optional-peer.js';
export {
  METRICS_DEFAULTS,
  type ZkDiscoveryMetricsOptions,
  type ZkMetricsRegistry,
} from '../zk-discovery-metrics.options.js';
export { ZK_DISCOVERY_METRICS, ZkDiscoveryMetrics } from './zk-discovery.metrics.js';

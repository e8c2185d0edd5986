/**
 * nestjs-zk-discovery/grpc: a grpc-js name resolver for `zk:` targets and the `zk_discovery`
 * load-balancing policy (our balancers, outlier ejection and zones over gRPC subchannels). The
 * only entry that loads `@grpc/grpc-js`.
 */
export { InvalidZkTargetError } from './errors/invalid-zk-target.error.js';
export { registerZkResolver, type ZkResolverOptions } from './register-zk-resolver.js';
export { ZkGrpcModule, type ZkGrpcModuleOptions } from './zk-grpc.module.js';
export {
  type GrpcStatusName,
  ZK_GRPC_POLICY,
  ZK_GRPC_RETRY_DEFAULTS,
  type ZkGrpcBalancingOptions,
  type ZkGrpcChannelOptions,
  type ZkGrpcRetryOptions,
  zkChannelOptions,
  zkServiceConfig,
} from './zk-grpc.options.js';

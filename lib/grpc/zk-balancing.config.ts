import type { experimental } from '@grpc/grpc-js';
import { resolverLogger } from './resolver-clients.js';
import { type ResolvedBalancing, resolveBalancing, ZK_GRPC_POLICY } from './zk-grpc.options.js';

/** The `zk_discovery` entry of a service config's `loadBalancingConfig`, checked. */
export class ZkBalancingConfig implements experimental.TypedLoadBalancingConfig {
  readonly balancing: ResolvedBalancing;

  constructor(options: unknown = {}) {
    this.balancing = resolveBalancing(options);
  }

  /**
   * grpc-js reads a service config's entry through this. A bad option throws, and is logged too:
   * grpc-js keeps the reason to its debug trace and fails the channel's calls with "All load
   * balancer options in service config are not compatible".
   */
  static createFromJson(json: unknown): ZkBalancingConfig {
    try {
      return new ZkBalancingConfig(json ?? {});
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      resolverLogger().error(`A service config's ${ZK_GRPC_POLICY} entry is refused: ${message}`);
      throw error;
    }
  }

  getLoadBalancerName(): string {
    return ZK_GRPC_POLICY;
  }

  toJsonObject(): object {
    return { [ZK_GRPC_POLICY]: this.balancing.json };
  }
}

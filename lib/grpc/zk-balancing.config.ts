import type { experimental } from '@grpc/grpc-js';
import { type ResolvedBalancing, resolveBalancing, ZK_GRPC_POLICY } from './zk-grpc.options.js';

/** The `zk_discovery` entry of a service config's `loadBalancingConfig`, checked. */
export class ZkBalancingConfig implements experimental.TypedLoadBalancingConfig {
  readonly balancing: ResolvedBalancing;

  constructor(options: unknown = {}) {
    this.balancing = resolveBalancing(options);
  }

  /** grpc-js reads a service config's entry through this; it throws on a bad option. */
  static createFromJson(json: unknown): ZkBalancingConfig {
    return new ZkBalancingConfig(json ?? {});
  }

  getLoadBalancerName(): string {
    return ZK_GRPC_POLICY;
  }

  toJsonObject(): object {
    return { [ZK_GRPC_POLICY]: this.balancing.json };
  }

  /** The same options as `other`'s. */
  equals(other: ZkBalancingConfig): boolean {
    return JSON.stringify(this.balancing.json) === JSON.stringify(other.balancing.json);
  }
}

import type { ChannelOptions, experimental, StatusObject, status } from '@grpc/grpc-js';
import type { ServiceInstance } from '../sd/index.js';
import {
  BalancingChain,
  type ChainHost,
  GrpcCallFailure,
  PolicyInstances,
} from './balancing-chain.js';
import { RESOLUTION_ATTRIBUTE, type ZkResolution } from './grpc-addresses.js';
import { grpc } from './grpc-peer.js';
import { resolverLogger } from './resolver-clients.js';
import type { SubchannelEndpoint } from './subchannel-endpoint.js';
import { ZkBalancingConfig } from './zk-balancing.config.js';
import { ZK_GRPC_POLICY } from './zk-grpc.options.js';

type Endpoint = experimental.Endpoint;
type PickResult = experimental.PickResult;

/** An endpoint list as grpc-js 1.14 gives it (`StatusOr`), or as a plain array before. */
type EndpointListArgument =
  | { ok: true; value: Endpoint[] }
  | { ok: false; error: StatusObject }
  | Endpoint[];

const QUEUE: PickResult = {
  pickResultType: grpc.experimental.PickResultType.QUEUE,
  subchannel: null,
  status: null,
  onCallStarted: null,
  onCallEnded: null,
};

/**
 * The `zk_discovery` load-balancing policy: our balancers over one subchannel per instance. It
 * reads each address's instance (weight, zone) from the `zk:` resolver's attribute; addresses of
 * another resolver are instances of weight 1 and no zone. Each call's start and end (status,
 * latency) feed outlier ejection and the least-loaded balancer.
 */
export class ZkBalancerPolicy implements experimental.LoadBalancer, ChainHost {
  readonly logger = resolverLogger();
  private readonly instances = new PolicyInstances();
  private chain: BalancingChain | undefined;
  /** Channel options given to the constructor (grpc-js before 1.13), merged under later ones. */
  private readonly constructorOptions: ChannelOptions;
  private options: ChannelOptions = {};
  private name = ZK_GRPC_POLICY;
  private note = '';
  private resolutionError: StatusObject | undefined;
  private destroyed = false;
  private readonly picker: experimental.Picker = { pick: () => this.pick() };

  constructor(
    readonly helper: experimental.ChannelControlHelper,
    ...rest: unknown[]
  ) {
    const options = rest.findLast((arg) => typeof arg === 'object' && arg !== null);
    this.constructorOptions = (options as ChannelOptions | undefined) ?? {};
  }

  updateAddressList(
    endpointList: EndpointListArgument,
    lbConfig: experimental.TypedLoadBalancingConfig,
    options?: ChannelOptions,
    resolutionNote?: string,
  ): boolean {
    if (!(lbConfig instanceof ZkBalancingConfig) || this.destroyed) return false;
    const list = Array.isArray(endpointList)
      ? { ok: true as const, value: endpointList }
      : endpointList;
    this.options = { ...this.constructorOptions, ...options };
    this.note = resolutionNote ?? '';
    if (!list.ok) {
      // Keep calling the instances we have; without any, fail calls with the resolver's reason.
      this.resolutionError = list.error;
      this.ensureChain(lbConfig);
      this.updateState();
      return true;
    }
    this.resolutionError = undefined;
    const resolution = this.options[RESOLUTION_ATTRIBUTE] as ZkResolution | undefined;
    this.name = resolution ? `${ZK_GRPC_POLICY} ${resolution.path}` : ZK_GRPC_POLICY;
    const instances = instancesOf(list.value, resolution);
    const chain = this.ensureChain(lbConfig);
    this.instances.publish(instances);
    chain.exitIdle();
    this.updateState();
    return true;
  }

  exitIdle(): void {
    this.chain?.exitIdle();
  }

  resetBackoff(): void {
    // Subchannels keep their own backoff; the policy has none.
  }

  destroy(): void {
    this.destroyed = true;
    this.chain?.close();
    this.chain = undefined;
  }

  getTypeName(): string {
    return ZK_GRPC_POLICY;
  }

  subchannelArgs(): Record<string, unknown> {
    const { [RESOLUTION_ATTRIBUTE]: _resolution, ...args } = this.options;
    return args;
  }

  onConnectionChange(): void {
    if (!this.destroyed) this.updateState();
  }

  /** The chain of `config`: the one there, or a new one (then the old one closes). */
  private ensureChain(config: ZkBalancingConfig): BalancingChain {
    const current = this.chain;
    if (
      current &&
      JSON.stringify(current.balancing.json) === JSON.stringify(config.balancing.json)
    ) {
      return current;
    }
    // The new chain refs its subchannels before the old one lets them go: connections stay.
    this.chain = new BalancingChain(this.instances, config.balancing, this.name, this);
    current?.close();
    return this.chain;
  }

  /** Tells the channel the policy's state: ready while one instance is connected. */
  private updateState(): void {
    const endpoints = this.chain?.endpointer.endpoints() ?? [];
    let ready = false;
    let connecting = false;
    for (const endpoint of endpoints) {
      if (endpoint.state === grpc.connectivityState.READY) ready = true;
      else if (endpoint.state !== grpc.connectivityState.TRANSIENT_FAILURE) connecting = true;
    }
    if (ready) {
      this.helper.updateState(grpc.connectivityState.READY, this.picker, null);
    } else if (connecting) {
      this.helper.updateState(grpc.connectivityState.CONNECTING, this.picker, null);
    } else {
      const details = this.failureDetails(endpoints);
      this.helper.updateState(grpc.connectivityState.TRANSIENT_FAILURE, this.picker, details);
    }
  }

  private pick(): PickResult {
    const chain = this.chain;
    const endpoint = chain?.pick();
    if (!chain || !endpoint) {
      const endpoints = chain?.endpointer.endpoints() ?? [];
      if (endpoints.some((e) => e.state !== grpc.connectivityState.TRANSIENT_FAILURE)) return QUEUE;
      return unavailable(this.failureDetails(endpoints));
    }
    const observer = chain.observer;
    if (!observer) return complete(endpoint, null, null);
    let startedAt = 0;
    return complete(
      endpoint,
      () => {
        startedAt = performance.now();
        observer.started(endpoint);
      },
      (code: status, details?: string) => {
        const ms = startedAt === 0 ? 0 : performance.now() - startedAt;
        if (code === grpc.status.OK) observer.succeeded(endpoint, ms);
        else observer.failed(endpoint, new GrpcCallFailure(code, details), ms);
      },
    );
  }

  private failureDetails(endpoints: readonly SubchannelEndpoint[]): string {
    if (endpoints.length === 0) {
      if (this.resolutionError) return this.resolutionError.details;
      const why = this.note === '' ? 'the resolver gave no address' : this.note;
      return `${this.name}: no instance to call (${why})`;
    }
    const lastError = endpoints.find((endpoint) => endpoint.lastError)?.lastError;
    return (
      `${this.name}: no connection to any of ${endpoints.length} instance(s)` +
      (lastError ? `; last error: ${lastError}` : '')
    );
  }
}

/** The instance of each endpoint: the resolver's, or one made of its first address. */
function instancesOf(endpoints: readonly Endpoint[], resolution: ZkResolution | undefined) {
  const instances: ServiceInstance[] = [];
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    const address = endpoint.addresses[0];
    if (!address || !('port' in address)) continue;
    const key = grpc.experimental.subchannelAddressToString(address);
    if (seen.has(key)) continue;
    seen.add(key);
    instances.push(
      resolution?.instances.get(key) ?? {
        id: key,
        path: key,
        address: address.host,
        port: address.port,
        url: undefined,
        metadata: {},
        raw: Buffer.from(key),
      },
    );
  }
  return instances;
}

function complete(
  endpoint: SubchannelEndpoint,
  onCallStarted: (() => void) | null,
  onCallEnded: ((code: status, details?: string) => void) | null,
): PickResult {
  return {
    pickResultType: grpc.experimental.PickResultType.COMPLETE,
    subchannel: endpoint.subchannel,
    status: null,
    onCallStarted,
    onCallEnded,
  };
}

function unavailable(details: string): PickResult {
  return {
    pickResultType: grpc.experimental.PickResultType.TRANSIENT_FAILURE,
    subchannel: null,
    status: { code: grpc.status.UNAVAILABLE, details, metadata: new grpc.Metadata() },
    onCallStarted: null,
    onCallEnded: null,
  };
}

/** Registers the policy with grpc-js under `zk_discovery` (idempotent). */
export function registerZkBalancerPolicy(): void {
  grpc.experimental.registerLoadBalancerType(ZK_GRPC_POLICY, ZkBalancerPolicy, ZkBalancingConfig);
}

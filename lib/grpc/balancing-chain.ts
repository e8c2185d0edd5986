import type { experimental } from '@grpc/grpc-js';
import type { ZkLogger } from '../client/index.js';
import {
  type Balancer,
  type CallObserver,
  Endpointer,
  type InstancerSnapshot,
  type InstanceSource,
  leastLoaded,
  NoEndpointsError,
  OutlierDetector,
  random,
  resolveOutlierDetection,
  roundRobin,
  type ServiceInstance,
  ZonePreference,
} from '../sd/index.js';
import { FilteredEndpoints } from './filtered-endpoints.js';
import { SubchannelEndpoint } from './subchannel-endpoint.js';
import type { ResolvedBalancing } from './zk-grpc.options.js';

/** A failed call's status, as outlier ejection sees it. */
export class GrpcCallFailure extends Error {
  override name = 'GrpcCallFailure';

  constructor(
    readonly code: number,
    details: string | undefined,
  ) {
    super(`gRPC status ${code}${details ? `: ${details}` : ''}`);
  }
}

/** The instances the policy was last given, published as the snapshots an endpointer follows. */
export class PolicyInstances implements InstanceSource {
  snapshot: InstancerSnapshot | undefined;
  private readonly listeners = new Set<(snapshot: InstancerSnapshot) => void>();

  publish(instances: readonly ServiceInstance[]): void {
    const snapshot = { instances, stale: false, updatedAt: Date.now() };
    this.snapshot = snapshot;
    for (const listener of [...this.listeners]) listener(snapshot);
  }

  subscribe(listener: (snapshot: InstancerSnapshot) => void): () => void {
    this.listeners.add(listener);
    if (this.snapshot) listener(this.snapshot);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/** What the chain needs from its policy. */
export interface ChainHost {
  readonly helper: experimental.ChannelControlHelper;
  /** Subchannel arguments for new subchannels. */
  subchannelArgs(): Record<string, unknown>;
  /** A connection's state changed. */
  onConnectionChange(): void;
  readonly logger: ZkLogger;
}

/**
 * Our balancing over subchannels, built as `ZkEndpointer` builds it over HTTP endpoints: an
 * endpointer (one subchannel per instance, closed when the instance leaves), outlier ejection,
 * the instances not failing to connect, the caller's zone among them, and a balancer picking
 * among those of them connected now. While the chosen ones are still connecting, a call waits for
 * them (the channel queues it); when none is left (every one ejected or down), it takes any
 * connected instance in turn, as a panic does: a call that may fail beats no call.
 */
export class BalancingChain {
  readonly endpointer: Endpointer<SubchannelEndpoint>;
  /** Told of each call's start and end (outlier ejection, least loaded); undefined when none. */
  readonly observer: CallObserver<SubchannelEndpoint> | undefined;
  private readonly detector: OutlierDetector<SubchannelEndpoint> | undefined;
  /** Every subchannel's filter, told when a connection changes. */
  private readonly filters: FilteredEndpoints[];
  /** Not ejected, not failing, of the zone while it is healthy: where calls should go. */
  private readonly chosen: FilteredEndpoints | ZonePreference<SubchannelEndpoint>;
  private readonly readyAll: FilteredEndpoints;
  private readonly balancer: Balancer<SubchannelEndpoint>;
  private readonly fallback: Balancer<SubchannelEndpoint>;

  constructor(
    source: PolicyInstances,
    readonly balancing: ResolvedBalancing,
    name: string,
    host: ChainHost,
  ) {
    const failureCodes = balancing.failureCodes;
    this.endpointer = new Endpointer(
      source,
      (instance) => {
        const address = { host: instance.address, port: instance.port! };
        const subchannel = host.helper.createSubchannel(address, host.subchannelArgs());
        const endpoint = new SubchannelEndpoint(subchannel, host.helper, () => {
          for (const filter of this.filters) filter.changed();
          host.onConnectionChange();
        });
        return { endpoint, close: () => endpoint.close() };
      },
      { name, logger: host.logger },
    );
    if (balancing.outlierDetection !== false) {
      const detection = resolveOutlierDetection(
        balancing.outlierDetection,
        (error) => error instanceof GrpcCallFailure && failureCodes.has(error.code),
      );
      this.detector = new OutlierDetector(this.endpointer, detection, host.logger);
    }
    const usable = new FilteredEndpoints(this.detector ?? this.endpointer, isUsable);
    this.chosen = balancing.zone
      ? new ZonePreference(this.endpointer, usable, balancing.zone, host.logger)
      : usable;
    const ready = new FilteredEndpoints(this.chosen, isReady);
    this.readyAll = new FilteredEndpoints(this.endpointer, isReady);
    this.filters = [usable, ready, this.readyAll];
    const learning = balancing.balancer === 'leastLoaded' ? leastLoaded(ready) : undefined;
    this.balancer =
      learning ?? (balancing.balancer === 'random' ? random(ready) : roundRobin(ready));
    this.fallback = roundRobin(this.readyAll);
    this.observer = observeBoth(this.detector, learning);
  }

  /**
   * A connected endpoint for the next call; undefined while the chosen ones are connecting, or
   * when none at all is connected.
   */
  pick(): SubchannelEndpoint | undefined {
    try {
      return this.balancer.pick();
    } catch (error) {
      if (!(error instanceof NoEndpointsError)) throw error;
    }
    if (this.chosen.endpoints().length > 0) return undefined;
    return this.readyAll.endpoints().length > 0 ? this.fallback.pick() : undefined;
  }

  /** Starts connecting the idle subchannels. */
  exitIdle(): void {
    for (const endpoint of this.endpointer.endpoints()) endpoint.exitIdle();
  }

  close(): void {
    this.detector?.close();
    void this.endpointer.close();
  }
}

function isUsable(endpoint: SubchannelEndpoint): boolean {
  return !endpoint.failing;
}

function isReady(endpoint: SubchannelEndpoint): boolean {
  return endpoint.ready;
}

function observeBoth<E>(
  first: CallObserver<E> | undefined,
  second: CallObserver<E> | undefined,
): CallObserver<E> | undefined {
  if (!first || !second) return first ?? second;
  return {
    started: (endpoint) => {
      first.started(endpoint);
      second.started(endpoint);
    },
    succeeded: (endpoint, ms) => {
      first.succeeded(endpoint, ms);
      second.succeeded(endpoint, ms);
    },
    failed: (endpoint, error, ms) => {
      first.failed(endpoint, error, ms);
      second.failed(endpoint, error, ms);
    },
  };
}

import type { experimental } from '@grpc/grpc-js';
import type { ZkLogger } from '../client/index.js';
import { instanceOnPort, type ServiceInstance } from '../sd/index.js';
import { grpc } from './grpc-peer.js';

/** The named port a gRPC server advertises (metadata `port.grpc`), used when an instance has it. */
export const GRPC_PORT_NAME = 'grpc';

/**
 * The resolver's attribute telling the `zk_discovery` policy which instance each address is.
 * The prefix keeps it out of subchannel arguments (grpc-js 1.13 and later).
 */
export const RESOLUTION_ATTRIBUTE = 'grpc.internal.no_subchannel.zk_discovery.resolution';

/** What a `zk:` resolution tells the policy beside the addresses. */
export interface ZkResolution {
  /** The service's path, for messages. */
  readonly path: string;
  /** Each address (`host:port`, as `subchannelAddressToString` writes it) and its instance. */
  readonly instances: ReadonlyMap<string, ServiceInstance>;
}

/** The endpoints of a set of instances, and the instance of each. */
export interface ResolvedAddresses {
  readonly endpoints: experimental.Endpoint[];
  readonly resolution: ZkResolution;
  /** Instances left out: no address or no port. */
  readonly skipped: number;
}

/**
 * Turns instances into gRPC endpoints: each on its named port `grpc` when it has one, else on its
 * address and port. An instance with neither is skipped and logged once (per id and data); two
 * instances on one address make one endpoint.
 */
export class GrpcAddresses {
  /** Instances logged as skipped, by id, with the bytes that were logged. */
  private readonly reported = new Map<string, Buffer>();

  constructor(
    private readonly path: string,
    private readonly logger: ZkLogger,
  ) {}

  resolve(instances: readonly ServiceInstance[]): ResolvedAddresses {
    const endpoints: experimental.Endpoint[] = [];
    const byAddress = new Map<string, ServiceInstance>();
    let skipped = 0;
    for (const instance of instances) {
      const reached = instance.ports?.[GRPC_PORT_NAME]
        ? instanceOnPort(instance, GRPC_PORT_NAME)
        : instance;
      if (reached.address === '' || reached.port === undefined) {
        skipped++;
        this.reportSkipped(instance);
        continue;
      }
      const address = { host: reached.address, port: reached.port };
      const key = grpc.experimental.subchannelAddressToString(address);
      if (byAddress.has(key)) continue;
      byAddress.set(key, reached);
      endpoints.push({ addresses: [address] });
    }
    if (this.reported.size > 0) {
      const ids = new Set(instances.map((instance) => instance.id));
      for (const id of this.reported.keys()) if (!ids.has(id)) this.reported.delete(id);
    }
    return { endpoints, resolution: { path: this.path, instances: byAddress }, skipped };
  }

  private reportSkipped(instance: ServiceInstance): void {
    if (this.reported.get(instance.id)?.equals(instance.raw)) return;
    this.reported.set(instance.id, instance.raw);
    const ports = Object.keys(instance.ports ?? {});
    this.logger.warn(
      `zk: resolver of ${this.path}: instance ${instance.id} skipped, it names no address and ` +
        `port to call (${instance.url ? `url ${instance.url}` : 'no url'}` +
        `${ports.length > 0 ? `, ports ${ports.join(', ')}` : ''}); register it with a port, or ` +
        `a named port "${GRPC_PORT_NAME}"`,
    );
  }
}

import type { Unsubscribe } from '../client/listeners.js';
import type { ReadFormat } from './instance-format.js';

/**
 * One registered instance of a service, decoded from its znode. The same shape whatever wrote it,
 * so endpoint factories and balancers never look at ZooKeeper bytes.
 */
export interface ServiceInstance {
  /** Stable identity within the service: the znode name (`_c_<guid>-0000000003` for go-kit). */
  readonly id: string;
  /** The instance's full znode path. */
  readonly path: string;
  /** Host or IP the instance is reached at ('' when its data names none). */
  readonly address: string;
  /** Port the instance is reached at, when its data names one (Curator: `port`, else `sslPort`). */
  readonly port: number | undefined;
  /** TLS port, when the registration names one (Curator's and Spring's `sslPort`). */
  readonly sslPort?: number;
  /**
   * Base URL to call (`http://10.0.0.5:8080`): go-kit's data, Curator's resolved `uriSpec`, else
   * `http(s)://address:port`.
   */
  readonly url: string | undefined;
  /** Free-form labels carried by the registration (Spring's payload `metadata`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** The znode's bytes as read; two instances with equal `id` and `raw` are the same instance. */
  readonly raw: Buffer;
  /** The format the node was written in; undefined for instances made by a custom decoder. */
  readonly format?: ReadFormat;
  /**
   * Its share of traffic relative to the others (metadata `weight`, as Spring Cloud
   * LoadBalancer reads it): an integer ≥ 1. Undefined means 1.
   */
  readonly weight?: number;
  /** The zone it runs in (metadata `zone`, as Spring Cloud LoadBalancer reads it). */
  readonly zone?: string;
  /**
   * Further endpoints it serves, by name (`grpc`, `admin`): metadata `port.<name>`, Finagle's
   * `additionalEndpoints`. An endpointer given `port: 'grpc'` calls that one.
   */
  readonly ports?: Readonly<Record<string, NamedPort>>;
}

/** One of an instance's named endpoints. */
export interface NamedPort {
  readonly address: string;
  readonly port: number;
}

/**
 * What an instancer knows about a path at one moment. Events carry the whole state, never a delta.
 * - `instances`: the decoded instances, sorted by `id`.
 * - `error`: the last failure, while the instancer cannot read the path (cleared by a good read).
 * - `stale`: true while the instances may be out of date (disconnected, expired, failing reads).
 * - `updatedAt`: epoch ms of the last successful read of the path.
 */
export interface InstancerSnapshot {
  readonly instances: readonly ServiceInstance[];
  readonly error?: Error;
  readonly stale: boolean;
  readonly updatedAt: number;
}

/** Anything that publishes snapshots: the ZooKeeper instancer, or a fixed list in tests. */
export interface InstanceSource {
  /** The latest snapshot, or undefined before the first read finished. */
  readonly snapshot: InstancerSnapshot | undefined;
  /**
   * Calls `listener` with the current snapshot at once (if there is one), then on every real
   * change. Returns the unsubscribe function.
   */
  subscribe(listener: (snapshot: InstancerSnapshot) => void): Unsubscribe;
}

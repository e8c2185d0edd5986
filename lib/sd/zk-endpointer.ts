import { messageOf } from '../client/error-message.js';
import type { Unsubscribe } from '../client/listeners.js';
import type { ZkClient } from '../client/zk-client.js';
import { consoleLogger } from '../client/zk-logger.js';
import type { HeldSet } from './endpointer/empty-set-guard.js';
import { Endpointer } from './endpointer/endpointer.js';
import { onNamedPort } from './endpointer/named-port.js';
import { NoEndpointsError } from './errors/no-endpoints.error.js';
import { type InstancerLease, leaseInstancer } from './instancer/instancer-registry.js';
import type { Balancer } from './lb/balancer.js';
import { observeAll } from './lb/call-observer.js';
import { type KeyedBalancer, keyAffinity } from './lb/key-affinity.balancer.js';
import { leastLoaded } from './lb/least-loaded.balancer.js';
import { resolveOutlierDetection } from './lb/outlier-detection.options.js';
import { type EjectedInstance, OutlierDetector } from './lb/outlier-detector.js';
import { random } from './lb/random.balancer.js';
import { retry } from './lb/retry.js';
import {
  defaultShouldRetry,
  type RetryCallOptions,
  type RetryContext,
} from './lb/retry.options.js';
import { roundRobin } from './lb/round-robin.balancer.js';
import { ZonePreference, type ZoneRouting } from './lb/zone-preference.js';
import { checkZkEndpointerConfig, type ZkEndpointerConfig } from './zk-endpointer.options.js';

export type { BalancerName, ZkEndpointerConfig } from './zk-endpointer.options.js';

import type { InstancerSnapshot, ServiceInstance } from './service-instance.js';

/** Per-call context handed to `call()`'s function: the attempt's number, signal and stop. */
export type CallContext = RetryContext;

/**
 * What `@InjectEndpointer(path)` gives a provider: the live endpoints of the instances registered
 * under `path` (shared instancer → endpointer), a balancer picking one, and `call()` running a
 * function on a picked endpoint with retry, backoff and a time budget.
 */
export class ZkEndpointer<E> {
  private readonly lease: InstancerLease;
  private readonly endpointer: Endpointer<E>;
  private readonly detector: OutlierDetector<E> | undefined;
  private readonly zonePreference: ZonePreference<E> | undefined;
  private readonly balancer: Balancer<E>;
  private readonly affinity: KeyedBalancer<E>;
  private readonly execute: ReturnType<typeof retry<E>>;
  /** The endpointers of this path on named ports (`onPort`), closed with this one. */
  private readonly onPorts = new Map<string, ZkEndpointer<E>>();

  constructor(
    private readonly client: ZkClient,
    path: string,
    private readonly config: ZkEndpointerConfig<E>,
  ) {
    checkZkEndpointerConfig(config);
    const detection =
      config.outlierDetection === false
        ? undefined
        : resolveOutlierDetection(config.outlierDetection ?? {}, defaultShouldRetry);
    const factory =
      config.port === undefined ? config.factory : onNamedPort(config.factory, config.port);
    const zone = typeof config.zone === 'string' ? { zone: config.zone } : config.zone;
    this.lease = leaseInstancer(client, path, { decode: config.decode, logger: config.logger });
    try {
      this.endpointer = new Endpointer(this.lease, factory, {
        invalidateOnErrorMs: config.invalidateOnErrorMs,
        emptySetProtection: config.emptySetProtection,
        logger: config.logger,
        name: this.lease.path,
      });
    } catch (error) {
      // A bad option leaves nothing behind: the shared instancer is given back.
      this.lease.close();
      throw error;
    }
    if (detection) {
      const logger = config.logger ?? consoleLogger('OutlierDetection');
      this.detector = new OutlierDetector(this.endpointer, detection, logger);
    }
    // The balancer picks among the instances not ejected (of the caller's zone, while enough of
    // it is healthy); `endpoints()` still lists them all.
    const healthy = this.detector ?? this.endpointer;
    if (zone) {
      const logger = config.logger ?? consoleLogger('ZonePreference');
      try {
        this.zonePreference = new ZonePreference(this.endpointer, healthy, zone, logger);
      } catch (error) {
        void this.close();
        throw error;
      }
    }
    const eligible = this.zonePreference ?? healthy;
    const learning = config.balancer === 'leastLoaded' ? leastLoaded(eligible) : undefined;
    const inner =
      learning ?? (config.balancer === 'random' ? random(eligible) : roundRobin(eligible));
    // Calls with a key go by rendezvous hashing over the same eligible instances.
    this.affinity = keyAffinity(eligible, (_, index) => eligible.instances()[index]!.id);
    this.balancer = {
      endpointer: eligible,
      pick: () => this.explained(() => inner.pick()),
      pickFor: (key, skip) => this.explained(() => this.affinity.pickFor(key, skip)),
    };
    try {
      this.execute = retry(this.balancer, {
        ...config.retry,
        observer: observeAll(this.detector, learning),
      });
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /**
   * `pick`, with a `NoEndpointsError` that says whether ZooKeeper could not be asked or answered
   * that nothing is registered: a newcomer's first question when a call finds no instance.
   */
  private explained(pick: () => E): E {
    try {
      return pick();
    } catch (error) {
      if (!(error instanceof NoEndpointsError) || error.reason !== undefined) throw error;
      const snapshot = this.lease.snapshot;
      const state = this.client.state;
      if (state !== 'connected' || !snapshot || snapshot.error) {
        const detail =
          state !== 'connected'
            ? `the client is ${state}`
            : snapshot?.error
              ? messageOf(snapshot.error)
              : 'the path was not read yet';
        throw new NoEndpointsError(this.path, 'zookeeper-unreachable', detail);
      }
      if (snapshot.instances.length === 0) {
        throw new NoEndpointsError(this.path, 'none-registered');
      }
      throw error;
    }
  }

  /** The normalized path watched. */
  get path(): string {
    return this.lease.path;
  }

  /** The latest snapshot of the path (instances, error, stale), or undefined before the first read. */
  get snapshot(): InstancerSnapshot | undefined {
    return this.lease.snapshot;
  }

  /** Watches the shared instancer of the path set again after its first one (for metrics). */
  get watchRearms(): number {
    return this.lease.instancer.watchRearms;
  }

  /** The current endpoints: a cached array, no I/O, no allocation. */
  endpoints(): readonly E[] {
    return this.endpointer.endpoints();
  }

  /** The instances behind `endpoints()`, in the same order. */
  instances(): readonly ServiceInstance[] {
    return this.endpointer.instances();
  }

  /**
   * The instances left out of the picks now (outlier ejection), each with the time of its probe
   * call. Empty when outlier detection is off.
   */
  ejected(): EjectedInstance[] {
    return this.detector?.ejected() ?? [];
  }

  /**
   * While empty-set protection holds the last instances of a path that emptied at once: how many,
   * since when and until when; undefined otherwise.
   */
  held(): HeldSet | undefined {
    return this.endpointer.held;
  }

  /**
   * With a `zone` preference: the zone, how many of its instances may be called and are
   * registered, and whether calls spill over to other zones now. Undefined without one.
   */
  zone(): ZoneRouting | undefined {
    return this.zonePreference?.routing();
  }

  /** Ejections since this endpointer was made (for metrics). */
  get ejectionsTotal(): number {
    return this.detector?.ejectionsTotal ?? 0;
  }

  /**
   * One endpoint chosen by the balancer among the instances not ejected; throws
   * `NoEndpointsError` when there is none. Calls made on it directly are not seen by outlier
   * detection: `call()` is.
   */
  pick(): E {
    return this.balancer.pick();
  }

  /**
   * The endpoint for requests with this key (key affinity, rendezvous hashing): the same while
   * its instance is registered and not ejected; when instances come and go, about 1/n of the keys
   * move. @throws NoEndpointsError when there is none.
   */
  pickFor(key: string): E {
    return this.affinity.pickFor(key);
  }

  /**
   * Runs `fn` on a balanced endpoint (or, given `{ key }`, the key's endpoint: see `pickFor`); on
   * failure retries on another instance with backoff, within the retry budget. Rejects with
   * `RetryError` carrying every attempt's error. `options` is an `AbortSignal`, or
   * `{ signal?, key? }`.
   */
  call<T>(
    fn: (endpoint: E, context: CallContext) => Promise<T>,
    options?: AbortSignal | RetryCallOptions,
  ): Promise<T> {
    return this.execute(fn, options);
  }

  /** Calls `listener` with the snapshot now and on every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: InstancerSnapshot) => void): Unsubscribe {
    return this.lease.subscribe(listener);
  }

  /** Resolves once the first read of the path is done (or after `timeoutMs`). */
  async ready(timeoutMs = 5000): Promise<InstancerSnapshot | undefined> {
    return this.lease.instancer.firstSnapshot(timeoutMs);
  }

  /**
   * The endpointer of the same path whose endpoints are made on each instance's port `name`
   * (`grpc`, `admin`), with this one's options: it shares the path's instancer (no second
   * watch) and has its own balancer and outlier detection. Made once per name; closed with this
   * one. @throws Error after `close()`.
   */
  onPort(name: string): ZkEndpointer<E> {
    if (this.endpointer.closed) {
      throw new Error(
        `The endpointer of ${this.path} is closed; onPort(${JSON.stringify(name)}) needs an open one.`,
      );
    }
    let named = this.onPorts.get(name);
    if (!named) {
      named = new ZkEndpointer(this.client, this.path, { ...this.config, port: name });
      this.onPorts.set(name, named);
    }
    return named;
  }

  /** Closes every endpoint and gives the shared instancer back. Idempotent. */
  async close(): Promise<void> {
    const named = [...this.onPorts.values()].map((endpointer) => endpointer.close());
    this.onPorts.clear();
    this.detector?.close();
    this.lease.close();
    await Promise.all([this.endpointer.close(), ...named]);
  }
}

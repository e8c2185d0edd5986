import type { Unsubscribe } from '../client/listeners.js';
import type { ZkClient } from '../client/zk-client.js';
import { consoleLogger, type ZkLogger } from '../client/zk-logger.js';
import type { EndpointFactory } from './endpoint-factory.js';
import { Endpointer } from './endpointer.js';
import type { InstanceDecoder } from './formats/instance-decoder.js';
import { type InstancerLease, leaseInstancer } from './instancer-registry.js';
import type { Balancer } from './lb/balancer.js';
import { observeAll } from './lb/call-observer.js';
import { leastLoaded } from './lb/least-loaded.balancer.js';
import type { OutlierDetectionOptions } from './lb/outlier-detection.options.js';
import { resolveOutlierDetection } from './lb/outlier-detection.options.js';
import { type EjectedInstance, OutlierDetector } from './lb/outlier-detector.js';
import { random } from './lb/random.balancer.js';
import { defaultShouldRetry, type RetryOptions, retry } from './lb/retry.js';
import { roundRobin } from './lb/round-robin.balancer.js';
import type { InstancerSnapshot, ServiceInstance } from './service-instance.js';

/** The balancers a `ZkEndpointer` (and `@InjectEndpointer`) can be given by name. */
export type BalancerName = 'roundRobin' | 'random' | 'leastLoaded';

export interface ZkEndpointerConfig<E> {
  factory: EndpointFactory<E>;
  /**
   * `'roundRobin'`, `'random'`, or `'leastLoaded'` (power of two choices over each instance's
   * latency and calls in flight). @default 'roundRobin'
   */
  balancer?: BalancerName;
  retry?: Omit<RetryOptions, 'observer'>;
  /**
   * Outlier ejection: instances whose calls keep failing are left out of the picks for a while.
   * `false` turns it off. @default on, with `OUTLIER_DETECTION_DEFAULTS`
   */
  outlierDetection?: OutlierDetectionOptions | false;
  invalidateOnErrorMs?: number;
  decode?: InstanceDecoder;
  logger?: ZkLogger;
}

/** Per-call context handed to `call()`'s function. */
export interface CallContext {
  attempt: number;
  signal: AbortSignal;
}

/**
 * What `@InjectEndpointer(path)` gives a provider: the live endpoints of the instances registered
 * under `path` (shared instancer → endpointer), a balancer picking one, and `call()` running a
 * function on a picked endpoint with retry, backoff and a time budget.
 */
export class ZkEndpointer<E> {
  private readonly lease: InstancerLease;
  private readonly endpointer: Endpointer<E>;
  private readonly detector: OutlierDetector<E> | undefined;
  private readonly balancer: Balancer<E>;
  private readonly execute: ReturnType<typeof retry<E>>;

  constructor(client: ZkClient, path: string, config: ZkEndpointerConfig<E>) {
    this.lease = leaseInstancer(client, path, { decode: config.decode, logger: config.logger });
    this.endpointer = new Endpointer(this.lease, config.factory, {
      invalidateOnErrorMs: config.invalidateOnErrorMs,
      logger: config.logger,
      name: this.lease.path,
    });
    if (config.outlierDetection !== false) {
      const options = resolveOutlierDetection(config.outlierDetection ?? {}, defaultShouldRetry);
      const logger = config.logger ?? consoleLogger('OutlierDetection');
      this.detector = new OutlierDetector(this.endpointer, options, logger);
    }
    // The balancer picks among the instances not ejected; `endpoints()` still lists them all.
    const eligible = this.detector ?? this.endpointer;
    const learning = config.balancer === 'leastLoaded' ? leastLoaded(eligible) : undefined;
    this.balancer =
      learning ?? (config.balancer === 'random' ? random(eligible) : roundRobin(eligible));
    this.execute = retry(this.balancer, {
      ...config.retry,
      observer: observeAll(this.detector, learning),
    });
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
   * Runs `fn` on a balanced endpoint; on failure retries on another instance with backoff, within
   * the retry budget. Rejects with `RetryError` carrying every attempt's error.
   */
  call<T>(fn: (endpoint: E, context: CallContext) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.execute(fn, signal);
  }

  /** Calls `listener` with the snapshot now and on every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: InstancerSnapshot) => void): Unsubscribe {
    return this.lease.subscribe(listener);
  }

  /** Resolves once the first read of the path is done (or after `timeoutMs`). */
  async ready(timeoutMs = 5000): Promise<InstancerSnapshot | undefined> {
    return this.lease.instancer.firstSnapshot(timeoutMs);
  }

  /** Closes every endpoint and gives the shared instancer back. Idempotent. */
  async close(): Promise<void> {
    this.detector?.close();
    this.lease.close();
    await this.endpointer.close();
  }
}

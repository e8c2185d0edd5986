import type { ZkLogger } from '../client/zk-logger.js';
import { checkedMaxHoldMs, type EmptySetProtectionOptions } from './endpointer/empty-set-guard.js';
import type { EndpointFactory } from './endpointer/endpoint-factory.js';
import { validateInvalidateMs } from './endpointer/endpointer.options.js';
import type { InstanceDecoder } from './formats/instance-decoder.js';
import {
  type OutlierDetectionOptions,
  resolveOutlierDetection,
} from './lb/outlier-detection.options.js';
import { defaultShouldRetry, type RetryOptions, resolveRetryOptions } from './lb/retry.options.js';
import { resolveZonePreference, type ZonePreferenceOptions } from './lb/zone-preference.js';

/** The balancers a `ZkEndpointer` (and `@InjectEndpointer`) can be given by name. */
export type BalancerName = 'roundRobin' | 'random' | 'leastLoaded';

const BALANCER_NAMES: readonly BalancerName[] = ['roundRobin', 'random', 'leastLoaded'];

/**
 * How a `ZkEndpointer` calls the instances of its path. The one definition of these options: the
 * Nest module's `endpointer` option and `@InjectEndpointer(path, options)` take the same fields.
 */
export interface ZkEndpointerConfig<E> {
  /** Turns an instance into something callable (an `HttpEndpoint`, a client). */
  factory: EndpointFactory<E>;
  /**
   * `'roundRobin'`, `'random'` (both in proportion to weight), or `'leastLoaded'` (power of two
   * choices over each instance's latency and calls in flight). @default 'roundRobin'
   */
  balancer?: BalancerName;
  /**
   * Retry policy of `call()`: `{ attempts, timeoutMs, backoff, shouldRetry }`.
   * @default `{ attempts: 3, timeoutMs: 10000 }`, backoff from 20 ms doubling to 1 s, with jitter
   */
  retry?: Omit<RetryOptions, 'observer'>;
  /**
   * During a discovery outage keep the last endpoints this long, then empty them (go-kit's
   * `InvalidateOnError`); `0` empties them at the first failing snapshot.
   * @default undefined: keep them until discovery recovers (go-kit's default)
   */
  invalidateOnErrorMs?: number;
  /**
   * Outlier ejection: an instance whose calls through `call()` fail twice in a row is left out of
   * the picks for 10 s (longer if it keeps failing), then gets one probe call. `false` turns it
   * off. @default on, with `OUTLIER_DETECTION_DEFAULTS`
   */
  outlierDetection?: OutlierDetectionOptions | false;
  /**
   * Empty-set protection: when every instance of the path disappears at once, keep calling the
   * last ones until instances return or `maxHoldMs` (default 300000) passes. @default false
   */
  emptySetProtection?: EmptySetProtectionOptions | boolean;
  /**
   * Zone-aware picks: the caller's zone, or `{ zone, minHealthyShare }`. Calls stay in that zone
   * while at least `minHealthyShare` (default 0.5) of its instances may be called, else go to
   * every zone. @default undefined: no zone preference
   */
  zone?: string | ZonePreferenceOptions;
  /**
   * Call each instance on its port of this name (`grpc`, `admin`: metadata `port.<name>`,
   * Finagle's additional endpoints) rather than its main address; instances without it are
   * skipped. @default undefined: the main address
   */
  port?: string;
  /** How a node's bytes become an instance. @default every known format, detected per node */
  decode?: InstanceDecoder;
  /** Where the endpointer logs. @default the console */
  logger?: ZkLogger;
}

/**
 * Checks every option of `config` without building anything, so that a bad option fails at
 * startup (`forRoot()`), not when the endpointer is first built.
 * @throws RangeError or TypeError naming the option, its value and what to give instead.
 */
export function checkZkEndpointerConfig(config: Partial<ZkEndpointerConfig<unknown>>): void {
  if (config.factory !== undefined && typeof config.factory !== 'function') {
    throw new TypeError(
      `Invalid option \`factory\`: ${typeof config.factory}. Give a function (instance) => endpoint.`,
    );
  }
  if (config.balancer !== undefined && !BALANCER_NAMES.includes(config.balancer)) {
    throw new TypeError(
      `Invalid option \`balancer\`: ${JSON.stringify(config.balancer)}. Give ` +
        `${BALANCER_NAMES.map((name) => `'${name}'`).join(', ')}.`,
    );
  }
  if (config.port !== undefined && (typeof config.port !== 'string' || config.port === '')) {
    throw new TypeError(
      `Invalid option \`port\`: ${JSON.stringify(config.port)}. Name a port the instances ` +
        'publish, e.g. "grpc".',
    );
  }
  if (config.retry !== undefined) resolveRetryOptions(config.retry);
  validateInvalidateMs(config.invalidateOnErrorMs);
  if (config.outlierDetection !== undefined && config.outlierDetection !== false) {
    resolveOutlierDetection(config.outlierDetection, defaultShouldRetry);
  }
  const protection = config.emptySetProtection;
  if (protection !== undefined && typeof protection !== 'boolean') checkedMaxHoldMs(protection);
  if (config.zone !== undefined) {
    resolveZonePreference(typeof config.zone === 'string' ? { zone: config.zone } : config.zone);
  }
}

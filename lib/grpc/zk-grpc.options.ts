import type { ServiceConfig, status } from '@grpc/grpc-js';
import { checkNumber, checkTimerMs } from '../client/index.js';
import {
  type BalancerName,
  type OutlierDetectionOptions,
  resolveOutlierDetection,
  type ZonePreferenceOptions,
} from '../sd/index.js';
import { grpc } from './grpc-peer.js';

/** The name of our load-balancing policy in a gRPC service config. */
export const ZK_GRPC_POLICY = 'zk_discovery';

/** A gRPC status, by name (`'UNAVAILABLE'`) or number (`14`). */
export type GrpcStatusName = keyof typeof status | number;

/** How the `zk_discovery` policy balances calls: the options of `ZkEndpointer`, for gRPC. */
export interface ZkGrpcBalancingOptions {
  /**
   * `'roundRobin'` (smooth weighted when weights differ), `'random'`, or `'leastLoaded'` (power
   * of two choices over each instance's call latency and calls in flight). @default 'roundRobin'
   */
  balancer?: BalancerName;
  /**
   * The caller's zone (or `{ zone, minHealthyShare }`): calls go to the instances of that zone
   * while at least `minHealthyShare` of them are connected and not ejected. @default none
   */
  zone?: string | ZonePreferenceOptions;
  /**
   * Outlier ejection from call outcomes (`consecutiveFailures`, `baseEjectionMs`, ...); `false`
   * turns it off. Which calls fail an instance: `failureCodes`. @default on, with
   * `OUTLIER_DETECTION_DEFAULTS`
   */
  outlierDetection?: Omit<OutlierDetectionOptions, 'countsAsFailure'> | false;
  /**
   * The statuses that count against the instance that answered them; other statuses are answers
   * of the service (NOT_FOUND, INVALID_ARGUMENT, ...). @default UNAVAILABLE, DEADLINE_EXCEEDED,
   * INTERNAL, UNKNOWN, DATA_LOSS
   */
  failureCodes?: readonly GrpcStatusName[];
}

/** grpc-js's retry of a call on another instance (gRFC A6), in milliseconds. */
export interface ZkGrpcRetryOptions {
  /** Attempts per call, the first included (grpc-js allows 2 to 5). @default 3 */
  maxAttempts?: number;
  /** The first backoff's upper bound (each wait is drawn in [0, bound]). @default 20 */
  initialBackoffMs?: number;
  /** The largest backoff bound. @default 1000 */
  maxBackoffMs?: number;
  /** Each backoff bound is the previous one times this. @default 2 */
  backoffMultiplier?: number;
  /** The statuses retried. @default ['UNAVAILABLE'] */
  retryableStatusCodes?: readonly GrpcStatusName[];
}

/** A gRPC channel's service config for `zk:` targets. */
export interface ZkGrpcChannelOptions extends ZkGrpcBalancingOptions {
  /**
   * Calls that end UNAVAILABLE (connection refused, dropped, no instance connected) are tried
   * again, on another instance when there is one; `false`: no retry. Retrying a call that reached
   * a server that died runs it twice: turn it off for methods that must not run twice.
   * @default { maxAttempts: 3, initialBackoffMs: 20, maxBackoffMs: 1000, backoffMultiplier: 2 }
   */
  retry?: ZkGrpcRetryOptions | false;
}

/** The defaults of `ZkGrpcRetryOptions`. */
export const ZK_GRPC_RETRY_DEFAULTS = Object.freeze({
  maxAttempts: 3,
  initialBackoffMs: 20,
  maxBackoffMs: 1000,
  backoffMultiplier: 2,
  retryableStatusCodes: Object.freeze(['UNAVAILABLE'] as const),
});

const DEFAULT_FAILURE_CODES: readonly GrpcStatusName[] = [
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'INTERNAL',
  'UNKNOWN',
  'DATA_LOSS',
];

const BALANCERS: readonly BalancerName[] = ['roundRobin', 'random', 'leastLoaded'];

/** The policy's options, checked, in the form the policy runs on. */
export interface ResolvedBalancing {
  readonly balancer: BalancerName;
  readonly zone: ZonePreferenceOptions | undefined;
  readonly outlierDetection: Omit<OutlierDetectionOptions, 'countsAsFailure'> | false;
  readonly failureCodes: ReadonlySet<number>;
  /** The options as JSON, for the service config and for comparing two configs. */
  readonly json: Record<string, unknown>;
}

/**
 * Checks the policy's options (as given in code or in a service config's JSON).
 * @throws TypeError or RangeError naming the option, its value and what it must be.
 */
export function resolveBalancing(options: unknown): ResolvedBalancing {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(
      `Invalid ${ZK_GRPC_POLICY} options ${JSON.stringify(options)}. Give an object such as ` +
        '{ "balancer": "leastLoaded" }.',
    );
  }
  const given = options as ZkGrpcBalancingOptions & Record<string, unknown>;
  const known = new Set(['balancer', 'zone', 'outlierDetection', 'failureCodes']);
  const extra = Object.keys(given).filter((key) => !known.has(key));
  if (extra.length > 0) {
    throw new TypeError(
      `${ZK_GRPC_POLICY} has no option ${extra.map((key) => JSON.stringify(key)).join(', ')}. ` +
        `Its options: ${[...known].join(', ')} (and retry, for zkServiceConfig).`,
    );
  }
  const balancer = given.balancer ?? 'roundRobin';
  if (!BALANCERS.includes(balancer)) {
    throw new RangeError(
      `Invalid option \`balancer\`: ${JSON.stringify(given.balancer)}. Give ` +
        `${BALANCERS.map((b) => `"${b}"`).join(', ')} (default "roundRobin").`,
    );
  }
  const zone = resolveZone(given.zone);
  const outlierDetection = given.outlierDetection ?? {};
  if (outlierDetection !== false) {
    if (typeof outlierDetection !== 'object' || outlierDetection === null) {
      throw new TypeError(
        `Invalid option \`outlierDetection\`: ${JSON.stringify(outlierDetection)}. Give its ` +
          'options ({ consecutiveFailures, baseEjectionMs, ... }), or false to turn it off.',
      );
    }
    if ('countsAsFailure' in outlierDetection) {
      throw new TypeError(
        'Invalid option `outlierDetection.countsAsFailure`: over gRPC, give `failureCodes`, the ' +
          'statuses that count against an instance.',
      );
    }
    resolveOutlierDetection(outlierDetection, () => true);
  }
  const failureCodes = given.failureCodes ?? DEFAULT_FAILURE_CODES;
  const codes = statusCodes(failureCodes, 'failureCodes');
  const json: Record<string, unknown> = {
    balancer,
    ...(zone ? { zone } : {}),
    outlierDetection,
    failureCodes: [...failureCodes],
  };
  return { balancer, zone, outlierDetection, failureCodes: new Set(codes), json };
}

/**
 * The service config of a channel to `zk:` targets balanced by our policy, with grpc-js's retry
 * of calls that end UNAVAILABLE: give it as the channel option `grpc.service_config` (as JSON), or
 * extend it (e.g. with `methodConfig` timeouts) first. Checks `options` at once.
 * @throws TypeError or RangeError naming a bad option.
 */
export function zkServiceConfig(options: ZkGrpcChannelOptions = {}): ServiceConfig {
  const { retry, ...balancing } = options;
  const resolved = resolveBalancing(balancing);
  return {
    loadBalancingConfig: [{ [ZK_GRPC_POLICY]: resolved.json }],
    methodConfig: retry === false ? [] : [{ name: [{}], retryPolicy: retryPolicy(retry ?? {}) }],
  };
}

/**
 * The channel options that balance a gRPC client's calls with our policy:
 * `new HelloClient('zk:///services/hello/grpc', credentials, zkChannelOptions({ balancer:
 * 'leastLoaded' }))`, or Nest's `channelOptions`. Without them a `zk:` target is balanced by the
 * policy with its defaults.
 */
export function zkChannelOptions(options: ZkGrpcChannelOptions = {}): {
  'grpc.service_config': string;
} {
  return { 'grpc.service_config': JSON.stringify(zkServiceConfig(options)) };
}

function resolveZone(zone: unknown): ZonePreferenceOptions | undefined {
  if (zone === undefined) return undefined;
  const options = typeof zone === 'string' ? { zone } : zone;
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      `Invalid option \`zone\`: ${JSON.stringify(zone)}. Give the caller's zone, e.g. "eu-1a", ` +
        'or { zone, minHealthyShare }.',
    );
  }
  const { zone: name, minHealthyShare } = options as ZonePreferenceOptions;
  if (typeof name !== 'string' || name.trim() === '') {
    throw new RangeError(
      `Invalid option \`zone\`: ${JSON.stringify(name)}. Give the caller's zone, e.g. "eu-1a".`,
    );
  }
  if (minHealthyShare !== undefined) {
    checkNumber('zone.minHealthyShare', minHealthyShare, { min: 0, max: 1, defaultValue: 0.5 });
  }
  return minHealthyShare === undefined ? { zone: name } : { zone: name, minHealthyShare };
}

function retryPolicy(options: ZkGrpcRetryOptions) {
  const settings = { ...ZK_GRPC_RETRY_DEFAULTS, ...options };
  const maxAttempts = checkNumber('retry.maxAttempts', settings.maxAttempts, {
    min: 2,
    max: 5,
    integer: true,
    defaultValue: ZK_GRPC_RETRY_DEFAULTS.maxAttempts,
  });
  const initialBackoffMs = checkTimerMs('retry.initialBackoffMs', settings.initialBackoffMs, {
    defaultValue: ZK_GRPC_RETRY_DEFAULTS.initialBackoffMs,
  });
  const maxBackoffMs = checkTimerMs('retry.maxBackoffMs', settings.maxBackoffMs, {
    min: initialBackoffMs,
    defaultValue: ZK_GRPC_RETRY_DEFAULTS.maxBackoffMs,
  });
  const backoffMultiplier = checkNumber('retry.backoffMultiplier', settings.backoffMultiplier, {
    min: 1,
    defaultValue: ZK_GRPC_RETRY_DEFAULTS.backoffMultiplier,
  });
  const codes = settings.retryableStatusCodes;
  statusCodes(codes, 'retry.retryableStatusCodes');
  if (codes.length === 0) {
    throw new RangeError(
      'Invalid option `retry.retryableStatusCodes`: it is empty. Give at least one status, e.g. ' +
        '["UNAVAILABLE"], or retry: false for no retry.',
    );
  }
  return {
    maxAttempts,
    initialBackoff: seconds(initialBackoffMs),
    maxBackoff: seconds(maxBackoffMs),
    backoffMultiplier,
    retryableStatusCodes: [...codes],
  };
}

/** Milliseconds as a service config's duration ("0.02s"). */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(9))}s`;
}

function statusCodes(values: unknown, what: string): number[] {
  if (!Array.isArray(values)) {
    throw new TypeError(
      `Invalid option \`${what}\`: ${JSON.stringify(values)}. Give an array of gRPC statuses, ` +
        'e.g. ["UNAVAILABLE"].',
    );
  }
  return values.map((value) => {
    const code = typeof value === 'number' ? value : grpc.status[value as keyof typeof status];
    if (typeof code !== 'number' || grpc.status[code] === undefined) {
      throw new RangeError(
        `Invalid option \`${what}\`: ${JSON.stringify(value)} is not a gRPC status. Give a name ` +
          'such as "UNAVAILABLE", or its number.',
      );
    }
    return code;
  });
}

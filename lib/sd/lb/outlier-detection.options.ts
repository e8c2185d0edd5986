import { checkNumber, checkTimerMs } from '../../client/option-checks.js';

/**
 * Outlier ejection (passive health checking, as Envoy's outlier detection and Finagle's failure
 * accrual): an instance whose calls keep failing is left out of the picks for a while. ZooKeeper
 * says who is registered, not who answers: a frozen or broken instance keeps its session.
 */
export interface OutlierDetectionOptions {
  /**
   * Failed calls in a row that eject an instance. A call on a frozen instance waits for its whole
   * timeout, so this is kept low (Curator's `DownInstancePolicy` counts 2 errors). @default 2
   */
  consecutiveFailures?: number;
  /**
   * How long the first ejection lasts; the n-th ejection of an instance lasts n times as long (up
   * to `maxEjectionMs`), and each `baseEjectionMs` of good behaviour after a return takes one
   * off that count. @default 10000
   */
  baseEjectionMs?: number;
  /** Longest ejection. @default 300000 */
  maxEjectionMs?: number;
  /**
   * Largest share of a path's instances ejected at the same time, in [0, 1]; one instance may
   * always be ejected, whatever the share, unless that would bring a panic. @default 0.5
   */
  maxEjectedShare?: number;
  /**
   * When fewer than this share of a path's instances are not ejected, calls go to all of them
   * ("panic", as Envoy's healthy panic threshold), in [0, 1]; 0 never panics. No instance is
   * ejected when that would bring a panic (a lone instance is never ejected); a panic comes when
   * healthy instances leave while others are ejected. @default 0.5
   */
  panicThreshold?: number;
  /**
   * Whether a failed call counts against its instance. @default every error except a
   * cancellation (`AbortError`) and errors with `retryable: false` (an `HttpEndpointError` for a
   * 4xx: the instance answered)
   */
  countsAsFailure?: (error: unknown) => boolean;
}

/** The defaults of `OutlierDetectionOptions`. */
export const OUTLIER_DETECTION_DEFAULTS = Object.freeze({
  consecutiveFailures: 2,
  baseEjectionMs: 10_000,
  maxEjectionMs: 300_000,
  maxEjectedShare: 0.5,
  panicThreshold: 0.5,
});

export type ResolvedOutlierDetection = Required<OutlierDetectionOptions>;

/**
 * The options with their defaults, checked.
 * @throws RangeError naming the option, its value and the range it must be in.
 */
export function resolveOutlierDetection(
  options: OutlierDetectionOptions,
  countsAsFailure: (error: unknown) => boolean,
): ResolvedOutlierDetection {
  const resolved = { ...OUTLIER_DETECTION_DEFAULTS, countsAsFailure, ...options };
  const name = (option: keyof OutlierDetectionOptions) => `outlierDetection.${option}`;
  const defaults = OUTLIER_DETECTION_DEFAULTS;
  checkNumber(name('consecutiveFailures'), resolved.consecutiveFailures, {
    min: 1,
    integer: true,
    defaultValue: defaults.consecutiveFailures,
  });
  checkTimerMs(name('baseEjectionMs'), resolved.baseEjectionMs, {
    defaultValue: defaults.baseEjectionMs,
  });
  checkTimerMs(name('maxEjectionMs'), resolved.maxEjectionMs, {
    min: resolved.baseEjectionMs,
    defaultValue: defaults.maxEjectionMs,
  });
  for (const share of ['maxEjectedShare', 'panicThreshold'] as const) {
    checkNumber(name(share), resolved[share], { max: 1, defaultValue: defaults[share] });
  }
  if (typeof resolved.countsAsFailure !== 'function') {
    throw new TypeError(
      `Invalid option \`${name('countsAsFailure')}\`: ${typeof resolved.countsAsFailure}. ` +
        'Give a function (error) => boolean.',
    );
  }
  return resolved;
}

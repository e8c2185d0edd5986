/**
 * The part of prom-client's `Registry` the metrics use. Pass `new Registry()` or prom-client's
 * global `register` (structural, so this library's types do not depend on prom-client).
 */
export interface ZkMetricsRegistry {
  registerMetric(metric: unknown): void;
  getSingleMetric(name: string): unknown;
  removeSingleMetric(name: string): void;
}

/** `ZkDiscoveryModule.forRoot({ metrics })`: Prometheus metrics through prom-client. */
export interface ZkDiscoveryMetricsOptions {
  /** Where the metrics are registered. @default prom-client's global `register` */
  registry?: ZkMetricsRegistry;
  /** Prefix of every metric name. @default 'zk_discovery_' */
  prefix?: string;
}

/** The metrics options, checked; `registry` undefined means prom-client's global registry. */
export interface ResolvedZkDiscoveryMetricsOptions {
  registry: ZkMetricsRegistry | undefined;
  prefix: string;
}

export const METRICS_DEFAULTS = { prefix: 'zk_discovery_' } as const;

const metricsKeys = [
  'registry',
  'prefix',
] as const satisfies readonly (keyof ZkDiscoveryMetricsOptions)[];
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Checks the `metrics` option: `true` (defaults), `false`/undefined (off) or an options object.
 * Every error names the value and the fix.
 */
export function resolveMetricsOptions(
  metrics: boolean | ZkDiscoveryMetricsOptions | undefined,
): ResolvedZkDiscoveryMetricsOptions | undefined {
  if (metrics === undefined || metrics === false) return undefined;
  if (metrics === true) return { registry: undefined, prefix: METRICS_DEFAULTS.prefix };
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw new TypeError(
      `Invalid ZkDiscoveryModule option \`metrics\`: ${JSON.stringify(metrics)}. ` +
        'Use true, false, or { registry?, prefix? }.',
    );
  }
  const unknown = Object.keys(metrics).find(
    (key) => !(metricsKeys as readonly string[]).includes(key),
  );
  if (unknown !== undefined) {
    throw new TypeError(
      `Unknown ZkDiscoveryModule option \`metrics.${unknown}\`. Known options: ${metricsKeys.join(', ')}. Check its spelling.`,
    );
  }
  const prefix = metrics.prefix ?? METRICS_DEFAULTS.prefix;
  if (typeof prefix !== 'string' || (prefix !== '' && !METRIC_NAME.test(prefix))) {
    throw new TypeError(
      `Invalid ZkDiscoveryModule option \`metrics.prefix\`: ${JSON.stringify(prefix)}. ` +
        'Use letters, digits, _ and : (not starting with a digit), e.g. "myapp_zk_".',
    );
  }
  const registry = metrics.registry;
  if (
    registry !== undefined &&
    (typeof registry !== 'object' ||
      registry === null ||
      typeof registry.registerMetric !== 'function' ||
      typeof registry.removeSingleMetric !== 'function')
  ) {
    throw new TypeError(
      'Invalid ZkDiscoveryModule option `metrics.registry`: not a prom-client Registry. ' +
        "Pass new Registry() or register from 'prom-client', or leave it out for the global registry.",
    );
  }
  return { registry, prefix };
}

import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { ZkClientState } from '../../client/zk-client.types.js';
import type { ZkEndpointer } from '../../sd/zk-endpointer.js';
import { ZK_DISCOVERY_OPTIONS } from '../zk-discovery.constants.js';
import type { ResolvedZkDiscoveryOptions } from '../zk-discovery.options-resolver.js';
import { ZkDiscoveryService } from '../zk-discovery.service.js';
import type { ZkMetricsRegistry } from '../zk-discovery-metrics.options.js';
import { loadPromClient, type PromClientModule } from './prom-client.js';

/** Reads a number from one path's endpointer. */
type Read = (endpointer: ZkEndpointer<unknown>) => number;

const CLIENT_STATES: readonly ZkClientState[] = [
  'connecting',
  'connected',
  'disconnected',
  'expired',
  'closed',
];

/** The series, by name without the prefix. */
export const ZK_DISCOVERY_METRICS = {
  sessionState: 'session_state',
  sessionExpiries: 'session_expiries_total',
  registered: 'registered',
  reregistrations: 'reregistrations_total',
  instances: 'instances',
  instancesStale: 'instances_stale',
  watchRearms: 'watch_rearms_total',
  ejections: 'ejections_total',
  ejected: 'instances_ejected',
  outOfService: 'out_of_service',
  zoneSpilling: 'zone_spilling',
} as const;

/**
 * Prometheus metrics of the module through prom-client, when `forRoot({ metrics })` enables
 * them (prom-client is then loaded; it is an optional peer dependency). Gauges are read when
 * scraped (no cost per request); counters follow `session$` and `registration$`. Metrics are
 * removed from the registry when the app shuts down.
 */
@Injectable()
export class ZkDiscoveryMetrics implements OnModuleInit, OnApplicationShutdown {
  private active: { registry: ZkMetricsRegistry; names: string[] } | undefined;
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(ZK_DISCOVERY_OPTIONS) private readonly options: ResolvedZkDiscoveryOptions,
    private readonly discovery: ZkDiscoveryService,
  ) {}

  /** The registry holding the metrics, or undefined while metrics are off. */
  get registry(): ZkMetricsRegistry | undefined {
    return this.active?.registry;
  }

  /** Full names of the registered metrics (empty while metrics are off). */
  get metricNames(): readonly string[] {
    return this.active?.names ?? [];
  }

  /** Loads prom-client and registers the metrics, when enabled. */
  async onModuleInit(): Promise<void> {
    const options = this.options.metrics;
    if (!options) return;
    const prom = await loadPromClient();
    const registry: ZkMetricsRegistry = options.registry ?? prom.register;
    const name = (key: keyof typeof ZK_DISCOVERY_METRICS) =>
      `${options.prefix}${ZK_DISCOVERY_METRICS[key]}`;
    const names = Object.keys(ZK_DISCOVERY_METRICS).map((key) =>
      name(key as keyof typeof ZK_DISCOVERY_METRICS),
    );
    const taken = names.find((metric) => registry.getSingleMetric(metric) !== undefined);
    if (taken !== undefined) {
      throw new Error(
        `ZkDiscoveryModule metrics: a metric named ${taken} is already registered in this registry ` +
          '(another app with metrics in this process?). Give each app its own registry or prefix: ' +
          'forRoot({ metrics: { registry: new Registry() } }) or { prefix: "myapp_zk_" }.',
      );
    }
    for (const metric of this.createMetrics(prom, name)) registry.registerMetric(metric);
    this.active = { registry, names };
  }

  /** Stops counting and removes the metrics from the registry. */
  onApplicationShutdown(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions.length = 0;
    const active = this.active;
    this.active = undefined;
    for (const metric of active?.names ?? []) active?.registry.removeSingleMetric(metric);
  }

  private createMetrics(
    prom: PromClientModule,
    name: (key: keyof typeof ZK_DISCOVERY_METRICS) => string,
  ): unknown[] {
    const discovery = this.discovery;
    const sessionState = new prom.Gauge({
      name: name('sessionState'),
      help: 'ZooKeeper session state: 1 for the current state, 0 for the others',
      labelNames: ['state'],
      registers: [],
      collect: () => {
        const current = discovery.session.state;
        for (const state of CLIENT_STATES) sessionState.set({ state }, state === current ? 1 : 0);
      },
    });
    const expiries = new prom.Counter({
      name: name('sessionExpiries'),
      help: 'ZooKeeper sessions that expired (each is followed by a new session)',
      registers: [],
    });
    const registered = new prom.Gauge({
      name: name('registered'),
      help: 'Whether this app is registered in ZooKeeper (1) or not (0)',
      registers: [],
      collect: () => {
        registered.set(discovery.registrationState === 'registered' ? 1 : 0);
      },
    });
    const outOfService = new prom.Gauge({
      name: name('outOfService'),
      help: 'Whether this app is out of discovery on purpose (maintenance or its health check): 1, else 0',
      registers: [],
      collect: () => {
        outOfService.set(discovery.outOfService ? 1 : 0);
      },
    });
    const reregistrations = new prom.Counter({
      name: name('reregistrations'),
      help: "Times this app's instance node was created again (after a session expiry)",
      registers: [],
    });
    const instances = new prom.Gauge({
      name: name('instances'),
      help: 'Instances registered under each watched path, as last read',
      labelNames: ['path'],
      registers: [],
      collect: () => {
        instances.reset();
        for (const path of discovery.endpointerPaths) {
          const snapshot = discovery.getEndpointer(path).snapshot;
          instances.set({ path }, snapshot?.instances.length ?? 0);
        }
      },
    });
    const stale = new prom.Gauge({
      name: name('instancesStale'),
      help: 'Whether the instances of each watched path may be out of date (1) or are current (0)',
      labelNames: ['path'],
      registers: [],
      collect: () => {
        stale.reset();
        for (const path of discovery.endpointerPaths) {
          const snapshot = discovery.getEndpointer(path).snapshot;
          stale.set({ path }, snapshot === undefined || snapshot.stale ? 1 : 0);
        }
      },
    });
    /** A counter per watched path, read from the path's endpointer when scraped. */
    const pathCounter = (key: keyof typeof ZK_DISCOVERY_METRICS, help: string, read: Read) => {
      const seen = new Map<string, number>();
      const counter = new prom.Counter({
        name: name(key),
        help,
        labelNames: ['path'],
        registers: [],
        collect: () => {
          for (const path of discovery.endpointerPaths) {
            const now = read(discovery.getEndpointer(path));
            const before = seen.get(path) ?? 0;
            // A path watched afresh (its endpointer was replaced) starts again from 0.
            seen.set(path, now);
            counter.inc({ path }, now >= before ? now - before : now);
          }
        },
      });
      return counter;
    };
    const rearms = pathCounter(
      'watchRearms',
      'Watches set again on each watched path (after a change, a failed read or a new session)',
      (endpointer) => endpointer.watchRearms,
    );
    const ejections = pathCounter(
      'ejections',
      'Instances of each watched path ejected by outlier detection (failed calls in a row)',
      (endpointer) => endpointer.ejectionsTotal,
    );
    const ejected = new prom.Gauge({
      name: name('ejected'),
      help: 'Instances of each watched path ejected by outlier detection now',
      labelNames: ['path'],
      registers: [],
      collect: () => {
        ejected.reset();
        for (const path of discovery.endpointerPaths) {
          ejected.set({ path }, discovery.getEndpointer(path).ejected().length);
        }
      },
    });
    const spilling = new prom.Gauge({
      name: name('zoneSpilling'),
      help: "Whether calls of each path with a zone preference go to every zone (1) or stay in the caller's (0)",
      labelNames: ['path', 'zone'],
      registers: [],
      collect: () => {
        spilling.reset();
        for (const path of discovery.endpointerPaths) {
          const routing = discovery.getEndpointer(path).zone();
          if (routing) spilling.set({ path, zone: routing.zone }, routing.spilling ? 1 : 0);
        }
      },
    });

    let expiriesSeen = 0;
    let wasRegistered = false;
    this.subscriptions.push(
      discovery.session$.subscribe((status) => {
        if (status.expiries > expiriesSeen) expiries.inc(status.expiries - expiriesSeen);
        expiriesSeen = status.expiries;
      }),
      discovery.registration$.subscribe((state) => {
        if (state !== 'registered') return;
        if (wasRegistered) reregistrations.inc();
        wasRegistered = true;
      }),
    );
    return [
      sessionState,
      expiries,
      registered,
      reregistrations,
      instances,
      stale,
      rearms,
      ejections,
      ejected,
      outOfService,
      spilling,
    ];
  }
}

import { messageOf } from '../../client/error-message.js';
import type { Unsubscribe } from '../../client/listeners.js';
import type { ZkLogger } from '../../client/zk-logger.js';
import type { EndpointSource } from '../endpointer/endpoint-source.js';
import type { ServiceInstance } from '../service-instance.js';
import type { CallObserver } from './call-observer.js';
import type { ResolvedOutlierDetection } from './outlier-detection.options.js';

/** What the detector follows: an endpointer's endpoints and the instances they were made from. */
export interface ObservedEndpoints<E> extends EndpointSource<E> {
  subscribe(
    listener: (endpoints: readonly E[], instances: readonly ServiceInstance[]) => void,
  ): Unsubscribe;
}

/** An instance left out of the picks. */
export interface EjectedInstance {
  readonly instance: ServiceInstance;
  /** Epoch ms at which it gets its probe call. */
  readonly until: number;
  /** Its ejections in a row (less one per `baseEjectionMs` of good behaviour since). */
  readonly ejections: number;
}

/** Clock and timers, replaceable in tests. */
export interface DetectorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

const systemClock: DetectorClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

type State = 'in' | 'ejected' | 'probe' | 'probing';

interface Health {
  instance: ServiceInstance;
  failures: number;
  ejections: number;
  state: State;
  until: number;
  /** When it last came back (or 0), to take ejections off for good behaviour since. */
  returnedAt: number;
  timer: unknown;
}

/**
 * Passive health for one path: counts the failed calls in a row of each instance (reported by
 * `retry`, whatever the endpoint type), ejects an instance that reaches the limit, lets one probe
 * call through when its time is up, and hands the balancer the endpoints not ejected. Picks stay
 * O(1) and allocation-free: the list of eligible endpoints is rebuilt only when an instance is
 * ejected or returns, or the set changes while one is ejected.
 */
export class OutlierDetector<E> implements EndpointSource<E>, CallObserver<E> {
  readonly name: string | undefined;
  private readonly byEndpoint = new Map<E, Health>();
  private readonly byId = new Map<string, Health>();
  private all: readonly E[] = [];
  private allInstances: readonly ServiceInstance[] = [];
  /** `all` changed since the maps were made: they are made again when next needed. */
  private stale = false;
  /** Instances not `in` (ejected, or waiting for or making their probe call). */
  private out = 0;
  private eligible: readonly E[] = [];
  private eligibleInstances: readonly ServiceInstance[] = [];
  private panicking = false;
  private total = 0;
  private readonly unsubscribe: Unsubscribe;

  constructor(
    source: ObservedEndpoints<E>,
    private readonly options: ResolvedOutlierDetection,
    private readonly logger: ZkLogger,
    private readonly clock: DetectorClock = systemClock,
  ) {
    this.name = source.name;
    this.unsubscribe = source.subscribe((endpoints, instances) =>
      this.follow(endpoints, instances),
    );
  }

  /** Ejections so far (for metrics). */
  get ejectionsTotal(): number {
    return this.total;
  }

  /** The endpoints a balancer may pick: all of them but the ejected (all of them in a panic). */
  endpoints(): readonly E[] {
    return this.eligible;
  }

  /** The instances behind `endpoints()`, in the same order. */
  instances(): readonly ServiceInstance[] {
    return this.eligibleInstances;
  }

  /** The instances ejected now, with the time of their probe call. */
  ejected(): EjectedInstance[] {
    if (this.out === 0) return [];
    this.refresh();
    const ejected: EjectedInstance[] = [];
    for (const health of this.byId.values()) {
      if (health.state === 'in') continue;
      ejected.push({ instance: health.instance, until: health.until, ejections: health.ejections });
    }
    return ejected;
  }

  started(endpoint: E): void {
    const health = this.healthOf(endpoint);
    if (health?.state !== 'probe') return;
    // One probe call at a time: it is out of the picks again until the probe answers.
    health.state = 'probing';
    this.rebuild();
  }

  succeeded(endpoint: E): void {
    const health = this.healthOf(endpoint);
    if (!health) return;
    if (health.state === 'in') {
      health.failures = 0;
    } else if (health.state === 'probing') {
      this.readmit(health);
    }
  }

  failed(endpoint: E, error: unknown): void {
    const health = this.healthOf(endpoint);
    if (!health || health.state === 'ejected' || health.state === 'probe') return;
    if (!this.options.countsAsFailure(error)) {
      if (health.state === 'probing') this.allowProbe(health);
      return;
    }
    if (health.state === 'probing') {
      this.eject(health, error, 'its probe call failed');
      return;
    }
    health.failures++;
    if (health.failures >= this.options.consecutiveFailures && this.mayEject()) {
      this.eject(health, error, `${health.failures} failed calls in a row`);
    }
  }

  /** Stops following the endpointer and cancels the probe timers. */
  close(): void {
    this.unsubscribe();
    for (const health of this.byId.values()) this.clock.clearTimeout(health.timer);
    this.byId.clear();
    this.byEndpoint.clear();
  }

  /**
   * The endpoints changed. Following them costs nothing on the discovery path while no instance
   * is out (the eligible list is the endpointer's own); the maps by endpoint and id are made again
   * at the next call report (O(n) once per change, off the path of the change).
   */
  private follow(endpoints: readonly E[], instances: readonly ServiceInstance[]): void {
    this.all = endpoints;
    this.allInstances = instances;
    this.stale = true;
    if (this.out === 0) {
      this.eligible = endpoints;
      this.eligibleInstances = instances;
      return;
    }
    this.refresh();
    this.rebuild();
  }

  private healthOf(endpoint: E): Health | undefined {
    this.refresh();
    return this.byEndpoint.get(endpoint);
  }

  /** Makes the maps again after a change; forgets the instances that left, timers included. */
  private refresh(): void {
    if (!this.stale) return;
    this.stale = false;
    const endpoints = this.all;
    const instances = this.allInstances;
    this.byEndpoint.clear();
    const present = new Set<string>();
    for (let i = 0; i < endpoints.length; i++) {
      const instance = instances[i]!;
      present.add(instance.id);
      let health = this.byId.get(instance.id);
      if (!health) {
        health = {
          instance,
          failures: 0,
          ejections: 0,
          state: 'in',
          until: 0,
          returnedAt: 0,
          timer: undefined,
        };
        this.byId.set(instance.id, health);
      }
      health.instance = instance;
      this.byEndpoint.set(endpoints[i]!, health);
    }
    for (const [id, health] of this.byId) {
      if (present.has(id)) continue;
      this.clock.clearTimeout(health.timer);
      this.byId.delete(id);
    }
  }

  private mayEject(): boolean {
    let ejected = 0;
    for (const health of this.byId.values()) if (health.state !== 'in') ejected++;
    const total = this.byId.size;
    const limit = Math.max(1, Math.floor(this.options.maxEjectedShare * total));
    return ejected < limit && total - ejected - 1 >= this.options.panicThreshold * total;
  }

  private eject(health: Health, error: unknown, why: string): void {
    const now = this.clock.now();
    // Good behaviour since the last return takes ejections off, one per base time.
    const forgiven = health.returnedAt
      ? Math.floor((now - health.returnedAt) / this.options.baseEjectionMs)
      : 0;
    health.ejections = Math.max(0, health.ejections - forgiven) + 1;
    const ms = Math.min(this.options.baseEjectionMs * health.ejections, this.options.maxEjectionMs);
    health.state = 'ejected';
    health.failures = 0;
    health.until = now + ms;
    this.clock.clearTimeout(health.timer);
    health.timer = this.clock.setTimeout(() => this.allowProbe(health), ms);
    this.total++;
    this.logger.warn(
      `${this.label()}: instance ${health.instance.id} (${where(health.instance)}) ejected for ` +
        `${ms} ms after ${why} (${messageOf(error)}); ejection ${health.ejections} in a row`,
    );
    this.rebuild();
  }

  private allowProbe(health: Health): void {
    if (this.byId.get(health.instance.id) !== health) return;
    health.state = 'probe';
    this.rebuild();
  }

  private readmit(health: Health): void {
    health.state = 'in';
    health.failures = 0;
    health.returnedAt = this.clock.now();
    this.logger.log(
      `${this.label()}: instance ${health.instance.id} (${where(health.instance)}) is back: ` +
        'its probe call succeeded',
    );
    this.rebuild();
  }

  /** The eligible list: `all` itself while nothing is ejected, so no copy in the usual case. */
  private rebuild(): void {
    this.refresh();
    let out = 0;
    let notIn = 0;
    for (const health of this.byEndpoint.values()) {
      if (health.state !== 'in') notIn++;
      if (health.state === 'ejected' || health.state === 'probing') out++;
    }
    this.out = notIn;
    const inCount = this.all.length - out;
    const panic = out > 0 && inCount < this.options.panicThreshold * this.all.length;
    this.setPanic(panic, inCount);
    if (out === 0 || panic) {
      this.eligible = this.all;
      this.eligibleInstances = this.allInstances;
      return;
    }
    const eligible: E[] = [];
    const eligibleInstances: ServiceInstance[] = [];
    for (let i = 0; i < this.all.length; i++) {
      const state = this.byEndpoint.get(this.all[i]!)?.state;
      if (state === 'ejected' || state === 'probing') continue;
      eligible.push(this.all[i]!);
      eligibleInstances.push(this.allInstances[i]!);
    }
    this.eligible = eligible;
    this.eligibleInstances = eligibleInstances;
  }

  private setPanic(panic: boolean, inCount: number): void {
    if (panic === this.panicking) return;
    this.panicking = panic;
    if (panic) {
      this.logger.warn(
        `${this.label()}: only ${inCount} of ${this.all.length} instances are not ejected, under ` +
          `the panic threshold (${this.options.panicThreshold}); calls go to all of them`,
      );
    } else {
      this.logger.log(`${this.label()}: out of panic; ejected instances are left out again`);
    }
  }

  private label(): string {
    return this.name ?? 'endpointer';
  }
}

function where(instance: ServiceInstance): string {
  return instance.url ?? instance.path;
}

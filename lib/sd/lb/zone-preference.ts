import { checkNumber } from '../../client/option-checks.js';
import type { ZkLogger } from '../../client/zk-logger.js';
import type { EndpointSource } from '../endpointer/endpoint-source.js';
import type { ServiceInstance } from '../service-instance.js';

/** A source that gives the instances behind its endpoints. */
type WithInstances<E> = EndpointSource<E> & { instances(): readonly ServiceInstance[] };

/** Zone-aware picks: the caller's zone, and when to spill over to the others. */
export interface ZonePreferenceOptions {
  /** The caller's zone: instances whose `zone` is this one are preferred. */
  zone: string;
  /**
   * Calls stay in the zone while at least this share of its registered instances may be picked
   * (not ejected); below it they go to every eligible instance, of any zone. @default 0.5
   */
  minHealthyShare?: number;
}

/** The defaults of `ZonePreferenceOptions`. */
export const ZONE_PREFERENCE_DEFAULTS = Object.freeze({ minHealthyShare: 0.5 });

/** `options` with their defaults, checked. */
export function resolveZonePreference(
  options: ZonePreferenceOptions,
): Required<ZonePreferenceOptions> {
  const zone = options?.zone;
  if (typeof zone !== 'string' || zone.trim() === '') {
    throw new TypeError(
      `Invalid option \`zone\`: ${JSON.stringify(zone)}. Name the caller's zone, e.g. "eu-1a", ` +
        'or give { zone, minHealthyShare }.',
    );
  }
  const fallback = ZONE_PREFERENCE_DEFAULTS.minHealthyShare;
  const minHealthyShare = checkNumber('zone.minHealthyShare', options.minHealthyShare ?? fallback, {
    max: 1,
    defaultValue: fallback,
  });
  return { zone, minHealthyShare };
}

/** Where calls go now, for `ZkEndpointer.zone()`. */
export interface ZoneRouting {
  readonly zone: string;
  /** Instances of the zone that may be picked now. */
  readonly healthy: number;
  /** Instances of the zone registered (and usable) now. */
  readonly registered: number;
  /** True while calls leave the caller's zone for others (never on a path without zones). */
  readonly spilling: boolean;
}

/**
 * Narrows the eligible endpoints to the caller's zone (Envoy's zone-aware routing, Spring Cloud
 * LoadBalancer's zone preference, which reads the same `zone` metadata): while at least
 * `minHealthyShare` of the zone's instances are eligible, only they are picked; below that, or
 * when the zone has none, calls spill over to every eligible instance. On a path whose instances
 * name no zone at all (go-kit's), every eligible instance is picked and nothing is reported. Worked out again only when
 * the endpoints change or an instance is ejected or returns (O(n)); a pick costs two identity
 * checks. Spilling over and coming back are logged once each.
 */
export class ZonePreference<E> implements EndpointSource<E> {
  readonly name: string | undefined;
  private readonly minHealthyShare: number;
  private seenAll: readonly ServiceInstance[] | undefined;
  private seenEligible: readonly E[] | undefined;
  private chosen: readonly E[] = [];
  private chosenInstances: readonly ServiceInstance[] = [];
  private state: ZoneRouting;

  /**
   * @param all Every usable endpoint of the path (the endpointer): the zone's registered count.
   * @param eligible Those that may be picked (the outlier detector, or the endpointer itself).
   * @throws RangeError when `zone` is empty or `minHealthyShare` is not within [0, 1].
   */
  constructor(
    private readonly all: WithInstances<E>,
    private readonly eligible: WithInstances<E>,
    options: ZonePreferenceOptions,
    private readonly logger: ZkLogger,
  ) {
    const { zone, minHealthyShare } = resolveZonePreference(options);
    this.minHealthyShare = minHealthyShare;
    this.name = eligible.name;
    this.state = { zone, healthy: 0, registered: 0, spilling: false };
  }

  /** The endpoints a balancer may pick now. */
  endpoints(): readonly E[] {
    this.refresh();
    return this.chosen;
  }

  /** The instances behind `endpoints()`, in the same order. */
  instances(): readonly ServiceInstance[] {
    this.refresh();
    return this.chosenInstances;
  }

  /** The zone, its healthy and registered counts, and whether calls spill over. */
  routing(): ZoneRouting {
    this.refresh();
    return this.state;
  }

  private refresh(): void {
    const all = this.all.instances();
    const eligible = this.eligible.endpoints();
    if (all === this.seenAll && eligible === this.seenEligible) return;
    this.seenAll = all;
    this.seenEligible = eligible;
    const zone = this.state.zone;
    let registered = 0;
    let zoned = 0;
    for (const instance of all) {
      if (instance.zone === undefined) continue;
      zoned++;
      if (instance.zone === zone) registered++;
    }
    const eligibleInstances = this.eligible.instances();
    const local: E[] = [];
    const localInstances: ServiceInstance[] = [];
    for (let i = 0; i < eligible.length; i++) {
      if (eligibleInstances[i]?.zone !== zone) continue;
      local.push(eligible[i]!);
      localInstances.push(eligibleInstances[i]!);
    }
    const healthy = local.length;
    const stay = healthy > 0 && healthy >= this.minHealthyShare * registered;
    // Every eligible instance is in the zone: keep the source's own arrays (no copy).
    const whole = stay && healthy === eligible.length;
    this.chosen = stay && !whole ? local : eligible;
    this.chosenInstances = stay && !whole ? localInstances : eligibleInstances;
    // A path whose instances name no zone at all has nothing to prefer: no spill-over to report.
    this.report(!stay && zoned > 0 && eligible.length > 0, healthy, registered);
  }

  private report(spilling: boolean, healthy: number, registered: number): void {
    const was = this.state.spilling;
    this.state = { zone: this.state.zone, healthy, registered, spilling };
    if (spilling === was) return;
    const where = this.name ?? 'endpointer';
    if (spilling) {
      this.logger.warn(
        `${where}: ${healthy} of ${registered} instance(s) of zone ${this.state.zone} may be called ` +
          `(under ${this.minHealthyShare} of them); calls spill over to every zone`,
      );
    } else {
      this.logger.log(`${where}: calls stay in zone ${this.state.zone} again`);
    }
  }
}

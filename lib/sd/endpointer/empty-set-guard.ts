import { checkTimerMs } from '../../client/option-checks.js';
import type { ZkLogger } from '../../client/zk-logger.js';
import { compareInstanceIds } from '../instancer/by-instance-id.js';
import type { EndpointEntry } from './endpoint-plan.js';

/**
 * Empty-set protection (Dubbo's `enable-empty-protection`), opt-in: when every instance of a path
 * disappears at once (a ZooKeeper restored from an old snapshot, a cleanup script, every session
 * expiring together), keep calling the last instances instead of failing every call, until
 * instances return or `maxHoldMs` passes. Outlier ejection weeds out those that are really gone.
 * The catch: a service scaled down to zero is still called until `maxHoldMs`.
 */
export interface EmptySetProtectionOptions {
  /** Longest time the last instances are held. @default 300000 */
  maxHoldMs?: number;
}

/** The defaults of `EmptySetProtectionOptions`. */
export const EMPTY_SET_PROTECTION_DEFAULTS = Object.freeze({ maxHoldMs: 300_000 });

/**
 * Instances that left this shortly before the path emptied left "at once" with the last one: a
 * session closing or expiring deletes its nodes one event at a time.
 */
const AT_ONCE_MS = 1000;

/** `maxHoldMs` of `options`, checked. */
export function checkedMaxHoldMs(options: EmptySetProtectionOptions): number {
  const fallback = EMPTY_SET_PROTECTION_DEFAULTS.maxHoldMs;
  return checkTimerMs('emptySetProtection.maxHoldMs', options.maxHoldMs ?? fallback, {
    defaultValue: fallback,
  });
}

/** Instances held by empty-set protection. */
export interface HeldSet {
  /** How many instances are held. */
  readonly count: number;
  /** Epoch ms at which the path emptied. */
  readonly since: number;
  /** Epoch ms at which the hold ends if no instance returns. */
  readonly until: number;
}

interface Retired<E> {
  readonly entry: EndpointEntry<E>;
  readonly timer: NodeJS.Timeout;
  readonly close: () => void;
}

/**
 * For an endpointer: keeps the entries of instances that just left alive for a second (closing
 * them after), and when a good snapshot is empty decides to hold the last entries instead,
 * until instances return or the time is up (then `release` applies what the source says).
 */
export class EmptySetGuard<E> {
  private held: { set: HeldSet; timer: NodeJS.Timeout } | undefined;
  private readonly retired = new Map<EndpointEntry<E>, Retired<E>>();
  private readonly maxHoldMs: number;
  private stopped = false;

  constructor(
    options: EmptySetProtectionOptions,
    private readonly label: () => string,
    private readonly logger: ZkLogger,
    private readonly release: () => void,
  ) {
    this.maxHoldMs = checkedMaxHoldMs(options);
  }

  /** What is held now, or undefined. */
  get holding(): HeldSet | undefined {
    return this.held?.set;
  }

  /** An entry whose instance left: `close` runs in a second, unless the path empties first. */
  retire(entry: EndpointEntry<E>, close: () => void): void {
    if (this.stopped) {
      close();
      return;
    }
    const timer = setTimeout(() => {
      this.retired.delete(entry);
      close();
    }, AT_ONCE_MS);
    timer.unref();
    this.retired.set(entry, { entry, timer, close });
  }

  /**
   * For a good snapshot of `incoming` instances, with `current` entries held: `'apply'` it,
   * `'keep'` the current entries (still holding), or the entries to hold from now on (the
   * current ones and those that left within the last second, sorted by instance id).
   */
  decide(
    incoming: number,
    current: readonly EndpointEntry<E>[],
  ): 'apply' | 'keep' | EndpointEntry<E>[] {
    if (incoming > 0) {
      if (this.held) {
        this.endHold();
        this.logger.log(
          `${this.label()}: instances are back (${incoming}); the held set is let go`,
        );
      }
      return 'apply';
    }
    if (this.held) return 'keep';
    const entries = [...current];
    for (const { entry, timer } of this.retired.values()) {
      clearTimeout(timer);
      entries.push(entry);
    }
    this.retired.clear();
    if (entries.length === 0) return 'apply';
    entries.sort((a, b) => compareInstanceIds(a.instance.id, b.instance.id));
    const since = Date.now();
    const timer = setTimeout(() => {
      this.endHold();
      this.logger.warn(
        `${this.label()}: no instance came back within ${this.maxHoldMs} ms; the held set is dropped`,
      );
      this.release();
    }, this.maxHoldMs);
    timer.unref();
    this.held = { set: { count: entries.length, since, until: since + this.maxHoldMs }, timer };
    this.logger.warn(
      `${this.label()}: every instance disappeared at once; calling the last ${entries.length} ` +
        `(empty-set protection) until one registers again or ${this.maxHoldMs} ms pass`,
    );
    return entries;
  }

  /** The endpointer closes: no more holding, and retired entries are closed now. */
  stop(): void {
    this.stopped = true;
    this.endHold();
    for (const { timer, close } of this.retired.values()) {
      clearTimeout(timer);
      close();
    }
    this.retired.clear();
  }

  private endHold(): void {
    if (!this.held) return;
    clearTimeout(this.held.timer);
    this.held = undefined;
  }
}

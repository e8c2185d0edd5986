import { messageOf } from '../../client/error-message.js';
import { Listeners, type Unsubscribe } from '../../client/listeners.js';
import { consoleLogger, type ZkLogger } from '../../client/zk-logger.js';
import { changeBetween } from '../instancer/instances-change.js';
import { EmptySetGuard, type HeldSet } from './empty-set-guard.js';
import type { EndpointFactory } from './endpoint-factory.js';
import {
  type EndpointEntry,
  type EntryLists,
  planEndpoints,
  spliceChange,
} from './endpoint-plan.js';
import { type EndpointerOptions, validateInvalidateMs } from './endpointer.options.js';

export type { EndpointFactory, EndpointHandle } from './endpoint-factory.js';
export type { EndpointerOptions } from './endpointer.options.js';

import type { InstancerSnapshot, InstanceSource, ServiceInstance } from '../service-instance.js';
import type { EndpointSource } from './endpoint-source.js';

type Entry<E> = EndpointEntry<E>;

/** A listener of endpoint-set changes. */
export type EndpointsListener<E> = (
  endpoints: readonly E[],
  instances: readonly ServiceInstance[],
) => void;

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Turns the instances a source publishes into endpoints through a factory, and keeps them in
 * step (go-kit's `sd.Endpointer` and its endpoint cache). An instance that stays (same `id` and
 * same bytes) keeps its endpoint object; a removed or changed one has its `close` called. A
 * factory that throws skips that instance (logged once); the rest stand. `endpoints()` returns a
 * cached frozen array, rebuilt only when the set changes.
 *
 * Through a discovery outage (snapshots with `error` or `stale`) the last endpoints are kept; with
 * `invalidateOnErrorMs` they are dropped once the outage has lasted that long.
 */
export class Endpointer<E> implements EndpointSource<E> {
  /** Names the endpointer in log lines and errors (the source's path when it has one). */
  readonly name: string | undefined;
  private readonly logger: ZkLogger;
  private readonly invalidateOnErrorMs: number | undefined;
  /** Each listener wrapped to read the current set when told of a change. */
  private readonly listeners: Listeners<void>;
  /** The live entries, ordered by instance id: the order of `endpoints()`. */
  private entries: readonly Entry<E>[] = EMPTY;
  private cachedEndpoints: readonly E[] = EMPTY;
  private cachedInstances: readonly ServiceInstance[] = EMPTY;
  /** The source's list last applied, to ask it what changed since (`changeBetween`). */
  private appliedList: readonly ServiceInstance[] | undefined;
  /** Bytes of instances whose factory call failed and was logged, by id: logged once per bytes. */
  private readonly reportedFailures = new Map<string, Buffer>();
  /** Endpoint `close` calls still running; `close()` waits for them. */
  private readonly pendingCloses = new Set<Promise<void>>();
  private current: InstancerSnapshot | undefined;
  /** The endpoints were built from at least one snapshot. */
  private applied = false;
  /** The source has been failing since the last good snapshot. */
  private failing = false;
  private invalidated = false;
  private invalidateTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private readonly emptySetGuard: EmptySetGuard<E> | undefined;
  private readonly unsubscribe: () => void;

  /**
   * Subscribes to `source` at once; the endpoints follow its snapshots until `close()`.
   * @throws RangeError when `invalidateOnErrorMs` is negative, NaN or over 2^31-1 (not Infinity).
   */
  constructor(
    source: InstanceSource,
    private readonly factory: EndpointFactory<E>,
    options: EndpointerOptions = {},
  ) {
    this.name = options.name ?? pathOf(source);
    this.logger = options.logger ?? consoleLogger('Endpointer');
    this.invalidateOnErrorMs = validateInvalidateMs(options.invalidateOnErrorMs);
    this.listeners = new Listeners(this.logger, `the endpoints of ${this.label()}`);
    const protection = options.emptySetProtection;
    if (protection) {
      const guardOptions = protection === true ? {} : protection;
      this.emptySetGuard = new EmptySetGuard(
        guardOptions,
        () => this.label(),
        this.logger,
        () => this.applyCurrentIfGood(),
      );
    }
    this.unsubscribe = source.subscribe((snapshot) => this.onSnapshot(snapshot));
  }

  /** The last instances held by empty-set protection while the path is empty, or undefined. */
  get held(): HeldSet | undefined {
    return this.emptySetGuard?.holding;
  }

  /** The latest snapshot received from the source, or undefined before the first one. */
  get snapshot(): InstancerSnapshot | undefined {
    return this.current;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.closing !== undefined;
  }

  /**
   * The current endpoints, ordered by instance id. The same frozen array object is returned until
   * the set changes: no I/O and no allocation per call. Empty after `close()`.
   */
  endpoints(): readonly E[] {
    return this.cachedEndpoints;
  }

  /** The instances behind `endpoints()`, in the same order (`instances()[i]` made `endpoints()[i]`). */
  instances(): readonly ServiceInstance[] {
    return this.cachedInstances;
  }

  /**
   * Calls `listener` at once with the current endpoints and instances, then each time the set
   * changes. A listener that throws is logged and stays subscribed. Returns the unsubscribe function.
   */
  subscribe(listener: EndpointsListener<E>): Unsubscribe {
    if (this.closed) {
      listener(EMPTY, EMPTY);
      return () => {};
    }
    const tell = () => listener(this.cachedEndpoints, this.cachedInstances);
    const unsubscribe = this.listeners.add(tell);
    this.listeners.call(tell, undefined);
    return unsubscribe;
  }

  /**
   * Stops following the source and closes every endpoint; `endpoints()` is empty from now on.
   * Idempotent. Resolves when every endpoint's `close` (also those of earlier removals) settled.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.unsubscribe();
    clearTimeout(this.invalidateTimer);
    this.emptySetGuard?.stop();
    this.closing = Promise.resolve();
    this.dropAll();
    this.listeners.clear();
    this.closing = Promise.allSettled([...this.pendingCloses]).then(() => undefined);
    return this.closing;
  }

  private onSnapshot(snapshot: InstancerSnapshot): void {
    if (this.closed) return;
    this.current = snapshot;
    if (snapshot.error === undefined && !snapshot.stale) {
      this.failing = false;
      this.invalidated = false;
      clearTimeout(this.invalidateTimer);
      const guarded = this.emptySetGuard?.decide(snapshot.instances.length, this.entries);
      if (guarded === 'keep') return;
      if (guarded === undefined || guarded === 'apply') this.apply(snapshot.instances);
      else this.hold(guarded);
      return;
    }
    // Failing: keep what we have. With nothing built yet, the snapshot's instances (the source's
    // last known set) are better than none, unless they are to be dropped at once anyway.
    if (!this.applied && this.invalidateOnErrorMs !== 0) this.apply(snapshot.instances);
    if (!this.failing) {
      this.failing = true;
      this.armInvalidation();
    }
  }

  /** Empty-set protection: `entries` (the last instances of an emptied path) stay callable. */
  private hold(entries: readonly Entry<E>[]): void {
    this.appliedList = undefined;
    const endpoints = entries.map((entry) => entry.endpoint);
    this.installLists({ entries, endpoints, instances: entries.map((e) => e.instance) }, [], true);
  }

  /** The hold ended with the path still empty: apply what the source says now, if it is good. */
  private applyCurrentIfGood(): void {
    const current = this.current;
    if (this.closed || !current || current.error !== undefined || current.stale) return;
    this.apply(current.instances);
  }

  private armInvalidation(): void {
    const ms = this.invalidateOnErrorMs;
    if (ms === undefined || ms === Number.POSITIVE_INFINITY) return;
    if (ms === 0) {
      this.invalidate();
      return;
    }
    this.invalidateTimer = setTimeout(() => this.invalidate(), ms);
    this.invalidateTimer.unref();
  }

  private invalidate(): void {
    if (this.closed || this.invalidated) return;
    this.invalidated = true;
    this.applied = true;
    const count = this.entries.length;
    const reason = this.current?.error?.message ?? 'the source is stale';
    this.logger.warn(
      `${this.label()}: discovery has been failing for ${this.invalidateOnErrorMs} ms (${reason}); ` +
        `dropping ${count} endpoint(s) until the instance list can be read again`,
    );
    this.dropAll();
  }

  /**
   * Rebuilds the entries from `instances`, reusing the endpoints of unchanged instances. Sources
   * publish their instances sorted by id (an `Instancer` does, and keeps the objects of unchanged
   * instances), so this is one merge of two sorted lists, comparing object identity first: O(n)
   * pointer comparisons and O(changes) factory calls and closes, where a re-sort and a byte
   * comparison of every instance cost 10 ms per change at 10,000 instances (the `growth` benchmark).
   * Unsorted input is sorted first. A list its source recorded as a few changes to the last one
   * applied is spliced instead (`spliceChange`), when every instance of that one has its entry.
   */
  private apply(instances: readonly ServiceInstance[]): void {
    this.applied = true;
    const previous = this.appliedList;
    this.appliedList = instances;
    if (previous && previous.length === this.entries.length && this.reportedFailures.size === 0) {
      const change = changeBetween(previous, instances);
      const lists = {
        entries: this.entries,
        endpoints: this.cachedEndpoints,
        instances: this.cachedInstances,
      };
      const spliced = change && spliceChange(lists, change, (instance) => this.create(instance));
      if (spliced) {
        this.installLists(spliced.lists, spliced.removed, spliced.changed);
        return;
      }
    }
    const plan = planEndpoints(this.entries, instances);
    const next: Entry<E>[] = [];
    let changed = plan.removed.length > 0;
    for (const step of plan.steps) {
      if (step.kept) {
        next.push(step.kept);
        continue;
      }
      const created = this.create(step.instance);
      if (created) {
        next.push(created);
        changed = true;
      }
    }
    if (this.reportedFailures.size > 0) {
      const ids = new Set(instances.map((instance) => instance.id));
      for (const id of this.reportedFailures.keys()) {
        if (!ids.has(id)) this.reportedFailures.delete(id);
      }
    }
    this.install(next, plan.removed, changed);
  }

  private create(instance: ServiceInstance): Entry<E> | undefined {
    try {
      const { endpoint, close } = this.factory(instance);
      this.reportedFailures.delete(instance.id);
      return { instance, endpoint, close };
    } catch (error) {
      if (!this.reportedFailures.get(instance.id)?.equals(instance.raw)) {
        this.reportedFailures.set(instance.id, instance.raw);
        this.logger.warn(
          `${this.label()}: instance ${instance.id} (${instance.path}) skipped, its endpoint ` +
            `factory failed: ${messageOf(error)}`,
        );
      }
      return undefined;
    }
  }

  /** Installs `next` (ordered by id), closes `removed`, and notifies when the set changed. */
  private install(next: readonly Entry<E>[], removed: readonly Entry<E>[], changed: boolean): void {
    const lists = changed
      ? {
          entries: next,
          endpoints: next.map((e) => e.endpoint),
          instances: next.map((e) => e.instance),
        }
      : { entries: next, endpoints: this.cachedEndpoints, instances: this.cachedInstances };
    this.installLists(lists, removed, changed);
  }

  /** Installs `lists` (ordered by id), closes `removed`, and notifies when the set changed. */
  private installLists(lists: EntryLists<E>, removed: readonly Entry<E>[], changed: boolean): void {
    for (const entry of removed) {
      if (this.emptySetGuard) this.emptySetGuard.retire(entry, () => this.closeEntry(entry));
      else this.closeEntry(entry);
    }
    this.entries = lists.entries;
    if (!changed) return;
    const empty = lists.entries.length === 0;
    this.cachedEndpoints = empty ? EMPTY : Object.freeze(lists.endpoints);
    this.cachedInstances = empty ? EMPTY : Object.freeze(lists.instances);
    this.listeners.emit(undefined);
  }

  /** Closes every entry; `endpoints()` is empty from now on (until a good snapshot). */
  private dropAll(): void {
    this.appliedList = undefined;
    this.install(EMPTY, this.entries, this.entries.length > 0);
  }

  private closeEntry(entry: Entry<E>): void {
    if (!entry.close) return;
    const fail = (error: unknown) =>
      this.logger.error(
        `${this.label()}: closing the endpoint of instance ${entry.instance.id} failed: ${messageOf(error)}`,
      );
    try {
      const result = entry.close();
      if (result === undefined) return;
      const pending: Promise<void> = Promise.resolve(result)
        .then(() => undefined, fail)
        .finally(() => this.pendingCloses.delete(pending));
      this.pendingCloses.add(pending);
    } catch (error) {
      fail(error);
    }
  }

  private label(): string {
    return this.name ? `Endpointer ${this.name}` : 'Endpointer';
  }
}

function pathOf(source: InstanceSource): string | undefined {
  const path: unknown = (source as { path?: unknown }).path;
  return typeof path === 'string' ? path : undefined;
}

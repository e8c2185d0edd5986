import type { ZkLogger } from './zk-logger.js';

/** Stops a subscription. Idempotent. */
export type Unsubscribe = () => void;

/**
 * The one observer style of the core (ZkClient, Registrar, Instancer, Endpointer): a
 * `subscribe…(listener)` method that returns its `Unsubscribe`. A state (a client's connection
 * state, a registration's state, a snapshot, an endpoint set) is given to a new listener at once,
 * then each change; an event (a new session) only when it happens.
 *
 * Plain listeners rather than rxjs, for three reasons: the core loads no library a user without
 * Nest would not have; a listener that throws is logged and stays subscribed, where rxjs
 * rethrows it on a timer and takes the process down; and an emit costs a loop, not an operator
 * chain. The Nest layer turns these into the `*$` observables a Nest developer expects.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /**
   * @param logger where a listener's exception is reported
   * @param owner names the owner in that report, e.g. `ZkClient state` or `/services/hello`
   */
  constructor(
    private readonly logger: ZkLogger,
    private readonly owner: string,
  ) {}

  /** Listeners subscribed now (for leak checks). */
  get size(): number {
    return this.listeners.size;
  }

  add(listener: (value: T) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Calls every listener with `value`, in subscription order. A listener added during the loop
   * waits for the next value; one removed during the loop is not called. With `stillCurrent`, the
   * loop stops once it turns false (a listener set a newer value, already given to everyone).
   */
  emit(value: T, stillCurrent?: () => boolean): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) {
      if (stillCurrent && !stillCurrent()) return;
      if (this.listeners.has(listener)) this.call(listener, value);
    }
  }

  /** Calls one listener, reporting what it throws instead of letting it escape. */
  call(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`A listener of ${this.owner} threw: ${message} (it stays subscribed)`);
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/**
 * A value with listeners: `subscribe` calls the listener at once with the current value, then on
 * each change (setting an equal value again notifies no one). A listener that sets a new value
 * while being told of one does not make the others see the two out of order: they get the newer
 * one, and the older one no more.
 */
export class ObservedValue<T> {
  private readonly listeners: Listeners<T>;

  constructor(
    private current: T,
    logger: ZkLogger,
    owner: string,
  ) {
    this.listeners = new Listeners(logger, owner);
  }

  get value(): T {
    return this.current;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: (value: T) => void): Unsubscribe {
    const unsubscribe = this.listeners.add(listener);
    this.listeners.call(listener, this.current);
    return unsubscribe;
  }

  set(value: T): void {
    if (Object.is(value, this.current)) return;
    this.current = value;
    this.listeners.emit(value, () => Object.is(this.current, value));
  }

  /** Drops every listener (the owner closed). */
  clear(): void {
    this.listeners.clear();
  }
}

import { Observable } from 'rxjs';
import type { Unsubscribe } from '../client/listeners.js';

/**
 * The `*$` observable of a core `subscribe…(listener)` method: the core speaks listeners (see
 * `Listeners`), a Nest app speaks rxjs. Each subscription subscribes the listener once and
 * unsubscribes it on teardown.
 */
export function fromListener<T>(
  subscribe: (listener: (value: T) => void) => Unsubscribe,
): Observable<T> {
  return new Observable<T>((subscriber) => subscribe((value) => subscriber.next(value)));
}

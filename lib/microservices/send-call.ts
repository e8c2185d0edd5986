import type { Subscriber, Subscription } from 'rxjs';
import type { RetryContext } from '../sd/index.js';
import type { InstanceClient } from './instance-client.js';

/** How an attempt that reached its instance ended: answered, or the instance sent an error back. */
export type Outcome =
  | { readonly answered: true }
  | { readonly answered: false; readonly error: unknown };

const ANSWERED: Outcome = Object.freeze({ answered: true });

/** What a `SendCall` needs of its proxy's options. */
export interface SendSettings {
  readonly timeoutMs: number;
  readonly isTransportFailure: (error: unknown) => boolean;
}

/**
 * One `send()`: its attempts, each on one instance's client, relay the answers to `subscriber`.
 * It holds no `AbortSignal` listener and no controller of its own (each costs microseconds per
 * call on Node's EventTarget): `cancel()` reaches the attempt in flight directly.
 */
export class SendCall<T> {
  private cancelled: Error | undefined;
  /** Fails the attempt in flight. */
  private failAttempt: ((reason: unknown) => void) | undefined;
  /** An instance answered: the call is no longer the retry's, only its stream of answers is left. */
  private answered = false;
  private stream: Subscription | undefined;

  constructor(
    private readonly pattern: unknown,
    private readonly data: unknown,
    private readonly subscriber: Subscriber<T>,
    private readonly settings: SendSettings,
  ) {}

  /** True once cancelled: what `retry` then rejects with is not the caller's business. */
  get isCancelled(): boolean {
    return this.cancelled !== undefined;
  }

  /**
   * Stops the call: the attempt in flight fails with `reason()` and none follows (an `AbortError`
   * is never retried), or the stream of answers is unsubscribed.
   */
  cancel(reason: () => Error): void {
    if (this.answered) {
      this.stream?.unsubscribe();
      return;
    }
    this.cancelled ??= reason();
    this.failAttempt?.(this.cancelled);
  }

  /**
   * One attempt: resolves at the instance's first answer (relayed with the rest of its answers) or
   * with the error it sent back; rejects on a transport failure before any answer, which `retry`
   * takes to another instance. `context.stopped` once the call's budget is spent.
   */
  attempt(client: InstanceClient, context: RetryContext): Promise<Outcome> {
    if (this.cancelled) return Promise.reject(this.cancelled);
    const { timeoutMs, isTransportFailure } = this.settings;
    return new Promise<Outcome>((resolve, reject) => {
      let settled = false;
      let failed = false;
      let inner: Subscription | undefined;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        this.failAttempt = undefined;
      };
      const fail = (error: unknown) => {
        if (settled) return;
        settle();
        failed = true;
        inner?.unsubscribe();
        reject(error);
      };
      const answer = (outcome: Outcome): boolean => {
        // Too late: the call gave up on this attempt (budget spent) and failed already.
        if (context.stopped) {
          fail(context.signal.reason);
          return false;
        }
        settle();
        this.answered = true;
        this.stream = inner;
        resolve(outcome);
        return true;
      };
      const timer = setTimeout(() => fail(noAnswer(client, timeoutMs)), timeoutMs);
      this.failAttempt = fail;
      try {
        const release = client.acquire();
        inner = client.proxy.send<T>(this.pattern, this.data).subscribe({
          next: (value) => {
            if (!settled && !answer(ANSWERED)) return;
            this.subscriber.next(value);
          },
          error: (error: unknown) => {
            if (settled) return this.subscriber.error(error);
            if (isTransportFailure(error)) return fail(error);
            answer({ answered: false, error });
          },
          complete: () => {
            if (!settled && !answer(ANSWERED)) return;
            this.subscriber.complete();
          },
        });
        inner.add(release);
        if (failed) inner.unsubscribe();
      } catch (error) {
        fail(error);
      }
    });
  }
}

/** The error of an attempt that got no answer in time: a transport failure (`TimeoutError`). */
export function noAnswer(client: InstanceClient, timeoutMs: number): DOMException {
  return new DOMException(
    `No answer from instance ${client.address} (${client.instance.id}) within ${timeoutMs} ms`,
    'TimeoutError',
  );
}

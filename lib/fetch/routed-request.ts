import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { ZkEndpointer } from '../sd/index.js';
import type { InstanceOrigin } from './instance-origin.js';

type DispatchController = Dispatcher.DispatchController;
type DispatchHandler = Dispatcher.DispatchHandler;

/** How long a request made before the first read of its path waits for it. */
const FIRST_READ_WAIT_MS = 5000;

/** Methods whose requests may be sent again (RFC 9110, 9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * Errors after which no other instance is tried: the request is not idempotent or its body cannot
 * be sent twice, or its answer already went to the caller. `retry`'s `shouldRetry` reads it.
 */
export const FINAL = new WeakSet<object>();

/** A route: the endpointer of a host's path, and how long an attempt waits for headers. */
export interface Route {
  readonly host: string;
  readonly endpointer: ZkEndpointer<InstanceOrigin>;
  readonly headersTimeoutMs: number;
  /** Most attempts of a call (the endpointer's retry `attempts`). */
  readonly attempts: number;
}

/** Whether the request may be sent to another instance after a failure. */
export function isReplayable(options: Dispatcher.DispatchOptions): boolean {
  if (options.upgrade) return false;
  const method = (options.method ?? 'GET').toUpperCase();
  if (!(options.idempotent === true || (IDEMPOTENT.has(method) && options.idempotent !== false))) {
    return false;
  }
  const body = options.body;
  return body == null || typeof body === 'string' || body instanceof Uint8Array;
}

/**
 * The controller the caller's handler holds for the whole request: it stays the same while the
 * request moves from instance to instance, forwarding to the attempt whose answer the caller gets.
 */
class CallerController implements DispatchController {
  private attempt: DispatchController | undefined;
  private isPaused = false;
  private isAborted = false;
  private abortReason: Error | null = null;

  constructor(private readonly onAbort: (reason: Error) => void) {}

  /** The attempt whose answer goes to the caller from now on. */
  follow(attempt: DispatchController): void {
    this.attempt = attempt;
    if (this.isAborted) attempt.abort(this.abortReason!);
    else if (this.isPaused) attempt.pause();
  }

  get aborted(): boolean {
    return this.isAborted;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  get reason(): Error | null {
    return this.abortReason;
  }

  get rawHeaders() {
    return this.attempt?.rawHeaders;
  }

  get rawTrailers() {
    return this.attempt?.rawTrailers;
  }

  abort(reason: Error): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.abortReason = reason;
    this.attempt?.abort(reason);
    this.onAbort(reason);
  }

  pause(): void {
    this.isPaused = true;
    this.attempt?.pause();
  }

  resume(): void {
    this.isPaused = false;
    this.attempt?.resume();
  }
}

/**
 * One request to a routed host: each attempt is a dispatch to the origin of a balanced instance,
 * through `retry` (another instance after a failure, for a replayable request; outlier ejection
 * told of every attempt). An attempt ends when the response starts: below 500 it goes to the
 * caller; a 5xx is retried when another attempt may follow, else goes to the caller as it is.
 */
export class RoutedRequest {
  private readonly caller: CallerController;
  private readonly replayable: boolean;
  /**
   * The caller's handler has its outcome: the response (or upgrade) of an attempt, or the error.
   * An attempt that answers after that is aborted.
   */
  private delivering = false;
  /** Why the caller aborted; no attempt starts after it. */
  private cancelled: Error | undefined;
  /** Gives up the attempt in flight. No `AbortSignal` listener: each costs microseconds. */
  private giveUpAttempt: ((reason: Error) => void) | undefined;

  constructor(
    private readonly route: Route,
    private readonly dispatch: Dispatcher.Dispatch,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly handler: DispatchHandler,
  ) {
    this.replayable = isReplayable(options);
    this.caller = new CallerController((reason) => this.cancel(reason));
  }

  start(): void {
    this.handler.onRequestStart?.(this.caller, {});
    if (this.caller.aborted) {
      this.fail(this.caller.reason);
      return;
    }
    const { endpointer } = this.route;
    if (endpointer.snapshot) this.send();
    // The first requests wait for the first read of the path (a routing made just now).
    else void endpointer.ready(FIRST_READ_WAIT_MS).then(() => this.send());
  }

  private send(): void {
    this.route.endpointer
      .call((endpoint, { attempt, signal }) => this.attempt(endpoint, attempt, signal))
      .catch((error: unknown) => {
        if (this.delivering) return;
        this.fail(this.cancelled ?? error);
      });
  }

  /** Fails the request at once, sending it nowhere. */
  refuse(error: Error): void {
    this.handler.onRequestStart?.(this.caller, {});
    this.fail(error);
  }

  /** The caller aborted: the attempt in flight is given up, and none follows. */
  private cancel(reason: Error): void {
    if (this.cancelled) return;
    this.cancelled = reason;
    FINAL.add(reason);
    this.giveUpAttempt?.(reason);
  }

  private fail(error: unknown): void {
    this.delivering = true;
    const reason = error instanceof Error ? error : new Error(String(error));
    this.handler.onResponseError?.(this.caller, reason);
  }

  /**
   * One attempt on `endpoint`. `signal` is aborted when the call's budget is spent: `retry` has
   * then failed the call, and an answer coming after that is dropped.
   */
  private attempt(endpoint: InstanceOrigin, attempt: number, signal: AbortSignal): Promise<void> {
    if (this.cancelled) return Promise.reject(this.cancelled);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let controller: DispatchController | undefined;
      /** Set when the attempt was given up before it ended (time out, budget, caller). */
      let abandoned: Error | undefined;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        this.giveUpAttempt = undefined;
      };
      const giveUp = (reason: Error) => {
        if (settled) return;
        settle();
        abandoned = reason;
        controller?.abort(reason);
        reject(this.marked(reason));
      };
      const timer = setTimeout(
        () => giveUp(noHeaders(endpoint, this.route.headersTimeoutMs)),
        this.route.headersTimeoutMs,
      );
      this.giveUpAttempt = giveUp;
      /** The call is over without this attempt (budget spent, or its error went to the caller). */
      const tooLate = () => {
        if (!signal.aborted && !this.delivering) return false;
        giveUp(asError(signal.aborted ? signal.reason : new Error('request already answered')));
        return true;
      };

      /** This attempt's answer goes to the caller. */
      let delivered = false;
      const deliver = (attemptController: DispatchController) => {
        delivered = true;
        this.delivering = true;
        this.caller.follow(attemptController);
      };
      const handler: DispatchHandler = {
        onRequestStart: (c) => {
          controller = c;
          if (abandoned) c.abort(abandoned);
        },
        onRequestUpgrade: (c, statusCode, headers, socket: Duplex) => {
          if (settled) return c.abort(abandoned ?? new Error('request abandoned'));
          if (tooLate()) return;
          settle();
          deliver(c);
          this.handler.onRequestUpgrade?.(this.caller, statusCode, headers, socket);
          resolve();
        },
        onResponseStart: (c, statusCode, headers: IncomingHttpHeaders, statusMessage) => {
          if (delivered) {
            this.handler.onResponseStart?.(this.caller, statusCode, headers, statusMessage);
            return;
          }
          if (settled) {
            // Given up (its abort may have come too late), or a 5xx dropped for another instance.
            if (abandoned) c.abort(abandoned);
            return;
          }
          if (statusCode < 200) return; // informational: the final answer follows
          if (tooLate()) return;
          const failed = statusCode >= 500;
          settle();
          if (failed && this.replayable && attempt < this.route.attempts) {
            // Its body is read and dropped (the connection stays usable); another instance is tried.
            reject(statusFailure(endpoint, statusCode, statusMessage));
            return;
          }
          deliver(c);
          this.handler.onResponseStart?.(this.caller, statusCode, headers, statusMessage);
          if (!failed) return resolve();
          // The caller gets this answer; outlier ejection counts it as a failure of the instance.
          const error = statusFailure(endpoint, statusCode, statusMessage);
          FINAL.add(error);
          reject(error);
        },
        onResponseData: (_c, chunk) => {
          if (delivered) this.handler.onResponseData?.(this.caller, chunk);
        },
        onResponseEnd: (_c, trailers) => {
          if (delivered) this.handler.onResponseEnd?.(this.caller, trailers);
        },
        onResponseError: (_c, error) => {
          if (delivered) return this.handler.onResponseError?.(this.caller, error);
          if (settled) return;
          settle();
          reject(this.marked(error));
        },
      };
      try {
        this.dispatch({ ...this.options, origin: endpoint.origin }, handler);
      } catch (error) {
        // The options themselves are wrong: no other instance would take them.
        settle();
        const failure = asError(error);
        FINAL.add(failure);
        reject(failure);
      }
    });
  }

  /** `error`, marked final when the request may not be sent again. */
  private marked(error: Error): Error {
    if (!this.replayable) FINAL.add(error);
    return error;
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function noHeaders(endpoint: InstanceOrigin, ms: number): Error {
  return new DOMException(
    `No response from instance ${endpoint.origin} (${endpoint.instance.id}) within ${ms} ms`,
    'TimeoutError',
  );
}

function statusFailure(
  endpoint: InstanceOrigin,
  status: number,
  message: string | undefined,
): Error {
  return Object.assign(
    new Error(`Instance ${endpoint.origin} answered ${status}${message ? ` ${message}` : ''}`),
    { status },
  );
}

import { Logger, type LoggerService } from '@nestjs/common';
import type { ReadPacket, TcpEvents, WritePacket } from '@nestjs/microservices';
import { connectable, lastValueFrom, Observable, Subject, throwError } from 'rxjs';
import { ZkEndpointer } from '../sd/index.js';
import {
  type InstanceClient,
  type InstanceClientContext,
  instanceClientFactory,
} from './instance-client.js';
import { microservices } from './microservices-peer.js';
import { noAnswer, type Outcome, SendCall } from './send-call.js';
import {
  type ResolvedZkClientProxyOptions,
  resolveClientProxyOptions,
  type ZkClientProxyOptions,
} from './zk-client-proxy.options.js';

/**
 * `connected` while the path has an instance to call (after `connect()` or a first call),
 * `disconnected` when it has none and after `close()`: Nest's `TcpStatus` values.
 */
export type ZkClientProxyStatus = 'connected' | 'disconnected';

/** A call in progress, stopped by `close()`. */
type CallStopper = (reason: Error) => void;

/**
 * A Nest `ClientProxy` over the instances registered under a path: each `send()` and `emit()` goes
 * to one balanced instance, through a Nest client of that instance's own (TCP), made at its first
 * call and closed when the instance leaves. A transport failure (refused or reset connection, one
 * closed before the answer, no answer within `timeoutMs`) is retried on another instance within
 * the call's budget and counts towards the instance's ejection; an error the handler sent back
 * (an `RpcException`) comes back as it is and is never retried.
 *
 * In Nest: `ZkClientsModule.register([{ path }])` and `@InjectClientProxy(path)`, or
 * `ClientsModule.registerAsync` with `customClass: ZkClientProxy`.
 */
export class ZkClientProxy extends microservices.ClientProxy<TcpEvents, ZkClientProxyStatus> {
  private readonly settings: ResolvedZkClientProxyOptions;
  private readonly context: InstanceClientContext;
  private readonly logger: LoggerService;
  private endpointer: ZkEndpointer<InstanceClient> | undefined;
  private stopFollowing: (() => void) | undefined;
  private readonly calls = new Set<CallStopper>();

  constructor(options: ZkClientProxyOptions) {
    super();
    this.settings = resolveClientProxyOptions(options);
    this.logger =
      this.settings.logger === false
        ? { log() {}, warn() {}, error() {} }
        : (this.settings.logger ?? new Logger('ZkClientProxy'));
    this.context = {
      options: this.settings,
      logger: this.logger,
      dispatchHook: undefined,
      listeners: [],
      closingNow: false,
    };
  }

  /** The path whose instances are called. */
  get path(): string {
    return this.endpointer?.path ?? this.settings.path;
  }

  /**
   * Starts following the path's instances (no connection to them yet: each opens at its first
   * call); resolves once the first read of the path is done, instances or none. `send()` and
   * `emit()` call it themselves. Rejects when ZooKeeper gives no answer within `connectTimeoutMs`.
   */
  async connect(): Promise<void> {
    const endpointer = this.open();
    if (await endpointer.ready(this.settings.connectTimeoutMs)) return;
    if (this.endpointer !== endpointer) return;
    throw new Error(
      `ZkClientProxy ${endpointer.path}: no answer from ZooKeeper about the instances within ` +
        `${this.settings.connectTimeoutMs} ms; check that the ZkClient reaches its servers, or ` +
        'raise connectTimeoutMs.',
    );
  }

  /**
   * Stops following the path and closes every instance's connection; calls in flight fail at once
   * (as on Nest's clients). A later call or `connect()` starts again.
   */
  async close(): Promise<void> {
    const endpointer = this.endpointer;
    this.endpointer = undefined;
    this.stopFollowing?.();
    this.stopFollowing = undefined;
    const closed = new Error(`ZkClientProxy ${this.path} was closed while this call was in flight`);
    for (const stop of [...this.calls]) stop(closed);
    this.context.listeners.length = 0;
    if (!endpointer) return;
    this._status$.next('disconnected');
    this.context.closingNow = true;
    try {
      await endpointer.close();
    } finally {
      this.context.closingNow = false;
    }
  }

  /** Closes with the application (Nest calls it on providers at shutdown). */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /**
   * The path's `ZkEndpointer` of instance clients (`instances()`, `ejected()`, `snapshot`...).
   * @throws Error before `connect()` or a first call.
   */
  unwrap<T>(): T {
    if (!this.endpointer) {
      throw new Error('Not initialized. Please call the "connect" method first.');
    }
    return this.endpointer as T;
  }

  /** Listens to `event` on every instance's client, those made later included, until `close()`. */
  override on<K extends keyof TcpEvents>(event: K, callback: TcpEvents[K]): void {
    this.context.listeners.push({ event, callback });
    for (const client of this.endpointer?.endpoints() ?? []) client.made?.on(event, callback);
  }

  /** Sets the hook of every instance's client: it sees each attempt's packet. */
  override setOnDispatchHook(hook: (packet: ReadPacket) => void): void {
    this.context.dispatchHook = hook;
    for (const client of this.endpointer?.endpoints() ?? []) client.made?.setOnDispatchHook(hook);
  }

  /**
   * Sends a message to one balanced instance and relays its answers; a transport failure before
   * the first answer is retried on another instance. Errors with the handler's error as it is, or
   * with a `RetryError` when every attempt failed.
   */
  override send<TResult = unknown, TInput = unknown>(
    pattern: unknown,
    data: TInput,
  ): Observable<TResult> {
    if (pattern == null || data == null) return throwError(() => invalidMessage('send'));
    return new Observable<TResult>((subscriber) => {
      const call = new SendCall<TResult>(pattern, data, subscriber, this.settings);
      const stop: CallStopper = (reason) => {
        call.cancel(() => reason);
        subscriber.error(reason);
      };
      this.calls.add(stop);
      this.whenRead((endpointer) =>
        endpointer
          .call((client, context) => call.attempt(client, context))
          .then(
            (outcome) => {
              if (!outcome.answered) subscriber.error(outcome.error);
            },
            (error: unknown) => {
              if (!call.isCancelled) subscriber.error(error);
            },
          ),
      );
      return () => {
        this.calls.delete(stop);
        // Completion unsubscribes too: a call that has its answer is not cancelled.
        call.cancel(() => new DOMException('The caller unsubscribed', 'AbortError'));
      };
    });
  }

  /**
   * Emits an event to exactly one balanced instance. An instance that cannot be connected to is
   * skipped for another (the event was not sent); once written, the event is not sent again.
   * Hot, as on Nest's clients: it is sent whether or not the result is subscribed to.
   */
  override emit<TResult = unknown, TInput = unknown>(
    pattern: unknown,
    data: TInput,
  ): Observable<TResult> {
    if (pattern == null || data == null) return throwError(() => invalidMessage('emit'));
    const source = new Observable<TResult>((subscriber) => {
      const call = new AbortController();
      const stop: CallStopper = (reason) => {
        call.abort(reason);
        subscriber.error(reason);
      };
      this.calls.add(stop);
      this.whenRead((endpointer) =>
        endpointer
          .call(
            (client, { signal }) => this.attemptEmit(client, pattern, data, signal),
            call.signal,
          )
          .then(
            (outcome) => {
              if (!outcome.answered) return subscriber.error(outcome.error);
              subscriber.next(outcome.value as TResult);
              subscriber.complete();
            },
            (error: unknown) => {
              if (!call.signal.aborted) subscriber.error(error);
            },
          )
          .finally(() => this.calls.delete(stop)),
      );
    });
    const hot = connectable(source, { connector: () => new Subject(), resetOnDisconnect: false });
    hot.connect();
    return hot;
  }

  /** `send()` through Nest's callback interface (the base class's `send` is replaced). */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const subscription = this.send(packet.pattern, packet.data).subscribe({
      next: (response) => callback({ response }),
      error: (err: unknown) => callback({ err }),
      complete: () => callback({ isDisposed: true }),
    });
    return () => subscription.unsubscribe();
  }

  /** `emit()` as a promise (the base class's `emit` is replaced). */
  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return lastValueFrom(this.emit<T>(packet.pattern, packet.data), {
      defaultValue: undefined as T,
    });
  }

  /**
   * Runs `call` on the endpointer once the path has been read (at once, but for the first calls:
   * those wait for the first read, up to `connectTimeoutMs`, as Nest's clients connect first).
   */
  private whenRead(call: (endpointer: ZkEndpointer<InstanceClient>) => unknown): void {
    const endpointer = this.open();
    if (endpointer.snapshot) {
      call(endpointer);
      return;
    }
    void endpointer.ready(this.settings.connectTimeoutMs).then(() => call(endpointer));
  }

  /** The endpointer, made at the first call or `connect()` after construction or `close()`. */
  private open(): ZkEndpointer<InstanceClient> {
    if (this.endpointer) return this.endpointer;
    const { settings } = this;
    const endpointer = new ZkEndpointer<InstanceClient>(settings.client, settings.path, {
      factory: instanceClientFactory(this.context),
      balancer: settings.balancer,
      retry: settings.retry,
      outlierDetection: settings.outlierDetection,
      emptySetProtection: settings.emptySetProtection,
      zone: settings.zone,
      port: settings.port,
      invalidateOnErrorMs: settings.invalidateOnErrorMs,
      logger: this.logger,
    });
    this.endpointer = endpointer;
    this.stopFollowing = endpointer.subscribe(() => {
      this._status$.next(endpointer.endpoints().length > 0 ? 'connected' : 'disconnected');
    });
    return endpointer;
  }

  /**
   * One attempt of `emit()`: connect to the instance (a failure, or no connection within
   * `timeoutMs`, rejects: the event was not sent, another instance may take it), then send the
   * event once; what the sending says, error or value, is the outcome.
   */
  private async attemptEmit(
    client: InstanceClient,
    pattern: unknown,
    data: unknown,
    signal: AbortSignal,
  ): Promise<Outcome & { value?: unknown }> {
    const release = client.acquire();
    try {
      const proxy = client.proxy;
      await withinTime(proxy.connect(), this.settings.timeoutMs, () =>
        noAnswer(client, this.settings.timeoutMs),
      );
      // The call gave up while this connection was being made: the event must not go out now.
      if (signal.aborted) throw signal.reason;
      try {
        const value = await lastValueFrom(proxy.emit(pattern, data), { defaultValue: undefined });
        return { answered: true, value };
      } catch (error) {
        return { answered: false, error };
      }
    } finally {
      release();
    }
  }
}

function invalidMessage(method: 'send' | 'emit'): TypeError {
  return new TypeError(
    `ZkClientProxy.${method}(pattern, data): neither may be null or undefined (Nest's clients ` +
      'refuse them too, with InvalidMessageException); send {} when there is no data.',
  );
}

/** `work`, or a rejection with `timedOut()` when `ms` pass first. */
function withinTime<T>(work: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

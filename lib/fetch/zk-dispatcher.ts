import { Agent, Dispatcher } from 'undici';
import { ZkRouting } from './zk-routing.js';
import type { ZkRoutingOptions } from './zk-routing.options.js';

/** Options of `ZkDispatcher`: the routing's, and the `Agent`'s. */
export interface ZkDispatcherOptions extends ZkRoutingOptions {
  /**
   * Options of the undici `Agent` the routing is composed on: `keepAliveTimeout`, `connections`
   * (per instance), `connect` (TLS, timeouts)... @default undici's defaults
   */
  agent?: Agent.Options;
}

/**
 * An undici `Dispatcher`: an `Agent` with a `ZkRouting` composed on it, closed together. Give it
 * to undici's `fetch` (`fetch('http://hello.abc/hello', { dispatcher })`) or `request`, or make it
 * the global dispatcher with undici's `setGlobalDispatcher`. Requests for host names not routed
 * go through the `Agent` untouched.
 */
export class ZkDispatcher extends Dispatcher {
  /** The routing: its `endpointer(host)`, `hosts` and `ready()`. */
  readonly routing: ZkRouting;
  private readonly agent: Agent;
  private readonly composed: Dispatcher;

  /** @throws TypeError or RangeError on bad options, naming the option and the fix. */
  constructor(options: ZkDispatcherOptions) {
    super();
    const { agent, ...routing } = options ?? ({} as ZkDispatcherOptions);
    this.routing = new ZkRouting(routing);
    this.agent = new Agent(agent);
    this.composed = this.agent.compose(this.routing.interceptor);
  }

  /** Routes the request (a routed host name), or hands it to the `Agent` as it is. */
  override dispatch(
    options: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
  ): boolean {
    return this.composed.dispatch(options, handler);
  }

  /** Closes the connections once the requests in flight are answered, and stops watching. */
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | undefined {
    const closing = Promise.all([this.agent.close(), this.routing.close()]).then(() => undefined);
    if (!callback) return closing;
    closing.then(callback, callback);
    return undefined;
  }

  /** Aborts the requests in flight, closes the connections and stops watching. */
  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(
    errorOrCallback?: Error | null | (() => void),
    callback?: () => void,
  ): Promise<void> | undefined {
    const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null);
    const done = typeof errorOrCallback === 'function' ? errorOrCallback : callback;
    const destroying = Promise.all([this.agent.destroy(error), this.routing.close()]).then(
      () => undefined,
    );
    if (!done) return destroying;
    destroying.then(done, done);
    return undefined;
  }
}

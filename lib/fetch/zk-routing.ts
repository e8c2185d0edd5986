import type { Dispatcher } from 'undici';
import {
  defaultShouldRetry,
  type InstancerSnapshot,
  RETRY_DEFAULTS,
  ZkEndpointer,
} from '../sd/index.js';
import { type InstanceOrigin, instanceOriginFactory } from './instance-origin.js';
import { FINAL, type Route, RoutedRequest } from './routed-request.js';
import {
  type ResolvedZkHostOptions,
  resolveZkRoutingOptions,
  type ZkRoutingOptions,
} from './zk-routing.options.js';

/** Origins already looked up (most apps call a handful); beyond this many it starts over. */
const KNOWN_ORIGINS = 256;

/**
 * Routes HTTP requests for configured host names to the instances registered under their service
 * paths, as an undici interceptor: `new Agent().compose(routing.interceptor)`. Each request goes
 * to a balanced instance's origin (the Agent keeps a keep-alive pool per origin); a failed
 * idempotent request is sent again to another instance, within the retry budget; every attempt
 * feeds outlier ejection. Requests for other host names pass through untouched.
 */
export class ZkRouting {
  private readonly routes = new Map<string, Route>();
  private readonly byOrigin = new Map<string, Route | null>();
  private closed = false;

  /** The interceptor to compose on an undici dispatcher (an `Agent`). */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor =
    (dispatch) => (options, handler) => {
      const route = this.routeOf(options.origin);
      if (!route) return dispatch(options, handler);
      const request = new RoutedRequest(route, dispatch, options, handler);
      if (this.closed) {
        request.refuse(
          new Error(
            `ZkRouting is closed: ${route.host} is no longer routed to the instances of ` +
              `${route.endpointer.path}. Close the routing after the dispatcher it is composed on.`,
          ),
        );
      } else {
        request.start();
      }
      return true;
    };

  /**
   * Starts watching the path of every host at once.
   * @throws TypeError or RangeError on bad options, naming the option and the fix.
   */
  constructor(options: ZkRoutingOptions) {
    const { client, hosts, logger } = resolveZkRoutingOptions(options);
    try {
      for (const host of hosts) this.routes.set(host.host, routeFor(client, host, logger));
    } catch (error) {
      void this.close();
      throw error;
    }
  }

  /** The host names routed, lower-case. */
  get hosts(): string[] {
    return [...this.routes.keys()];
  }

  /**
   * The endpointer behind `host` (its `instances()`, `ejected()`, `snapshot`), or undefined when
   * the host is not routed.
   */
  endpointer(host: string): ZkEndpointer<InstanceOrigin> | undefined {
    return this.routes.get(host.toLowerCase())?.endpointer;
  }

  /**
   * Resolves once the first read of every host's path is done, or after `timeoutMs`; with the
   * snapshot of each (undefined where no read came in time).
   */
  async ready(timeoutMs = 5000): Promise<Record<string, InstancerSnapshot | undefined>> {
    const entries = await Promise.all(
      [...this.routes].map(async ([host, route]) => [
        host,
        await route.endpointer.ready(timeoutMs),
      ]),
    );
    return Object.fromEntries(entries);
  }

  /**
   * Stops watching; requests for the routed hosts fail at once from now on. Close the dispatcher
   * it is composed on first. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.byOrigin.clear();
    await Promise.all([...this.routes.values()].map((route) => route.endpointer.close()));
  }

  private routeOf(origin: Dispatcher.DispatchOptions['origin']): Route | undefined {
    if (origin === undefined) return undefined;
    const key = typeof origin === 'string' ? origin : origin.origin;
    const known = this.byOrigin.get(key);
    if (known !== undefined) return known ?? undefined;
    let route: Route | undefined;
    try {
      route = this.routes.get(new URL(key).hostname.toLowerCase());
    } catch {
      route = undefined; // not a URL: undici says what is wrong with it
    }
    if (this.byOrigin.size >= KNOWN_ORIGINS) this.byOrigin.clear();
    this.byOrigin.set(key, route ?? null);
    return route;
  }
}

function routeFor(
  client: ZkRoutingOptions['client'],
  host: ResolvedZkHostOptions,
  logger: NonNullable<ZkRoutingOptions['logger']>,
): Route {
  const shouldRetry = host.retry?.shouldRetry ?? defaultShouldRetry;
  const endpointer = new ZkEndpointer<InstanceOrigin>(client, host.path, {
    factory: instanceOriginFactory,
    balancer: host.balancer,
    retry: {
      ...host.retry,
      // Not after an error of a request that may not be sent twice, nor after an answer.
      shouldRetry: (error, attempt) =>
        !(typeof error === 'object' && error !== null && FINAL.has(error)) &&
        shouldRetry(error, attempt),
    },
    outlierDetection: host.outlierDetection,
    emptySetProtection: host.emptySetProtection,
    zone: host.zone,
    port: host.port,
    invalidateOnErrorMs: host.invalidateOnErrorMs,
    logger,
  });
  return {
    host: host.host,
    endpointer,
    headersTimeoutMs: host.headersTimeoutMs,
    attempts: host.retry?.attempts ?? RETRY_DEFAULTS.attempts,
  };
}

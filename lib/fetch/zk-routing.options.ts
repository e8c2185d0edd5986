import { checkTimerMs, consoleLogger, type ZkClient, type ZkLogger } from '../client/index.js';
import { validateZnodePath, type ZkEndpointerConfig } from '../sd/index.js';

/**
 * How the requests to one host name are sent: its service path, and its endpointer's options
 * (`ZkEndpointerConfig`'s, with their defaults there); a host's own option overrides the
 * routing's, which overrides the endpointer's default. `retry` applies to idempotent requests
 * only, its `timeoutMs` being the budget until the response starts.
 */
export interface ZkHostOptions
  extends Pick<
    Partial<ZkEndpointerConfig<unknown>>,
    | 'balancer'
    | 'retry'
    | 'outlierDetection'
    | 'emptySetProtection'
    | 'zone'
    | 'port'
    | 'invalidateOnErrorMs'
  > {
  /** The service path whose instances serve this host name, e.g. `/services/hello/abc`. Required. */
  path: string;
  /**
   * How long an attempt waits for the response to start (status and headers); past it the
   * attempt fails, and an idempotent request is sent to another instance. @default the routing's,
   * else 5000
   */
  headersTimeoutMs?: number;
}

/** Options of `ZkRouting` (and `ZkDispatcher`). */
export interface ZkRoutingOptions extends Omit<ZkHostOptions, 'path' | 'port'> {
  /** The ZooKeeper client whose discovery the requests follow. Required. */
  client: ZkClient;
  /**
   * The host names to route, each to the service path whose instances serve it (or its options):
   * `{ 'hello.abc': '/services/hello/abc' }` sends `http://hello.abc/...` to an instance of
   * `/services/hello/abc`. Matched on the host name alone, case-insensitively (not the scheme nor
   * the port: those are the instance's). Required, at least one.
   */
  hosts: Readonly<Record<string, string | ZkHostOptions>>;
  /** Where ejections and skipped instances are logged. @default warnings and errors to the console */
  logger?: ZkLogger;
}

/** The defaults of `ZkRoutingOptions`. */
export const ZK_ROUTING_DEFAULTS = Object.freeze({ headersTimeoutMs: 5000 });

/** One host's options, resolved. */
export interface ResolvedZkHostOptions extends ZkHostOptions {
  readonly host: string;
  readonly path: string;
  readonly headersTimeoutMs: number;
}

export interface ResolvedZkRoutingOptions {
  readonly client: ZkClient;
  readonly hosts: readonly ResolvedZkHostOptions[];
  readonly logger: ZkLogger;
}

/** A host name as a URL carries it: letters, digits, hyphens and dots, or an IPv6 literal. */
const HOST_NAME =
  /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * The options with their defaults, checked.
 * @throws TypeError or RangeError naming the option, what was given and how to fix it.
 */
export function resolveZkRoutingOptions(options: ZkRoutingOptions): ResolvedZkRoutingOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `ZkRouting needs options { client, hosts }; got ${options === null ? 'null' : typeof options}.`,
    );
  }
  const { client, hosts, logger, ...defaults } = options;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.subscribeState !== 'function'
  ) {
    throw new TypeError(
      'ZkRouting: option client must be a ZkClient (`await ZkClient.connect({ servers })`, or in ' +
        `Nest the one injected by @InjectZkClient()); got ${client === null ? 'null' : typeof client}.`,
    );
  }
  const example = "e.g. { 'hello.abc': '/services/hello/abc' }";
  if (typeof hosts !== 'object' || hosts === null || Object.keys(hosts).length === 0) {
    throw new TypeError(
      `ZkRouting: option hosts must map at least one host name to a service path, ${example}; ` +
        `got ${hosts === null ? 'null' : typeof hosts === 'object' ? '{}' : typeof hosts}.`,
    );
  }
  const seen = new Set<string>();
  const resolved = Object.entries(hosts).map(([name, value]) => {
    const host = name.toLowerCase();
    if (!HOST_NAME.test(host)) {
      throw new TypeError(
        `ZkRouting: ${JSON.stringify(name)} is not a host name. Give the name the URLs use, ` +
          `without scheme, port or path, ${example}.`,
      );
    }
    if (seen.has(host)) {
      throw new TypeError(
        `ZkRouting: host ${host} is given twice (host names are case-insensitive).`,
      );
    }
    seen.add(host);
    const own = typeof value === 'string' ? { path: value } : value;
    if (typeof own !== 'object' || own === null) {
      throw new TypeError(
        `ZkRouting: host ${host} must map to a service path or { path, ... }; got ` +
          `${own === null ? 'null' : typeof own}.`,
      );
    }
    const path = own.path;
    const absolute =
      typeof path === 'string' && path !== '' && !path.startsWith('/') ? `/${path}` : path;
    const merged: ZkHostOptions = { ...defaults, ...own };
    const headersTimeoutMs = checkTimerMs(
      `hosts['${host}'].headersTimeoutMs`,
      merged.headersTimeoutMs ?? ZK_ROUTING_DEFAULTS.headersTimeoutMs,
      { defaultValue: ZK_ROUTING_DEFAULTS.headersTimeoutMs },
    );
    return {
      ...merged,
      host,
      path: validateZnodePath(absolute, `service path of host ${host}`),
      headersTimeoutMs,
    };
  });
  return {
    client,
    hosts: resolved,
    logger: logger ?? consoleLogger('ZkRouting'),
  };
}

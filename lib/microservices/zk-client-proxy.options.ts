import type { LoggerService } from '@nestjs/common';
import type { TcpClientOptions, Transport } from '@nestjs/microservices';
import { checkTimerMs, type ZkClient } from '../client/index.js';
import type { ZkEndpointerConfig } from '../sd/index.js';
import { isTransportFailure } from './transport-failure.js';

/**
 * What a `ZkClientProxy` is made with (`new ZkClientProxy(options)`, or `customClass` options):
 * its own options below, and its endpointer's (`ZkEndpointerConfig`'s, with their defaults there;
 * `retry.timeoutMs` is the whole call's budget, `port` may name e.g. `'tcp'` for an HTTP app that
 * also serves a microservice).
 */
export interface ZkClientProxyOptions
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
  /**
   * The ZooKeeper client: in Nest, the module's (`@InjectZkClient()`, or `getZkClientToken()` in
   * `inject`). Required.
   */
  client: ZkClient;
  /** The service path whose instances are called, e.g. `/services/math/tcp`. Required. */
  path: string;
  /**
   * The transport of the instances: `Transport.TCP`, the one whose client options take a host and
   * a port (each instance's). @default Transport.TCP
   */
  transport?: Transport;
  /**
   * Options of each instance's Nest client (`ClientTCP`): `serializer`, `deserializer`,
   * `tlsOptions`, `socketClass`, `maxBufferSize`... The host and port are the instance's.
   * @default {}
   */
  clientOptions?: Omit<NonNullable<TcpClientOptions['options']>, 'host' | 'port'>;
  /**
   * How long an attempt waits for the first answer of the instance (for `emit`, for the
   * connection); past it the attempt fails as a transport failure and another instance is tried.
   * Also the longest an instance that leaves keeps its connection for the calls still on it.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * How long `connect()` waits for the first read of the path before it rejects. @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Which errors of an attempt are the transport's (retried on another instance, counted by
   * outlier ejection) rather than the handler's (given back as they are, never retried).
   * @default `isTransportFailure`: a refused, reset or broken connection, one closed before the
   *   answer (`Connection closed`), no answer within `timeoutMs`
   */
  isTransportFailure?: (error: unknown) => boolean;
  /**
   * Where ejections and skipped instances are logged. @default Nest's `Logger` with context
   * `ZkClientProxy`; `false` for none
   */
  logger?: LoggerService | false;
}

/** The defaults of `ZkClientProxyOptions`. */
export const ZK_CLIENT_PROXY_DEFAULTS = Object.freeze({
  timeoutMs: 5000,
  connectTimeoutMs: 5000,
});

/** Nest's `Transport.TCP`, without loading `@nestjs/microservices` here. */
const TCP = 0 as Transport.TCP;

export interface ResolvedZkClientProxyOptions extends ZkClientProxyOptions {
  readonly timeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly isTransportFailure: (error: unknown) => boolean;
  readonly clientOptions: NonNullable<ZkClientProxyOptions['clientOptions']>;
}

/**
 * The options with their defaults, checked.
 * @throws TypeError or RangeError naming the option, what was given and how to fix it.
 */
export function resolveClientProxyOptions(
  options: ZkClientProxyOptions,
): ResolvedZkClientProxyOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `ZkClientProxy needs options { client, path }; got ${String(options)}. With ` +
        'ClientsModule.registerAsync, return { customClass: ZkClientProxy, options: { client, path } } ' +
        'from useFactory, with inject: [getZkClientToken()].',
    );
  }
  const { client, path } = options;
  if (
    typeof client !== 'object' ||
    client === null ||
    typeof client.subscribeState !== 'function'
  ) {
    throw new TypeError(
      `ZkClientProxy for ${JSON.stringify(path)}: option client must be the ZkClient (in Nest, ` +
        'inject it with getZkClientToken() or @InjectZkClient()); got ' +
        `${client === null ? 'null' : typeof client}.`,
    );
  }
  if (typeof path !== 'string' || path.trim() === '') {
    throw new TypeError(
      `ZkClientProxy: option path must name the service's ZooKeeper path, e.g. ` +
        `"/services/math/tcp"; got ${JSON.stringify(path)}.`,
    );
  }
  const transport = options.transport ?? TCP;
  if (transport !== TCP) {
    throw new TypeError(
      `ZkClientProxy for ${path}: transport ${String(transport)} is not supported; only ` +
        "Transport.TCP, whose client is given each instance's host and port. For gRPC use a zk: " +
        'target; brokers (Redis, NATS, MQTT, RabbitMQ, Kafka) need no discovery of instances.',
    );
  }
  const defaults = ZK_CLIENT_PROXY_DEFAULTS;
  const timeoutMs = checkTimerMs('timeoutMs', options.timeoutMs ?? defaults.timeoutMs, {
    defaultValue: defaults.timeoutMs,
  });
  const connectTimeoutMs = checkTimerMs(
    'connectTimeoutMs',
    options.connectTimeoutMs ?? defaults.connectTimeoutMs,
    { defaultValue: defaults.connectTimeoutMs },
  );
  if (
    options.isTransportFailure !== undefined &&
    typeof options.isTransportFailure !== 'function'
  ) {
    throw new TypeError(
      `ZkClientProxy for ${path}: option isTransportFailure must be a function (error) => boolean.`,
    );
  }
  return {
    ...options,
    transport,
    timeoutMs,
    connectTimeoutMs,
    isTransportFailure: options.isTransportFailure ?? isTransportFailure,
    clientOptions: { ...options.clientOptions },
  };
}

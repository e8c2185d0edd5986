import type { LoggerService } from '@nestjs/common';
import type { ClientTCP, ReadPacket, TcpEvents } from '@nestjs/microservices';
import { type EndpointFactory, InvalidInstanceError, type ServiceInstance } from '../sd/index.js';
import { microservices } from './microservices-peer.js';
import type { ResolvedZkClientProxyOptions } from './zk-client-proxy.options.js';

/** What every instance's client shares with the `ZkClientProxy` that made it. */
export interface InstanceClientContext {
  readonly options: ResolvedZkClientProxyOptions;
  readonly logger: LoggerService;
  /** The proxy's dispatch hook (`setOnDispatchHook`), given to each instance's client. */
  dispatchHook: ((packet: ReadPacket) => void) | undefined;
  /** Listeners given to the proxy's `on()`, given to each instance's client. */
  readonly listeners: { event: keyof TcpEvents; callback: TcpEvents[keyof TcpEvents] }[];
  /** The proxy is closing: close the instances' connections at once, without a drain. */
  closingNow: boolean;
}

/**
 * One instance's Nest client, made at its first call (a discovery change makes endpoints for
 * every instance that joins; most are called later, or never). Counts the calls on it so that an
 * instance that leaves keeps its connection for them, up to the attempt timeout.
 */
export class InstanceClient {
  private client: ClientTCP | undefined;
  private inFlight = 0;
  private closed = false;
  private drained: (() => void) | undefined;

  constructor(
    readonly instance: ServiceInstance,
    private readonly context: InstanceClientContext,
  ) {}

  /** `host:port` of the instance, for messages. */
  get address(): string {
    const { address, port } = this.instance;
    return `${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /**
   * The instance's Nest client (made now if this is the first call).
   * @throws Error when the instance has left (its client is closed).
   */
  get proxy(): ClientTCP {
    if (this.client) return this.client;
    if (this.closed) {
      throw new Error(`Instance ${this.address} left: its client is closed`);
    }
    const { options, dispatchHook, listeners, logger } = this.context;
    const client = new InstanceTcpClient(
      { ...options.clientOptions, host: this.instance.address, port: this.instance.port! },
      (error) =>
        logger.debug?.(
          `Instance ${this.address} (${this.instance.id}): connection error (${messageOf(error)}); ` +
            'its calls fail over to other instances',
        ),
    );
    if (dispatchHook) client.setOnDispatchHook(dispatchHook);
    for (const { event, callback } of listeners) client.on(event, callback);
    this.client = client;
    return client;
  }

  /** The instance's client when it has one: for hooks and listeners added later. */
  get made(): ClientTCP | undefined {
    return this.client;
  }

  /** Counts one call on this instance until the returned function is called (once). */
  acquire(): () => void {
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    };
  }

  /**
   * The instance left (or the proxy closes): its connection closes once the calls on it are done,
   * at most the attempt timeout later; at once when the proxy closes.
   */
  close(): Promise<void> | undefined {
    this.closed = true;
    const client = this.client;
    if (!client) return undefined;
    this.client = undefined;
    if (this.inFlight === 0 || this.context.closingNow) return closeClient(client);
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.drained = undefined;
        closeClient(client).then(resolve, resolve);
      };
      const timer = setTimeout(finish, this.context.options.timeoutMs);
      timer.unref();
      this.drained = finish;
    });
  }
}

/**
 * Nest's TCP client, whose socket errors (a reset when an instance dies) are reported at debug
 * level: each call they break fails over to another instance, and an instance that keeps failing
 * is ejected and logged, so Nest's error line per reset would only be noise.
 */
class InstanceTcpClient extends microservices.ClientTCP {
  constructor(
    options: ConstructorParameters<typeof microservices.ClientTCP>[0],
    private readonly report: (error: unknown) => void,
  ) {
    super(options);
  }

  override handleError(error: unknown): void {
    this.report(error);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Nest's clients close synchronously or with a promise. */
async function closeClient(client: ClientTCP): Promise<void> {
  await client.close();
}

/**
 * The endpoint factory of a `ZkClientProxy`: an instance registered with a host and a port (go-kit
 * data such as `tcp://10.0.0.7:4000`, Curator's or Spring's address and port) becomes an
 * `InstanceClient`; one without is skipped, and logged once by the endpointer.
 */
export function instanceClientFactory(
  context: InstanceClientContext,
): EndpointFactory<InstanceClient> {
  return (instance) => {
    if (!instance.address || instance.port === undefined) {
      throw new InvalidInstanceError(
        instance.id,
        `Instance ${instance.id} (${instance.path}) cannot be called by a microservice client: ` +
          `its data names no host and port (${JSON.stringify(
            instance.raw.toString('utf8').slice(0, 200),
          )}). Register it with one, e.g. go-kit data "tcp://10.0.0.7:4000" (registration ` +
          "{ mode: 'bootstrap', scheme: 'tcp', host, port }), or a Curator or Spring address and port.",
      );
    }
    const client = new InstanceClient(instance, context);
    return { endpoint: client, close: () => client.close() };
  };
}

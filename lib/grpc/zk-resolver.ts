import type { ChannelOptions, experimental, ServiceConfig } from '@grpc/grpc-js';
import type { ZkLogger } from '../client/index.js';
import { type InstancerLease, type InstancerSnapshot, leaseInstancer } from '../sd/index.js';
import { InvalidZkTargetError } from './errors/invalid-zk-target.error.js';
import { GrpcAddresses, RESOLUTION_ATTRIBUTE } from './grpc-addresses.js';
import { grpc } from './grpc-peer.js';
import {
  defaultClient,
  holdOwnedClient,
  type OwnedClient,
  resolverLogger,
  waitForDefaultClient,
} from './resolver-clients.js';
import {
  type AnyResolverListener,
  type ResolutionReporter,
  resolutionReporter,
} from './resolver-listener.js';
import { zkServiceConfig } from './zk-grpc.options.js';
import { parseZkTarget, type ZkTarget } from './zk-target.js';

/** What the resolver last worked out: reported once, and again only when it changes. */
interface Outcome {
  /** Addresses and their instances' ids and bytes, or the failure: equal keys, same outcome. */
  readonly key: readonly (string | Buffer)[];
  report(reporter: ResolutionReporter): void;
}

/**
 * The grpc-js name resolver of `zk:` targets: the instances registered under the target's path,
 * live from the shared instancer of (client, path), as the channel's addresses (each instance's
 * named port `grpc` when it has one). `zk:///path` uses the registered default client;
 * `zk://<servers>/path` a client of its own, shared with other channels naming the same servers
 * and closed when the last of them closes. Unless the channel has a service config of its own,
 * it hands the channel our `zk_discovery` policy, with retry of calls that end UNAVAILABLE.
 */
export class ZkResolver implements experimental.Resolver {
  private readonly target: ZkTarget;
  private readonly reporter: ResolutionReporter;
  private readonly serviceConfig: ServiceConfig | null;
  private readonly logger: ZkLogger;
  private readonly addresses: GrpcAddresses;
  private owned: OwnedClient | undefined;
  private lease: InstancerLease | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopWaiting: (() => void) | undefined;
  private outcome: Outcome | undefined;
  private reported: Outcome | undefined;
  private flushScheduled = false;
  /** Bumped by `destroy()`: a flush scheduled before it reports nothing. */
  private generation = 0;

  constructor(
    uri: experimental.GrpcUri,
    listener: AnyResolverListener,
    channelOptions: ChannelOptions = {},
  ) {
    this.target = parseZkTarget(uri);
    this.reporter = resolutionReporter(listener);
    this.serviceConfig = serviceConfigFor(channelOptions);
    this.logger = resolverLogger();
    this.addresses = new GrpcAddresses(this.target.path, this.logger);
    // A target naming bad servers fails the channel's constructor, not its first call.
    this.holdClient();
  }

  /** The default `:authority` of calls: the path's last segment (`grpc` for /services/hello/grpc). */
  static getDefaultAuthority(uri: experimental.GrpcUri): string {
    const path = parseZkTarget(uri).path;
    return path.slice(path.lastIndexOf('/') + 1);
  }

  updateResolution(): void {
    // Once watching, every change is pushed as it comes: asked again (a policy whose connection
    // dropped), there is nothing newer to say. Saying the same again at once would only loop with
    // a policy that refuses it (grpc-js asks again straight away).
    if (this.lease || this.stopWaiting) return;
    this.start();
  }

  destroy(): void {
    this.generation++;
    this.flushScheduled = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.stopWaiting?.();
    this.stopWaiting = undefined;
    this.lease?.close();
    this.lease = undefined;
    this.owned?.release();
    this.owned = undefined;
    this.outcome = undefined;
    this.reported = undefined;
  }

  private start(): void {
    const client = this.holdClient() ?? defaultClient();
    if (!client) {
      this.fail(
        `no ZooKeeper client for ${this.target.text}: call registerZkResolver({ client }) (in a ` +
          'Nest app, import ZkGrpcModule) before its first call, or name the servers in the ' +
          `target: zk://10.0.0.1:2181,10.0.0.2:2181${this.target.path}`,
      );
      this.stopWaiting ??= waitForDefaultClient(() => {
        this.stopWaiting?.();
        this.stopWaiting = undefined;
        this.start();
      });
      return;
    }
    if (this.owned) client.start();
    this.lease = leaseInstancer(client, this.target.path, { logger: this.logger });
    this.unsubscribe = this.lease.subscribe((snapshot) => this.onSnapshot(snapshot));
  }

  /** The client of the target's servers (held from now until `destroy()`), if it names them. */
  private holdClient() {
    const servers = this.target.servers;
    if (servers === undefined) return undefined;
    if (!this.owned) {
      try {
        this.owned = holdOwnedClient(servers);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new InvalidZkTargetError(
          this.target.text,
          `its servers "${servers}" are not a ZooKeeper connect string (${message})`,
        );
      }
    }
    return this.owned.client;
  }

  private onSnapshot(snapshot: InstancerSnapshot): void {
    const path = this.target.path;
    if (snapshot.instances.length === 0 && snapshot.error) {
      this.fail(`ZooKeeper path ${path} cannot be read: ${snapshot.error.message}`);
      return;
    }
    const { endpoints, resolution, skipped } = this.addresses.resolve(snapshot.instances);
    const note =
      endpoints.length > 0
        ? ''
        : snapshot.instances.length === 0
          ? `no instance is registered under ${path}`
          : `none of the ${skipped} instance(s) under ${path} names an address and port`;
    const attributes = { [RESOLUTION_ATTRIBUTE]: resolution };
    const key: (string | Buffer)[] = [note];
    for (const [address, instance] of resolution.instances)
      key.push(address, instance.id, instance.raw);
    this.setOutcome({
      key,
      report: (reporter) => reporter.resolved(endpoints, this.serviceConfig, attributes, note),
    });
  }

  private fail(details: string): void {
    this.setOutcome({
      key: ['failed', details],
      report: (reporter) => reporter.failed(grpc.status.UNAVAILABLE, details),
    });
  }

  private setOutcome(outcome: Outcome): void {
    this.outcome = outcome;
    this.scheduleFlush();
  }

  /** Reports the latest outcome on a later turn: never from within grpc-js's own call. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const generation = this.generation;
    setImmediate(() => {
      if (generation !== this.generation || !this.flushScheduled) return;
      this.flushScheduled = false;
      const outcome = this.outcome;
      if (!outcome || (this.reported && sameKey(outcome.key, this.reported.key))) return;
      this.reported = outcome;
      outcome.report(this.reporter);
    });
  }
}

/**
 * The service config the resolver hands the channel: none when the channel has its own (the
 * channel option `grpc.service_config`) or refuses a resolver's
 * (`grpc.service_config_disable_resolution`); else our policy with its defaults.
 */
function serviceConfigFor(options: ChannelOptions): ServiceConfig | null {
  if (options['grpc.service_config'] !== undefined) return null;
  if (options['grpc.service_config_disable_resolution'] === 1) return null;
  return zkServiceConfig();
}

function sameKey(a: readonly (string | Buffer)[], b: readonly (string | Buffer)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (typeof x === 'string' ? x !== y : typeof y === 'string' || !x.equals(y)) return false;
  }
  return true;
}

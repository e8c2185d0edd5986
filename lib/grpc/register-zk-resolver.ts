import type { ZkClient, ZkClientOptions, ZkLogger } from '../client/index.js';
import { grpc } from './grpc-peer.js';
import { addRegistration } from './resolver-clients.js';
import { registerZkBalancerPolicy } from './zk-balancer.policy.js';
import { ZkResolver } from './zk-resolver.js';
import { ZK_SCHEME } from './zk-target.js';

/** Options of {@link registerZkResolver}. */
export interface ZkResolverOptions {
  /**
   * The client of targets that name no servers (`zk:///services/hello/grpc`); the newest
   * registration that gives one is used. @default none: such targets fail their calls, saying
   * so, until one is registered
   */
  client?: ZkClient;
  /**
   * Options of the clients made for targets that name their servers
   * (`zk://10.0.0.1:2181/services/hello/grpc`): `sessionTimeoutMs`, `auth`, `tls`, `transport`...
   * @default the client's defaults
   */
  clientOptions?: Omit<ZkClientOptions, 'servers'>;
  /**
   * Where the resolver and the policy report (skipped instances, ejections, zone spill-over).
   * @default warnings and errors to the console
   */
  logger?: ZkLogger;
}

/** Registers the `zk` scheme and the `zk_discovery` policy with grpc-js (idempotent). */
function registerWithGrpc(): void {
  grpc.experimental.registerResolver(ZK_SCHEME, ZkResolver);
  registerZkBalancerPolicy();
}

// Loading this entry is enough for targets that name their servers, and makes `zk:` known before
// any channel (a Nest client built before the app's providers) parses its target.
registerWithGrpc();

/**
 * Makes `zk:` targets usable by grpc-js channels (and Nest's `ClientGrpc`), with `client` as the
 * client of targets that name no servers. Returns the function that undoes this registration
 * (channels already resolving keep their client).
 *
 * ```ts
 * registerZkResolver({ client });
 * const hello = new HelloClient('zk:///services/hello/grpc', credentials.createInsecure());
 * ```
 */
export function registerZkResolver(options: ZkResolverOptions = {}): () => void {
  registerWithGrpc();
  return addRegistration({
    client: options.client,
    clientOptions: options.clientOptions,
    logger: options.logger,
  });
}

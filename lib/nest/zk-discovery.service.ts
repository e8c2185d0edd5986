import { Inject, Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { ZkClient } from '../client/zk-client.js';
import type { InstancerSnapshot } from '../sd/service-instance.js';
import type { ZkEndpointer } from '../sd/zk-endpointer.js';
import type { AppRegistrationState, OutOfService } from './registration-availability.js';
import { ZkAppRegistration } from './zk-app-registration.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import type { AdvertisedAddress, ZkEndpointerOptions } from './zk-discovery.options.js';
import type { ResolvedZkDiscoveryOptions } from './zk-discovery.options-resolver.js';
import { ZkEndpointers } from './zk-endpointers.js';
import { type ZkSessionStatus, ZkSessionStatuses } from './zk-session-status.js';

export type { ZkSessionStatus } from './zk-session-status.js';

/**
 * The module at run time, in one injectable: the endpointers (for lazy modules and runtime
 * lookups), this app's registration (manual mode, maintenance), the session, and the client. Each
 * job is done by its own part (`ZkEndpointers`, `ZkAppRegistration`, `ZkSessionStatuses`); the
 * core module owns and closes the client.
 */
@Injectable()
export class ZkDiscoveryService {
  /** The session: one status per client state change; replays the current one; completes on close. */
  readonly session$: Observable<ZkSessionStatus>;
  /** This app's registration state (`out-of-service` included); replays the current state. */
  readonly registration$: Observable<AppRegistrationState>;

  constructor(
    @Inject(ZK_DISCOVERY_OPTIONS) private readonly options: ResolvedZkDiscoveryOptions,
    @Inject(ZK_CLIENT) readonly client: ZkClient,
    private readonly endpointers: ZkEndpointers,
    private readonly registration: ZkAppRegistration,
    private readonly sessions: ZkSessionStatuses,
  ) {
    this.session$ = sessions.session$;
    this.registration$ = registration.state$;
  }

  /** The session's current status (see `session$`). */
  get session(): ZkSessionStatus {
    return this.sessions.current;
  }

  /**
   * The endpointer of `path`, created on first use and shared afterwards. Works at any time, also
   * from lazy-loaded modules; options apply when the endpointer is created.
   */
  getEndpointer<E = unknown>(path: string, options?: ZkEndpointerOptions<E>): ZkEndpointer<E> {
    return this.endpointers.get(path, options);
  }

  /** The endpointer of `path`, once its first read is done (bounded by `startupWaitMs`). */
  getReadyEndpointer<E = unknown>(path: string): Promise<ZkEndpointer<E>> {
    return this.endpointers.getReady(path);
  }

  /**
   * The snapshots of `path` (`{ instances, error?, stale, updatedAt }`) through its shared
   * endpointer: the current one at once, then each real change. Completes at shutdown.
   */
  snapshots$(path: string): Observable<InstancerSnapshot> {
    return this.endpointers.snapshots$(path);
  }

  /** The normalized paths that have an endpointer, in creation order. */
  get endpointerPaths(): string[] {
    return this.endpointers.paths;
  }

  /** True when the module was given a `registration` option (this app registers itself). */
  get hasRegistration(): boolean {
    return this.options.registration !== undefined;
  }

  /** State of this app's registration (`unregistered` when the module registers nothing). */
  get registrationState(): AppRegistrationState {
    return this.registration.state;
  }

  /** The znode of this app's instance while registered. */
  get registeredNode(): string | undefined {
    return this.registration.node;
  }

  /** Why this app is out of discovery while it runs (maintenance, or its health check), if it is. */
  get outOfService(): OutOfService | undefined {
    return this.registration.outOfService;
  }

  /**
   * Takes this app out of discovery without stopping it (maintenance): its node is deleted
   * (go-kit, Curator) or marked `OUT_OF_SERVICE` (Spring). Resolves once applied.
   */
  setOutOfService(reason = 'maintenance'): Promise<void> {
    return this.registration.setMaintenance(reason);
  }

  /** Puts this app back into discovery after `setOutOfService()` (unless its health check fails). */
  setInService(): Promise<void> {
    return this.registration.setMaintenance(undefined);
  }

  /** Resolves with our node once registered; rejects after `timeoutMs`. */
  whenRegistered(timeoutMs = 10_000): Promise<string> {
    return this.registration.whenRegistered(timeoutMs);
  }

  /**
   * Registers this app at `address` (the configured registration's path and name). The module
   * calls it on listen or bootstrap; call it yourself in `manual` mode.
   */
  register(address: AdvertisedAddress): Promise<string> {
    return this.registration.register(address);
  }

  /** Registers once the session is up, retrying with backoff (up to 5 s apart) until it works. */
  registerInBackground(address: AdvertisedAddress): void {
    this.registration.registerInBackground(address);
  }

  /** Deletes this app's instance node (bounded by `deregisterTimeoutMs`; never throws). */
  deregister(): Promise<boolean> {
    return this.registration.deregister();
  }
}

import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import {
  BehaviorSubject,
  filter,
  firstValueFrom,
  type Observable,
  Subject,
  takeUntil,
  timeout,
} from 'rxjs';
import type { Unsubscribe } from '../client/listeners.js';
import type { ZkClient } from '../client/zk-client.js';
import type { ZkClientState } from '../client/zk-client.types.js';
import { registrationInFormat } from '../sd/formats/registration-in-format.js';
import { bracketIpv6 } from '../sd/formats/uri-spec.js';
import { httpEndpointFactory } from '../sd/http/http-endpoint.factory.js';
import { exponentialBackoff, REREGISTER_BACKOFF } from '../sd/backoff.js';
import { Registrar } from '../sd/registrar/registrar.js';
import type { InstancerSnapshot } from '../sd/service-instance.js';
import { ZkEndpointer } from '../sd/zk-endpointer.js';
import { fromListener } from './from-listener.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { endpointerDeclarations, normalizeEndpointerPath } from './zk-discovery.declarations.js';
import type { AdvertisedAddress, ZkEndpointerOptions } from './zk-discovery.options.js';
import {
  REGISTRATION_DEFAULTS,
  type ResolvedZkDiscoveryOptions,
} from './zk-discovery.options-resolver.js';
import {
  type AppRegistrationState,
  type OutOfService,
  RegistrationAvailability,
} from './zk-registration-availability.js';
import { sessionStatus, type ZkSessionStatus } from './zk-session-status.js';

export type { ZkSessionStatus } from './zk-session-status.js';

const DEFAULT_STARTUP_WAIT_MS = 5000;

/**
 * The module's runtime: endpointers per path (one per path, shared by every injection), this app's
 * registration, and the client's lifetime. Inject it for lazy modules (`getEndpointer`) and for
 * manual registration.
 */
@Injectable()
export class ZkDiscoveryService implements OnApplicationShutdown {
  private readonly endpointers = new Map<string, ZkEndpointer<unknown>>();
  private registrar: Registrar | undefined;
  private stopMirroringRegistrar: Unsubscribe | undefined;
  private readonly registrationSubject = new BehaviorSubject<AppRegistrationState>('unregistered');
  /** This app's registration state (`out-of-service` included); replays the current state. */
  readonly registration$: Observable<AppRegistrationState> =
    this.registrationSubject.asObservable();
  private readonly availability: RegistrationAvailability;
  /** What `register()` last wrote, to write it again with another Spring status. */
  private written: { address: AdvertisedAddress; data: string | Buffer } | undefined;
  private backgroundRetry: NodeJS.Timeout | undefined;
  private shuttingDown = false;
  private readonly reregisterBackoff = exponentialBackoff(REREGISTER_BACKOFF);
  private readonly sessionSubject: BehaviorSubject<ZkSessionStatus>;
  /**
   * The session: one status per client state change (the session id changes only through
   * `expired` → `connecting` → `connected`); replays the current status; completes on close.
   */
  readonly session$: Observable<ZkSessionStatus>;
  private readonly shutdown$ = new Subject<void>();
  private declarations: Map<string, ZkEndpointerOptions | undefined> | undefined;

  constructor(
    @Inject(ZK_DISCOVERY_OPTIONS) private readonly options: ResolvedZkDiscoveryOptions,
    @Inject(ZK_CLIENT) readonly client: ZkClient,
    private readonly modules: ModulesContainer,
  ) {
    this.sessionSubject = new BehaviorSubject<ZkSessionStatus>(
      sessionStatus(client, client.state, 0),
    );
    this.session$ = this.sessionSubject.asObservable();
    this.availability = new RegistrationAvailability({
      registrar: () => this.registrar,
      dataWithStatus: (out) => this.dataWithStatus(out),
      shuttingDown: () => this.shuttingDown,
      publish: (state) => this.registrationSubject.next(state),
      logger: options.logger,
      deregisterTimeoutMs:
        options.registration?.deregisterTimeoutMs ?? REGISTRATION_DEFAULTS.deregisterTimeoutMs,
    });
    client.subscribeState((state) => {
      const previous = this.sessionSubject.value;
      if (state !== previous.state) {
        const expiries = previous.expiries + (state === 'expired' ? 1 : 0);
        this.sessionSubject.next(sessionStatus(client, state, expiries));
      }
      if (state === 'closed') this.sessionSubject.complete();
    });
  }

  /** The session's current status (see `session$`). */
  get session(): ZkSessionStatus {
    return this.sessionSubject.value;
  }

  /**
   * The snapshots of `path` (`{ instances, error?, stale, updatedAt }`) through its shared
   * endpointer (created on first use): the current one at once, then each real change. Completes
   * when the module shuts down.
   */
  snapshots$(path: string): Observable<InstancerSnapshot> {
    return fromListener<InstancerSnapshot>((listener) =>
      this.getEndpointer(path).subscribe(listener),
    ).pipe(takeUntil(this.shutdown$));
  }

  /** The normalized paths that have an endpointer, in creation order. */
  get endpointerPaths(): string[] {
    return [...this.endpointers.keys()];
  }

  /**
   * The endpointer of `path`, created on first use and shared afterwards. Works at any time, also
   * from lazy-loaded modules; options apply when the endpointer is created.
   */
  getEndpointer<E = unknown>(path: string, options?: ZkEndpointerOptions<E>): ZkEndpointer<E> {
    const normalized = normalizeEndpointerPath(path);
    let endpointer = this.endpointers.get(normalized);
    if (!endpointer) {
      const merged = {
        ...this.options.endpointer,
        ...(this.declaredOptions(normalized) ?? {}),
        ...(options ?? {}),
      };
      endpointer = new ZkEndpointer<unknown>(this.client, normalized, {
        factory: merged.factory ?? httpEndpointFactory(),
        balancer: merged.balancer,
        retry: merged.retry,
        invalidateOnErrorMs: merged.invalidateOnErrorMs,
        outlierDetection: merged.outlierDetection,
        emptySetProtection: merged.emptySetProtection,
        zone: merged.zone === false ? undefined : merged.zone,
        port: merged.port,
        logger: this.options.logger,
      });
      this.endpointers.set(normalized, endpointer);
    }
    return endpointer as ZkEndpointer<E>;
  }

  /** Whether a class of this application injects the endpointer of `path` (normalized). */
  appDeclaresEndpointer(path: string): boolean {
    return this.appDeclarations().has(path);
  }

  /** The options this application's classes gave `@InjectEndpointer(path)`, if any. */
  private declaredOptions(path: string): ZkEndpointerOptions | undefined {
    return this.appDeclarations().get(path);
  }

  /** The endpointer declarations of this application's providers and controllers (read once). */
  private appDeclarations(): Map<string, ZkEndpointerOptions | undefined> {
    this.declarations ??= endpointerDeclarations(
      [...this.modules.values()].flatMap((module) =>
        [
          ...module.providers.values(),
          ...module.controllers.values(),
          ...module.injectables.values(),
        ].map((wrapper) => wrapper.metatype),
      ),
    );
    return this.declarations;
  }

  /** The endpointer of `path`, once its first read is done (bounded by `startupWaitMs`). */
  async getReadyEndpointer<E = unknown>(path: string): Promise<ZkEndpointer<E>> {
    const endpointer = this.getEndpointer<E>(path);
    const waitMs =
      this.declaredOptions(endpointer.path)?.startupWaitMs ??
      this.options.endpointer.startupWaitMs ??
      DEFAULT_STARTUP_WAIT_MS;
    if (!(await endpointer.ready(waitMs))) {
      this.options.logger.warn(
        `No answer from ZooKeeper for ${endpointer.path} within ${waitMs} ms; starting empty`,
      );
    }
    return endpointer;
  }

  /** State of this app's registration (`unregistered` when the module registers nothing). */
  get registrationState(): AppRegistrationState {
    return this.registrationSubject.value;
  }

  /** Why this app is out of discovery while it runs (maintenance, or its health check), if it is. */
  get outOfService(): OutOfService | undefined {
    return this.availability.outOfService;
  }

  /**
   * Takes this app out of discovery without stopping it (maintenance, as Spring's
   * `/service-registry` endpoint): its node is deleted (go-kit, Curator) or marked
   * `OUT_OF_SERVICE` (Spring); `registration$` says `out-of-service`. Resolves once applied.
   */
  setOutOfService(reason = 'maintenance'): Promise<void> {
    return this.availability.setMaintenance(reason);
  }

  /** Puts this app back into discovery after `setOutOfService()` (unless its health check fails). */
  setInService(): Promise<void> {
    return this.availability.setMaintenance(undefined);
  }

  /** Resolves with our node once registered; rejects after `timeoutMs`. */
  async whenRegistered(timeoutMs = 10_000): Promise<string> {
    await firstValueFrom(
      this.registration$.pipe(
        filter((state) => state === 'registered'),
        timeout({
          first: timeoutMs,
          with: () => Promise.reject(new Error(`Not registered within ${timeoutMs} ms`)),
        }),
      ),
    );
    return this.registeredNode!;
  }

  /** True when the module was given a `registration` option (this app registers itself). */
  get hasRegistration(): boolean {
    return this.options.registration !== undefined;
  }

  /** The znode of this app's instance while registered. */
  get registeredNode(): string | undefined {
    return this.registrar?.nodePath;
  }

  /**
   * Registers this app at `address` (the configured registration's path and name). Called by the
   * module on listen or bootstrap; call it yourself in `manual` mode.
   */
  async register(address: AdvertisedAddress): Promise<string> {
    const registration = this.options.registration;
    if (!registration) {
      throw new Error(
        'ZkDiscoveryService.register(): no `registration` option was given to ZkDiscoveryModule.forRoot().',
      );
    }
    const data =
      typeof registration.data === 'function'
        ? registration.data(address)
        : (registration.data ?? `${address.scheme}://${bracketIpv6(address.host)}:${address.port}`);
    this.stopMirroringRegistrar?.();
    this.registrar?.close();
    this.written = { address, data };
    const written = this.inFormat(registration.status);
    this.registrar = new Registrar(this.client, written.service, {
      logger: this.options.logger,
      format: written.format,
    });
    this.stopMirroringRegistrar = this.registrar.subscribeState((state) =>
      this.registrationSubject.next(this.availability.stateOf(state)),
    );
    if (registration.health) this.availability.startHealthCheck(registration.health);
    const node = await this.registrar.register();
    if (this.availability.outOfService) await this.availability.apply();
    return node;
  }

  /** The registration as written in its format, with this Spring status. */
  private inFormat(status: string) {
    const registration = this.options.registration!;
    return registrationInFormat({
      format: registration.format,
      path: registration.path,
      name: registration.name,
      address: this.written!.address,
      data: this.written!.data,
      metadata: registration.metadata,
      status,
      traits: registration.traits,
    });
  }

  private dataWithStatus(outOfService: boolean): Buffer | string | undefined {
    const registration = this.options.registration;
    if (registration?.format !== 'spring' || !this.written) return undefined;
    return this.inFormat(outOfService ? 'OUT_OF_SERVICE' : registration.status).service.data;
  }

  /**
   * Registers once the session is up, retrying with backoff (up to 5 s apart) until it works or
   * the app shuts down.
   */
  registerInBackground(address: AdvertisedAddress): void {
    this.registerInBackgroundFrom(address, 1);
  }

  private registerInBackgroundFrom(address: AdvertisedAddress, attempt: number): void {
    const connected = firstValueFrom(
      fromListener<ZkClientState>((listener) => this.client.subscribeState(listener)).pipe(
        filter((state) => state === 'connected' || state === 'closed'),
      ),
    );
    connected
      .then(() => {
        if (this.shuttingDown || this.client.state === 'closed') return;
        return this.register(address);
      })
      .catch((error: Error) => {
        if (this.shuttingDown) return;
        const delay = this.reregisterBackoff(attempt);
        this.options.logger.warn(`Registration failed (${error.message}); retrying in ${delay} ms`);
        this.backgroundRetry = setTimeout(
          () => this.registerInBackgroundFrom(address, attempt + 1),
          delay,
        );
        this.backgroundRetry.unref();
      });
  }

  /** Deletes this app's instance node (bounded; never throws). */
  async deregister(): Promise<boolean> {
    this.shuttingDown = true;
    this.availability.stop();
    clearTimeout(this.backgroundRetry);
    const registrar = this.registrar;
    if (!registrar) return true;
    const node = registrar.nodePath;
    const removed = await registrar.deregister(this.options.registration?.deregisterTimeoutMs);
    if (removed && node) this.options.logger.log(`Deregistered ${node}`);
    this.stopMirroringRegistrar?.();
    registrar.close();
    if (this.registrationSubject.value !== 'deregistered')
      this.registrationSubject.next('deregistered');
    return removed;
  }

  /** Closes every endpointer, then the session (which takes any ephemeral node left with it). */
  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.availability.stop();
    clearTimeout(this.backgroundRetry);
    this.registrar?.close();
    await Promise.all([...this.endpointers.values()].map((endpointer) => endpointer.close()));
    this.endpointers.clear();
    this.shutdown$.next();
    await this.client.close();
  }
}

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
import { exponentialBackoff, REREGISTER_BACKOFF } from '../sd/lb/backoff.js';
import { Registrar, type RegistrationState } from '../sd/registrar.js';
import type { InstancerSnapshot } from '../sd/service-instance.js';
import { ZkEndpointer } from '../sd/zk-endpointer.js';
import { fromListener } from './from-listener.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { endpointerDeclarations, normalizeEndpointerPath } from './zk-discovery.declarations.js';
import type { AdvertisedAddress, ZkEndpointerOptions } from './zk-discovery.options.js';
import type { ResolvedZkDiscoveryOptions } from './zk-discovery.options-resolver.js';

const DEFAULT_STARTUP_WAIT_MS = 5000;

/** The app's ZooKeeper session as `ZkDiscoveryService.session$` reports it. */
export interface ZkSessionStatus {
  /** The client's state: `connecting | connected | disconnected | expired | closed`. */
  readonly state: ZkClientState;
  /** The session id (hex) while there is a session (`connected`, `disconnected`), else undefined. */
  readonly sessionId: string | undefined;
  /** When the client entered this state (epoch ms). */
  readonly since: number;
  /** Sessions that expired so far in this client's life. */
  readonly expiries: number;
}

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
  private readonly registrationSubject = new BehaviorSubject<RegistrationState>('unregistered');
  /** This app's registration state; replays the current state. */
  readonly registration$: Observable<RegistrationState> = this.registrationSubject.asObservable();
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
  get registrationState(): RegistrationState {
    return this.registrationSubject.value;
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
    const written = registrationInFormat({
      format: registration.format,
      path: registration.path,
      name: registration.name,
      address,
      data,
      metadata: registration.metadata,
      status: registration.status,
    });
    this.registrar = new Registrar(this.client, written.service, {
      logger: this.options.logger,
      format: written.format,
    });
    this.stopMirroringRegistrar = this.registrar.subscribeState((state) =>
      this.registrationSubject.next(state),
    );
    return this.registrar.register();
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
    clearTimeout(this.backgroundRetry);
    this.registrar?.close();
    await Promise.all([...this.endpointers.values()].map((endpointer) => endpointer.close()));
    this.endpointers.clear();
    this.shutdown$.next();
    await this.client.close();
  }
}

function sessionStatus(client: ZkClient, state: ZkClientState, expiries: number): ZkSessionStatus {
  const sessionId =
    state === 'connected' || state === 'disconnected' ? client.sessionId : undefined;
  return { state, sessionId, since: Date.now(), expiries };
}

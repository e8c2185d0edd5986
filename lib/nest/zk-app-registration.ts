import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { BehaviorSubject, filter, firstValueFrom, type Observable, timeout } from 'rxjs';
import type { Unsubscribe } from '../client/listeners.js';
import type { ZkClient } from '../client/zk-client.js';
import type { ZkClientState } from '../client/zk-client.types.js';
import { exponentialBackoff, REREGISTER_BACKOFF } from '../sd/backoff.js';
import { registrationInFormat } from '../sd/formats/registration-in-format.js';
import { bracketIpv6 } from '../sd/formats/uri-spec.js';
import { Registrar } from '../sd/registrar/registrar.js';
import { fromListener } from './from-listener.js';
import {
  type AppRegistrationState,
  type OutOfService,
  RegistrationAvailability,
} from './registration-availability.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { noRegistrationOption } from './zk-discovery.messages.js';
import type { AdvertisedAddress } from './zk-discovery.options.js';
import type {
  ResolvedRegistration,
  ResolvedZkDiscoveryOptions,
} from './zk-discovery.options-resolver.js';

/**
 * This app's own instance node: registering it (at once, or in the background until the session
 * allows), taking it out of service and back, and deleting it at shutdown. The lifecycle
 * (`ZkRegistrationLifecycle`) decides when; this class does it.
 */
@Injectable()
export class ZkAppRegistration implements OnApplicationShutdown {
  private registrar: Registrar | undefined;
  private stopMirroringRegistrar: Unsubscribe | undefined;
  private readonly stateSubject = new BehaviorSubject<AppRegistrationState>('unregistered');
  readonly state$: Observable<AppRegistrationState> = this.stateSubject.asObservable();
  private readonly availability: RegistrationAvailability;
  /** What `register()` last wrote, to write it again with another Spring status. */
  private written: { address: AdvertisedAddress; data: string | Buffer } | undefined;
  private backgroundRetry: NodeJS.Timeout | undefined;
  private shuttingDown = false;
  private readonly reregisterBackoff = exponentialBackoff(REREGISTER_BACKOFF);

  constructor(
    @Inject(ZK_DISCOVERY_OPTIONS) private readonly options: ResolvedZkDiscoveryOptions,
    @Inject(ZK_CLIENT) private readonly client: ZkClient,
  ) {
    this.availability = new RegistrationAvailability({
      registrar: () => this.registrar,
      dataWithStatus: (out) => this.dataWithStatus(out),
      shuttingDown: () => this.shuttingDown,
      publish: (state) => this.stateSubject.next(state),
      logger: options.logger,
      deregisterTimeoutMs: options.registration?.deregisterTimeoutMs ?? 0,
    });
  }

  get state(): AppRegistrationState {
    return this.stateSubject.value;
  }

  get outOfService(): OutOfService | undefined {
    return this.availability.outOfService;
  }

  get node(): string | undefined {
    return this.registrar?.nodePath;
  }

  setMaintenance(reason: string | undefined): Promise<void> {
    return this.availability.setMaintenance(reason);
  }

  async whenRegistered(timeoutMs: number): Promise<string> {
    await firstValueFrom(
      this.state$.pipe(
        filter((state) => state === 'registered'),
        timeout({
          first: timeoutMs,
          with: () => Promise.reject(new Error(`Not registered within ${timeoutMs} ms`)),
        }),
      ),
    );
    return this.node!;
  }

  async register(address: AdvertisedAddress): Promise<string> {
    const registration = this.configured();
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
      this.stateSubject.next(this.availability.stateOf(state)),
    );
    if (registration.health) this.availability.startHealthCheck(registration.health);
    const node = await this.registrar.register();
    if (this.availability.outOfService) await this.availability.apply();
    return node;
  }

  /** Registers once the session is up, retrying with backoff until it works or the app stops. */
  registerInBackground(address: AdvertisedAddress, attempt = 1): void {
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
          () => this.registerInBackground(address, attempt + 1),
          delay,
        );
        this.backgroundRetry.unref();
      });
  }

  /** Deletes this app's instance node (bounded by `deregisterTimeoutMs`; never throws). */
  async deregister(): Promise<boolean> {
    this.stop();
    const registrar = this.registrar;
    if (!registrar) return true;
    const node = registrar.nodePath;
    const removed = await registrar.deregister(this.options.registration?.deregisterTimeoutMs);
    if (removed && node) this.options.logger.log(`Deregistered ${node}`);
    this.stopMirroringRegistrar?.();
    registrar.close();
    if (this.stateSubject.value !== 'deregistered') this.stateSubject.next('deregistered');
    return removed;
  }

  /** Stops every background task (health checks, retries) and lets the registrar go. */
  onApplicationShutdown(): void {
    this.stop();
    this.registrar?.close();
  }

  private stop(): void {
    this.shuttingDown = true;
    this.availability.stop();
    clearTimeout(this.backgroundRetry);
  }

  private configured(): ResolvedRegistration {
    const registration = this.options.registration;
    if (!registration) throw new Error(noRegistrationOption());
    return registration;
  }

  /** The registration as written in its format, with this Spring status. */
  private inFormat(status: string) {
    const registration = this.configured();
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
}

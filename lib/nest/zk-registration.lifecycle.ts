import type { Server } from 'node:http';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ZkClient } from '../client/zk-client.js';
import { advertisedAddress } from './advertised-address.js';
import { ZkAppRegistration } from './zk-app-registration.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { listenFailed, noHttpServer, shutdownHooksMissing } from './zk-discovery.messages.js';
import type { ResolvedZkDiscoveryOptions } from './zk-discovery.options-resolver.js';
import { ZkEndpointers } from './zk-endpointers.js';

/**
 * Ties registration to Nest's lifecycle: register once the HTTP server is really listening (or at
 * bootstrap for microservices); at shutdown deregister while still serving, then wait
 * `drainDelayMs` so consumers stop calling before the server closes. Needs
 * `app.enableShutdownHooks()` for signals to reach it.
 */
@Injectable()
export class ZkRegistrationLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server: Server | undefined;
  private stopShutdownHookCheck: (() => void) | undefined;
  private readonly onListening = () => {
    this.server?.off('error', this.onListenError);
    return this.registerNow();
  };
  /** `listen()` failed (port taken...): nothing to register, and no session may keep us alive. */
  private readonly onListenError = (error: Error) => {
    this.server?.off('listening', this.onListening);
    this.server?.off('error', this.onListenError);
    const registration = this.options.registration!;
    this.options.logger.error(listenFailed(`${registration.path}/${registration.name}`, error));
    void this.closeAll();
  };

  constructor(
    @Inject(ZK_DISCOVERY_OPTIONS) private readonly options: ResolvedZkDiscoveryOptions,
    @Inject(ZK_CLIENT) private readonly client: ZkClient,
    private readonly registration: ZkAppRegistration,
    private readonly endpointers: ZkEndpointers,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.startRegistration();
    } catch (error) {
      // Nest runs no shutdown hook after a failed bootstrap: close the session here.
      await this.closeAll();
      throw error;
    }
  }

  private async startRegistration(): Promise<void> {
    const registration = this.options.registration;
    if (!registration) return;
    this.checkShutdownHooksOnceRegistered(`${registration.path}/${registration.name}`);
    if (registration.mode === 'manual') return;
    if (registration.mode === 'bootstrap') {
      await this.registerNow();
      return;
    }
    const server = this.adapterHost?.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || typeof server.once !== 'function') {
      throw new Error(noHttpServer(`${registration.path}/${registration.name}`));
    }
    this.server = server;
    // `listen()` runs bootstrap hooks before it binds; a server may also be listening already.
    if (server.listening) {
      await this.registerNow();
    } else {
      server.once('listening', this.onListening);
      server.once('error', this.onListenError);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopShutdownHookCheck?.();
    this.server?.off('listening', this.onListening);
    this.server?.off('error', this.onListenError);
    const registration = this.options.registration;
    const wasRegistered = this.registration.state === 'registered';
    await this.registration.deregister();
    if (registration && wasRegistered && registration.drainDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, registration.drainDelayMs));
    }
  }

  /**
   * Warns when the instance is registered and nothing handles SIGTERM: a stopped process would
   * stay registered until its session times out. Checked at the first registration, not at
   * bootstrap, so that `app.enableShutdownHooks()` called right after `listen()` counts too.
   */
  private checkShutdownHooksOnceRegistered(path: string): void {
    const subscription = this.registration.state$.subscribe((state) => {
      if (state !== 'registered') return;
      queueMicrotask(() => subscription.unsubscribe());
      if (process.listenerCount('SIGTERM') > 0) return;
      this.options.logger.warn(shutdownHooksMissing(path, this.client.sessionTimeoutMs));
    });
    this.stopShutdownHookCheck = () => subscription.unsubscribe();
  }

  private async registerNow(): Promise<void> {
    const registration = this.options.registration!;
    const address = advertisedAddress(registration, this.server?.address());
    if (registration.failFast && registration.mode === 'bootstrap') {
      await this.registration.register(address);
    } else {
      // After listen() there is no caller left to fail: keep trying in the background.
      this.registration.registerInBackground(address);
    }
  }

  /** Where Nest runs no shutdown hook (a failed bootstrap or listen): close what the module holds. */
  private async closeAll(): Promise<void> {
    this.registration.onApplicationShutdown();
    await this.endpointers.onApplicationShutdown();
    await this.client.close();
  }
}

import {
  type FactoryProvider,
  Inject,
  Injectable,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { type Observable, Subject, takeUntil } from 'rxjs';
import type { Unsubscribe } from '../client/listeners.js';
import type { ZkClient } from '../client/zk-client.js';
import { httpEndpointFactory } from '../sd/http/http-endpoint.factory.js';
import type { InstancerSnapshot } from '../sd/service-instance.js';
import { ZkEndpointer } from '../sd/zk-endpointer.js';
import { fromListener } from './from-listener.js';
import {
  endpointerDeclarations,
  getEndpointerToken,
  normalizeEndpointerPath,
} from './inject-endpointer.js';
import { instances, MembershipLog } from './membership-log.js';
import { ZK_CLIENT, ZK_DISCOVERY_OPTIONS } from './zk-discovery.constants.js';
import { noAnswerAtStartup, noInstanceAtStartup } from './zk-discovery.messages.js';
import type { ZkEndpointerOptions } from './zk-discovery.options.js';
import {
  checkEndpointerOptions,
  type ResolvedZkDiscoveryOptions,
} from './zk-discovery.options-resolver.js';

/**
 * The application's endpointers, one per path, shared by every injection and created on first
 * use; each takes the module's endpointer options, overridden by what the app's `@InjectEndpointer`
 * gave the path, overridden by the caller's. Closes them at shutdown, before the core module
 * closes the client.
 */
@Injectable()
export class ZkEndpointers implements OnApplicationShutdown {
  private readonly byPath = new Map<string, ZkEndpointer<unknown>>();
  private readonly membership: Array<{ log: MembershipLog; stop: Unsubscribe }> = [];
  private readonly closed$ = new Subject<void>();
  private declarations: Map<string, ZkEndpointerOptions | undefined> | undefined;

  constructor(
    @Inject(ZK_DISCOVERY_OPTIONS) private readonly options: ResolvedZkDiscoveryOptions,
    @Inject(ZK_CLIENT) private readonly client: ZkClient,
    private readonly modules: ModulesContainer,
  ) {}

  get paths(): string[] {
    return [...this.byPath.keys()];
  }

  get<E>(path: string, options?: ZkEndpointerOptions<E>): ZkEndpointer<E> {
    const normalized = normalizeEndpointerPath(path);
    let endpointer = this.byPath.get(normalized);
    if (!endpointer) {
      const {
        factory,
        startupWaitMs: _,
        zone,
        ...config
      } = {
        ...this.options.endpointer,
        ...(this.declaredOptions(normalized) ?? {}),
        ...(options ?? {}),
      };
      endpointer = new ZkEndpointer<unknown>(this.client, normalized, {
        ...config,
        factory: factory ?? httpEndpointFactory(),
        zone: zone === false ? undefined : zone,
        logger: this.options.logger,
      });
      this.byPath.set(normalized, endpointer);
      const log = new MembershipLog(normalized, this.options.logger);
      this.membership.push({ log, stop: endpointer.subscribe((snapshot) => log.update(snapshot)) });
    }
    return endpointer as ZkEndpointer<E>;
  }

  /** The endpointer of `path`, once its first read is done (bounded by `startupWaitMs`). */
  async getReady<E>(path: string): Promise<ZkEndpointer<E>> {
    const endpointer = this.get<E>(path);
    const waitMs =
      this.declaredOptions(endpointer.path)?.startupWaitMs ?? this.options.endpointer.startupWaitMs;
    const snapshot = await endpointer.ready(waitMs);
    if (!snapshot || snapshot.error || this.client.state !== 'connected') {
      this.options.logger.warn(
        noAnswerAtStartup(endpointer.path, waitMs, this.client.state, snapshot?.error),
      );
    } else {
      await this.sayWhatWasFound(endpointer);
    }
    return endpointer;
  }

  snapshots$(path: string): Observable<InstancerSnapshot> {
    return fromListener<InstancerSnapshot>((listener) => this.get(path).subscribe(listener)).pipe(
      takeUntil(this.closed$),
    );
  }

  /** Whether a class of this application injects the endpointer of `path` (normalized). */
  appDeclares(path: string): boolean {
    return this.appDeclarations().has(path);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const { log, stop } of this.membership.splice(0)) {
      stop();
      log.close();
    }
    await Promise.all([...this.byPath.values()].map((endpointer) => endpointer.close()));
    this.byPath.clear();
    this.closed$.next();
  }

  /** One line per endpointer at startup; with no instance, a warning saying the likely fix. */
  private async sayWhatWasFound(endpointer: ZkEndpointer<unknown>): Promise<void> {
    const count = endpointer.instances().length;
    if (count > 0) {
      this.options.logger.log(`${endpointer.path}: ${instances(count)}`);
      return;
    }
    const registered = endpointer.snapshot?.instances.length ?? 0;
    const exists = await this.client.exists(endpointer.path).then(
      (stat) => stat !== null,
      () => undefined,
    );
    this.options.logger.warn(noInstanceAtStartup(endpointer.path, registered, exists));
  }

  private declaredOptions(path: string): ZkEndpointerOptions | undefined {
    return this.appDeclarations().get(path);
  }

  /** The endpointer declarations of this application's providers and controllers (read once). */
  private appDeclarations(): Map<string, ZkEndpointerOptions | undefined> {
    if (!this.declarations) {
      this.declarations = endpointerDeclarations(
        [...this.modules.values()].flatMap((module) =>
          [
            ...module.providers.values(),
            ...module.controllers.values(),
            ...module.injectables.values(),
          ].map((wrapper) => wrapper.metatype),
        ),
      );
      for (const [path, options] of this.declarations) {
        if (options) checkEndpointerOptions(options, `@InjectEndpointer('${path}')`);
      }
    }
    return this.declarations as Map<string, ZkEndpointerOptions | undefined>;
  }
}

/**
 * The provider of `path`'s shared endpointer, holding its first snapshot (bounded wait). Empty in
 * an application whose classes do not inject the path, unless `always` (`forFeature()`).
 */
export function endpointerProvider(path: string, always = false): FactoryProvider {
  return {
    provide: getEndpointerToken(path),
    inject: [ZkEndpointers],
    useFactory: (endpointers: ZkEndpointers) =>
      always || endpointers.appDeclares(path) ? endpointers.getReady(path) : undefined,
  };
}

import { ZkNoNodeError } from '../../client/errors/zk-operation.errors.js';
import { ObservedValue, type Unsubscribe } from '../../client/listeners.js';
import { ZkAcls } from '../../client/zk-acls.js';
import type { ZkClient } from '../../client/zk-client.js';
import type { ZkAclEntry } from '../../client/zk-codes.js';
import { consoleLogger, type ZkLogger } from '../../client/zk-logger.js';
import { childPath } from '../../client/znode-paths.js';
import {
  type BackoffFunction,
  type BackoffOptions,
  exponentialBackoff,
  REREGISTER_BACKOFF,
} from '../backoff.js';
import { goKitNodeFormat } from '../formats/gokit.format.js';
import { instanceDecoder } from '../formats/instance-decoder.js';
import type { InstanceNodeFormat } from '../formats/instance-node-format.js';
import type { ServiceRegistration } from '../service-registration.js';
import { validateNodeData, validateServiceName, validateZnodePath } from '../service-validation.js';
import { replaceInstanceNode } from './instance-node-replacement.js';

export interface RegistrarOptions {
  /** @default a logger printing warnings and errors to the console */
  logger?: ZkLogger;
  /**
   * Waits between attempts of a failed re-registration. @default `{ initialMs: 200, maxMs: 5000,
   * factor: 2, jitter: false }`
   */
  backoff?: BackoffOptions;
  /**
   * ACLs of the nodes the registrar creates.
   * @default with `auth` credentials on the client: the instance node `ZkAcls.creatorAllWorldRead()`
   * and new parents `ZkAcls.creatorAllWorldReadCreate()` (others can read and register, but not
   * delete or overwrite our instance); without credentials: the client's `acl` option
   */
  acl?: { node?: readonly ZkAclEntry[]; parents?: readonly ZkAclEntry[] };
  /**
   * How the instance node is written (name, create mode, parents). `curatorRegistration()` gives
   * Curator's and Spring's. @default go-kit's: a protected ephemeral-sequential `_c_<guid>-<seq>`
   * under persistent parents
   */
  format?: InstanceNodeFormat;
}

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'deregistered';

/**
 * Keeps one instance node of a service in ZooKeeper (go-kit's `zk.Registrar`, fixed): a protected
 * ephemeral-sequential node under `path/name`. After a new session (the old node died with the old
 * one) it registers again; after a reconnect within the same session it does nothing.
 */
export class Registrar {
  /** Where instances of this service live: `path/name`. */
  readonly servicePath: string;
  private data: Buffer;
  private readonly logger: ZkLogger;
  private readonly backoff: BackoffFunction;
  private readonly nodeAcl: readonly ZkAclEntry[] | undefined;
  private readonly parentAcl: readonly ZkAclEntry[] | undefined;
  private readonly format: InstanceNodeFormat;
  private node: string | undefined;
  private wanted = false;
  private closed = false;
  private readonly stateValue: ObservedValue<RegistrationState>;
  private inFlight: Promise<string> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retries = 0;
  /** Counts new sessions, so a create that straddles an expiry is known to be void. */
  private generation = 0;
  /** Our node of a previous session, to replace with the next create (see `reregister`). */
  private replacing: string | undefined;
  private readonly stopFollowingSessions: Unsubscribe;

  constructor(
    private readonly client: ZkClient,
    service: ServiceRegistration,
    options: RegistrarOptions = {},
  ) {
    const path = validateZnodePath(service?.path, 'registration path');
    const name = validateServiceName(service?.name, 'registration name');
    this.data = validateNodeData(service?.data, `registration data of ${path}/${name}`);
    this.servicePath = childPath(path, name);
    this.logger = options.logger ?? consoleLogger('Registrar');
    this.backoff = exponentialBackoff({ ...REREGISTER_BACKOFF, ...options.backoff });
    const owned = client.hasAuth;
    this.nodeAcl = options.acl?.node ?? (owned ? ZkAcls.creatorAllWorldRead() : undefined);
    this.format = options.format ?? goKitNodeFormat;
    this.parentAcl =
      options.acl?.parents ?? (owned ? ZkAcls.creatorAllWorldReadCreate() : undefined);
    this.stateValue = new ObservedValue<RegistrationState>(
      'unregistered',
      this.logger,
      `the registration of ${this.servicePath}`,
    );
    this.stopFollowingSessions = client.subscribeSessions((event) => {
      if (event.previousSessionId) this.onNewSession();
    });
  }

  /** The path of our instance node while registered. */
  get nodePath(): string | undefined {
    return this.node;
  }

  get state(): RegistrationState {
    return this.stateValue.value;
  }

  /**
   * Calls `listener` at once with the registration state, then on each change, until `close()`
   * or the returned function is called. A listener that throws is logged.
   */
  subscribeState(listener: (state: RegistrationState) => void): Unsubscribe {
    if (this.closed) {
      listener(this.state);
      return () => {};
    }
    return this.stateValue.subscribe(listener);
  }

  /**
   * Creates our instance node (and the persistent parents). Idempotent: while registered it
   * returns the existing node. Rejects with the client's typed error when ZooKeeper refuses.
   */
  register(): Promise<string> {
    this.wanted = true;
    if (this.node && this.state === 'registered') return Promise.resolve(this.node);
    this.inFlight ??= this.createNode().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * `register()`, and when it fails, again with backoff until it works (as after a new session),
   * `deregister()` is called or the registrar closes. Resolves with the node, or undefined when the
   * first attempt failed (the retries go on; `subscribeState` says when one succeeds).
   */
  async registerRetrying(): Promise<string | undefined> {
    this.wanted = true;
    await this.reregister(undefined);
    return this.state === 'registered' ? this.node : undefined;
  }

  /**
   * Deletes exactly our node (never the service directory). Idempotent: a node already gone is
   * success. Never rejects and never waits longer than `timeoutMs`: it is called during shutdown.
   * Resolves true when the node is known to be gone.
   */
  async deregister(timeoutMs = 5000): Promise<boolean> {
    this.wanted = false;
    this.replacing = undefined;
    clearTimeout(this.retryTimer);
    this.setState('deregistered');
    await this.inFlight?.catch(() => undefined);
    const node = this.node;
    this.node = undefined;
    if (!node) return true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        this.logger.warn(
          `Deregistering ${node} took over ${timeoutMs} ms; it goes when the session closes`,
        );
        resolve(false);
      }, timeoutMs);
    });
    const removal = this.client.delete(node).then(
      () => true,
      (error: Error) => {
        if (error instanceof ZkNoNodeError) return true;
        this.logger.warn(
          `Could not delete ${node}: ${error.message}; it goes when the session closes`,
        );
        return false;
      },
    );
    try {
      return await Promise.race([removal, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Replaces our node's data; kept for later re-registrations too. */
  async update(data: Buffer | string): Promise<void> {
    this.data = validateNodeData(data, `registration data of ${this.servicePath}`);
    await this.inFlight?.catch(() => undefined);
    if (this.node) await this.client.setData(this.node, this.data);
  }

  /** Stops reacting to new sessions. Does not deregister: call `deregister()` first. */
  close(): void {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.closed = true;
    this.stopFollowingSessions();
    this.stateValue.clear();
  }

  private setState(state: RegistrationState): void {
    if (!this.closed) this.stateValue.set(state);
  }

  private async createNode(): Promise<string> {
    this.setState('registering');
    try {
      let node: string;
      let generation: number;
      do {
        generation = this.generation;
        node = await this.createInstanceNode();
        // A node created in a session that expired meanwhile died with it: create it again.
      } while (generation !== this.generation && this.wanted);
      if (!this.wanted) {
        // deregister() was called while we were creating: take the node away again.
        await this.client.delete(node).catch(() => undefined);
        return node;
      }
      this.node = node;
      this.setState('registered');
      this.retries = 0;
      this.logger.log(`Registered ${node} as ${advertised(node, this.data)}`);
      return node;
    } catch (error) {
      if (this.wanted) this.setState('unregistered');
      throw error;
    }
  }

  private async createInstanceNode(): Promise<string> {
    const acls = { node: this.nodeAcl, parents: this.parentAcl };
    const previous = this.replacing;
    if (!previous) return this.format.createNode(this.client, this.servicePath, this.data, acls);
    const node = await replaceInstanceNode(
      {
        client: this.client,
        format: this.format,
        servicePath: this.servicePath,
        data: this.data,
        acls,
        reconnectWaitMs: this.client.sessionTimeoutMs,
      },
      previous,
    );
    this.replacing = undefined;
    return node;
  }

  /** Our node died with the old session: create it again, retrying with backoff until it works. */
  private onNewSession(): void {
    this.generation++;
    if (!this.wanted || this.inFlight) return;
    const previous = this.node;
    this.node = undefined;
    this.setState('unregistered');
    this.logger.warn(`New ZooKeeper session: registering ${this.servicePath} again`);
    void this.reregister(previous);
  }

  private async reregister(previous: string | undefined): Promise<void> {
    try {
      // Should the server not have expired the old session yet, its node must not stand beside
      // the new one: the create replaces it (`replaceInstanceNode`).
      if (previous) this.replacing = previous;
      await this.register();
    } catch (error) {
      if (!this.wanted) return;
      const delay = this.backoff(++this.retries);
      this.logger.warn(
        `Re-registering ${this.servicePath} failed: ${(error as Error).message}; retrying in ${delay} ms`,
      );
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => void this.reregister(undefined), delay);
      this.retryTimer.unref();
    }
  }
}

/** Reads our own node back for the log line, whatever its status. */
const decodeOwnNode = instanceDecoder({ includeNotUp: true });

/** What consumers will call, for the log line: the decoded URL, else the data as text. */
function advertised(node: string, data: Buffer): string {
  const name = node.slice(node.lastIndexOf('/') + 1);
  try {
    const instance = decodeOwnNode({ name, path: node, data });
    if (instance?.url) return instance.url;
  } catch {
    // Not a format we read: show the bytes.
  }
  const text = data.toString('utf8');
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

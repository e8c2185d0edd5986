import { ZkClosedError, ZkSessionExpiredError } from './errors/zk-operation.errors.js';
import { Listeners, ObservedValue, type Unsubscribe } from './listeners.js';
import { warnOnceIfInheritable } from './native-cloexec.js';
import { openAndCloseSession } from './serving-probe.js';
import { SessionGuard } from './session-guard.js';
import { openTransportHandle } from './transport-handle.js';
import type { ResolvedZkClientOptions, ZkAuth } from './zk-client.options.js';
import type { ZkClientState, ZkSessionEvent } from './zk-client.types.js';
import { ZkCodes, ZkSessionStates } from './zk-codes.js';
import type { ZkHandle, ZkNodeEvent } from './zk-handle.js';
import type { HandleDropped } from './zk-requests.js';
import type { ZkServerAddress } from './zk-server-address.js';

const AUTH_RETRY_FIRST_MS = 500;
const AUTH_RETRY_MAX_MS = 30_000;

/** What the session tells the client it serves. */
export interface SessionHooks {
  /** A watched node changed, on the current handle. */
  nodeEvent(event: ZkNodeEvent, path: string): void;
  /**
   * The client leaves `handle` (closed, or its session is over): fail what still waits on it with
   * `failure`; its watches are gone.
   */
  handleLeft(handle: ZkHandle | undefined, failure: HandleDropped): void;
}

/**
 * The session state machine of a `ZkClient`: one native handle at a time, its state
 * (`connecting | connected | disconnected | expired | closed`) and its session id, a new handle
 * and session after an expiry or when the `SessionGuard` gives a handle up, and the credentials
 * added to every handle.
 */
export class ZkSession {
  private handle: ZkHandle | undefined;
  /**
   * The handle given up last, kept open until its successor connects: while it holds its socket's
   * fd number, the new handle's socket cannot get that number (see `SessionGuard`).
   */
  private retiring: ZkHandle | undefined;
  private lastSessionId: string | undefined;
  private readonly guard: SessionGuard;
  /** The servers' ports, to find the client's own sockets (close-on-exec check). */
  private readonly serverPorts: ReadonlySet<number>;
  private readonly stateValue: ObservedValue<ZkClientState>;
  private readonly sessionListeners: Listeners<ZkSessionEvent>;
  /** Authentication failures so far: each waits longer before the next session. */
  private authFailures = 0;

  constructor(
    private readonly options: ResolvedZkClientOptions,
    private readonly servers: readonly ZkServerAddress[],
    private readonly hooks: SessionHooks,
  ) {
    this.serverPorts = new Set(servers.map((server) => server.port));
    this.stateValue = new ObservedValue<ZkClientState>(
      'connecting',
      options.logger,
      'ZkClient state',
    );
    this.sessionListeners = new Listeners(options.logger, 'ZkClient sessions');
    this.guard = new SessionGuard(
      {
        state: () => this.state,
        sessionTimeoutMs: () => this.sessionTimeoutMs,
        renewSession: (reason) => this.renew('given up', reason),
      },
      servers,
      (server, timeoutMs) => openAndCloseSession(server, timeoutMs, options.tls),
    );
  }

  get state(): ZkClientState {
    return this.stateValue.value;
  }

  /** See `ZkClient.subscribeState`. */
  subscribeState(listener: (state: ZkClientState) => void): Unsubscribe {
    return this.stateValue.subscribe(listener);
  }

  /** See `ZkClient.subscribeSessions`. */
  subscribeSessions(listener: (event: ZkSessionEvent) => void): Unsubscribe {
    if (this.state === 'closed') return () => {};
    return this.sessionListeners.add(listener);
  }

  /** The handle requests go to (undefined before `open()` and after `close()`). */
  get current(): ZkHandle | undefined {
    return this.handle;
  }

  /** The current session id (hex), or undefined while there is none. */
  get sessionId(): string | undefined {
    return this.state === 'connected' || this.state === 'disconnected'
      ? this.lastSessionId
      : undefined;
  }

  /** The session timeout granted by the server, or the requested one before the first session. */
  get sessionTimeoutMs(): number {
    const negotiated = this.handle?.negotiatedTimeoutMs ?? -1;
    return negotiated > 0 ? negotiated : this.options.sessionTimeoutMs;
  }

  /** Listeners of the state and of new sessions (for leak checks). */
  get subscriberCount(): number {
    return this.stateValue.listenerCount + this.sessionListeners.size;
  }

  /** Opens the first handle (idempotent); false when it was open already or closed. */
  open(): boolean {
    if (this.handle || this.state === 'closed') return false;
    this.openHandle();
    this.guard.start();
    return true;
  }

  /** Closes the session (its ephemeral nodes go at once); listeners hear `closed`, then nothing. */
  close(): void {
    if (this.state === 'closed') return;
    this.setState('closed');
    this.guard.stop();
    this.retiring?.close();
    this.retiring = undefined;
    this.hooks.handleLeft(this.handle, (operation, path) => new ZkClosedError(operation, path));
    this.handle?.close();
    this.handle = undefined;
    this.stateValue.clear();
    this.sessionListeners.clear();
  }

  private openHandle(connectAfterMs = 0): void {
    const handle: ZkHandle = openTransportHandle(this.options, this.servers, connectAfterMs, {
      connected: () => this.handle === handle && this.onConnected(handle),
      connecting: () => this.handle === handle && this.onConnectionLost(),
      closed: (code) => this.handle === handle && this.onHandleClosed(code),
      node: (event, path) => this.handle === handle && this.hooks.nodeEvent(event, path),
    });
    this.handle = handle;
    this.guard.handleOpened();
    for (const auth of this.options.auth) this.addAuth(handle, auth);
  }

  /** Queued by the C client before the handshake, and re-sent by it on every reconnect. */
  private addAuth(handle: ZkHandle, { scheme, credentials }: ZkAuth): void {
    handle.ops.addAuth(scheme, credentials, (rc) => {
      // A lost connection is not a rejection: both transports send the credentials again on the
      // next connection. Only an authentication failure is worth a line.
      if (rc === ZkCodes.AUTHFAILED && this.handle === handle) {
        this.options.logger.error(
          `ZooKeeper rejected the ${scheme} credentials (code ${rc}); check the \`auth\` option.`,
        );
      }
    });
  }

  private onConnected(handle: ZkHandle): void {
    const sessionId = handle.sessionId ?? '';
    const previous = this.lastSessionId;
    const isNew = sessionId !== previous;
    this.lastSessionId = sessionId;
    this.retiring?.close();
    this.retiring = undefined;
    this.guard.connected();
    if (this.options.transport === 'native') {
      warnOnceIfInheritable(this.serverPorts, (message) => this.options.logger.warn(message));
    }
    this.setState('connected');
    if (isNew) {
      this.options.logger.log(
        `ZooKeeper session 0x${sessionId} established with ${this.options.connectString}`,
      );
      this.sessionListeners.emit(
        previous ? { sessionId, previousSessionId: previous } : { sessionId },
      );
    }
  }

  private onConnectionLost(): void {
    if (this.state !== 'connected') return;
    this.guard.connectionLost();
    this.setState('disconnected');
    this.options.logger.warn(
      `ZooKeeper connection lost (session 0x${this.lastSessionId}); reconnecting`,
    );
    // Nothing drastic: the session may well be alive (a server restart, a quorum loss: a new
    // leader renews every session). Whether it expired is learnt when the native client gets
    // through again; consumers see `disconnected` (stale) meanwhile.
  }

  private onHandleClosed(code: number): void {
    if (code === ZkSessionStates.EXPIRED) {
      this.renew('expired', 'the server expired it');
    } else if (code === ZkSessionStates.AUTH_FAILED) {
      // The same credentials will fail again until someone fixes them: try again less and less
      // often (0.5 s, doubling up to 30 s), not in a loop that hammers the servers.
      const delayMs = Math.min(AUTH_RETRY_MAX_MS, AUTH_RETRY_FIRST_MS * 2 ** this.authFailures++);
      this.options.logger.error(
        'ZooKeeper authentication failed; check the `auth` option. Opening a new session in ' +
          `${(delayMs / 1000).toFixed(1)} s.`,
      );
      this.renew('expired', 'authentication failed', delayMs);
    }
  }

  /**
   * Leaves the current handle for good and opens a new session with the same auth: after an
   * expiry (the handle is already closed), or when the guard gives up a handle that cannot get
   * back. Subscribers see `expired`, then `connecting`, then a new session.
   */
  private renew(what: 'expired' | 'given up', reason: string, connectAfterMs = 0): void {
    if (this.state === 'closed') return;
    // A handle still `connecting` never had a session of its own.
    const which =
      this.state === 'connecting' ? 'connection attempt' : `session 0x${this.lastSessionId}`;
    this.options.logger.warn(`ZooKeeper ${which} ${what} (${reason}); opening a new session`);
    const old = this.handle;
    // The watches died with the session; their owners re-read on the new session.
    this.hooks.handleLeft(
      old,
      (operation, path) => new ZkSessionExpiredError(operation, path, ZkCodes.SESSIONEXPIRED),
    );
    this.setState('expired');
    this.retiring?.close();
    this.retiring = old;
    this.openHandle(connectAfterMs);
    this.setState('connecting');
  }

  private setState(state: ZkClientState): void {
    if (this.stateValue.value !== 'closed') this.stateValue.set(state);
  }
}

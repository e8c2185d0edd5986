import { ZkProtocolError } from '../errors/zk-protocol.error.js';
import type { ZkTlsOptions } from '../zk-client.options.js';
import { ZkCodes, ZkSessionStates } from '../zk-codes.js';
import type { Complete, ZkHandle, ZkHandleEvents, ZkHandleOps, ZkNodeEvent } from '../zk-handle.js';
import type { ZkLogger } from '../zk-logger.js';
import type { ZkServerAddress } from '../zk-server-address.js';
import { JuteReader } from './jute-reader.js';
import { JuteWriter } from './jute-writer.js';
import { EventType, NO_PASSWORD, OpCode, Xid } from './protocol.constants.js';
import { protocolOps, type RequestSender } from './protocol-ops.js';
import {
  type ConnectResponse,
  hexId,
  readConnectResponse,
  readReplyHeader,
  readWatcherEvent,
  writeConnectRequest,
} from './records.js';
import { ServerWatches } from './server-watches.js';
import { ZkConnection } from './zk-connection.js';

export interface ProtocolHandleOptions {
  servers: readonly ZkServerAddress[];
  /** Prefixed to every path sent, taken off every path received ('' for none). */
  chroot: string;
  sessionTimeoutMs: number;
  tls: ZkTlsOptions | undefined;
  /** Whether a read-only server (one cut off from its quorum) may serve this session. */
  canBeReadOnly: boolean;
  keepProcessAlive: boolean;
  maxFrameBytes: number;
  logger: ZkLogger;
  /** Wait before the first connection attempt (after an authentication failure). */
  connectAfterMs?: number;
}

/** A request sent, or waiting to be sent once connected. */
interface Request {
  xid: number;
  frame: Buffer;
  /** Reads the answer's body; called only when the answer's error code is 0. */
  read: ((reader: JuteReader) => unknown) | undefined;
  done: Complete<unknown>;
}

const PING = new JuteWriter(16).int(Xid.ping).int(OpCode.ping).frame();

const nodeEvents: Record<number, ZkNodeEvent> = {
  [EventType.nodeCreated]: 'created',
  [EventType.nodeDeleted]: 'deleted',
  [EventType.nodeDataChanged]: 'changed',
  [EventType.nodeChildrenChanged]: 'child',
};

/**
 * One ZooKeeper session over our own implementation of the wire protocol (see `zookeeper.jute`):
 * the servers tried in a shuffled order, the session resumed on another one after a disconnect
 * (with its id, password and the last zxid seen, so it never goes back in time), pings at a third
 * of the session timeout, a silent connection dropped at two thirds, credentials and watches
 * restored on each reconnect. It ends on its own only when the server says the session expired or
 * refused the credentials.
 */
export class ProtocolHandle implements ZkHandle, RequestSender {
  readonly ops: ZkHandleOps;
  private isAlive = true;
  private connection: ZkConnection | undefined;
  private connected = false;
  private readonly hosts: ZkServerAddress[];
  private nextHost = 0;
  /** Hosts tried since the last session: a whole round of failures waits before the next. */
  private failedInARow = 0;
  private sessionIdValue = 0n;
  private password: Buffer = NO_PASSWORD;
  private negotiated = -1;
  private lastZxid = 0;
  private xid = 0;
  private readonly inFlight: Request[] = [];
  private inFlightHead = 0;
  private readonly queued: Request[] = [];
  /** Credentials sent on every connection; `done` waits for the first answer to them. */
  private readonly auths: Array<{ scheme: string; credentials: Buffer; done?: Complete<void> }> =
    [];
  /** Callbacks of auth packets sent and not answered yet, in order. */
  private readonly authReplies: Array<Complete<void> | undefined> = [];
  readonly watches = new ServerWatches();
  /** Frames held back until the callers of the answers before them have run (see `take`). */
  private backlog: Buffer[] | undefined;
  /** An answer was delivered in this turn of the event loop. */
  private answeredThisTurn = false;
  private ticker: NodeJS.Timeout | undefined;
  private lastWarning: string | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ProtocolHandleOptions,
    private readonly events: ZkHandleEvents,
  ) {
    this.hosts = shuffled(options.servers);
    this.ops = protocolOps(this);
    if (options.connectAfterMs) this.reconnectAfter(options.connectAfterMs);
    else this.openConnection();
  }

  get alive(): boolean {
    return this.isAlive;
  }

  get sessionId(): string | undefined {
    return this.isAlive && this.sessionIdValue !== 0n ? hexId(this.sessionIdValue) : undefined;
  }

  get negotiatedTimeoutMs(): number {
    return this.isAlive ? this.negotiated : -1;
  }

  /** The server of the current connection (`host:port`), if any. */
  get server(): string | undefined {
    return this.connection?.server;
  }

  close(): void {
    if (!this.isAlive) return;
    this.isAlive = false;
    this.stopTimers();
    const connection = this.connection;
    this.connection = undefined;
    if (connection && this.connected) {
      connection.send(this.header(this.nextXid(), OpCode.closeSession).frame());
      connection.close(undefined, true);
    } else connection?.close();
    this.failEverything(ZkCodes.CLOSING);
  }

  private openConnection(): void {
    const address = this.hosts[this.nextHost];
    this.nextHost = (this.nextHost + 1) % this.hosts.length;
    const connection: ZkConnection = new ZkConnection(
      address,
      {
        tls: this.options.tls,
        maxFrameBytes: this.options.maxFrameBytes,
        keepProcessAlive: this.options.keepProcessAlive,
      },
      {
        open: () => this.sendConnectRequest(connection),
        frame: (frame) => this.onFrame(connection, frame),
        closed: (error) => this.onConnectionClosed(connection, error),
      },
    );
    this.connection = connection;
    this.connected = false;
    this.startTicker();
  }

  private sendConnectRequest(connection: ZkConnection): void {
    const writer = new JuteWriter(64);
    writeConnectRequest(writer, {
      lastZxidSeen: this.lastZxid,
      timeOut: this.options.sessionTimeoutMs,
      sessionId: this.sessionIdValue,
      passwd: this.password,
      readOnly: this.options.canBeReadOnly,
    });
    connection.send(writer.frame());
  }

  private onFrame(connection: ZkConnection, frame: Buffer): void {
    if (connection !== this.connection) return;
    if (this.backlog) {
      this.backlog.push(frame);
      return;
    }
    // ZooKeeper sends a watch event after the answer of the read that armed it, and callers rely
    // on seeing that answer first (code after \`await getChildren(path, watcher)\` runs before the
    // watcher). Both can arrive in one chunk: an event that follows an answer of this turn waits
    // for the next turn, and the frames after it with it, in order.
    if (this.answeredThisTurn && frame.length >= 4 && frame.readInt32BE(0) === Xid.notification) {
      this.backlog = [frame];
      setImmediate(() => this.drainBacklog(connection));
      return;
    }
    this.process(connection, frame);
  }

  private drainBacklog(connection: ZkConnection): void {
    const frames = this.backlog ?? [];
    this.backlog = undefined;
    for (const frame of frames) {
      if (connection !== this.connection) return;
      try {
        this.onFrame(connection, frame);
      } catch (error) {
        connection.close(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
  }

  private process(connection: ZkConnection, frame: Buffer): void {
    const reader = new JuteReader(frame);
    if (!this.connected) {
      this.onConnectResponse(connection, readConnectResponse(reader));
      return;
    }
    const header = readReplyHeader(reader);
    if (header.zxid > this.lastZxid) this.lastZxid = header.zxid;
    if (header.xid < 0) {
      if (header.xid === Xid.notification) this.onNotification(readWatcherEvent(reader));
      else if (header.xid === Xid.auth) this.onAuthReply(header.err);
      // Pings and SetWatches need nothing; no other negative xid is ever sent.
      return;
    }
    const request = this.inFlight[this.inFlightHead];
    if (!request || request.xid !== header.xid) {
      throw new ZkProtocolError(
        `Answer for request ${header.xid} from ZooKeeper, but ${request ? `request ${request.xid}` : 'none'} was next`,
      );
    }
    this.inFlight[this.inFlightHead++] = undefined as unknown as Request;
    if (this.inFlightHead === this.inFlight.length) {
      this.inFlight.length = 0;
      this.inFlightHead = 0;
    }
    this.markAnswered();
    if (header.err !== ZkCodes.OK) {
      this.deliver(request.done, header.err);
      return;
    }
    let value: unknown;
    try {
      value = request.read?.(reader);
    } catch (error) {
      // The request is answered (with the error); the connection then closes on the bad frame.
      this.deliver(request.done, ZkCodes.MARSHALLINGERROR);
      throw error;
    }
    this.deliver(request.done, ZkCodes.OK, value);
  }

  private markAnswered(): void {
    if (this.answeredThisTurn) return;
    this.answeredThisTurn = true;
    setImmediate(() => {
      this.answeredThisTurn = false;
    });
  }

  private onConnectResponse(connection: ZkConnection, response: ConnectResponse): void {
    if (response.timeOut <= 0) {
      // The server no longer knows the session: it expired while we were away.
      this.end(ZkSessionStates.EXPIRED, ZkCodes.SESSIONEXPIRED);
      return;
    }
    if (response.readOnly && !this.options.canBeReadOnly) {
      connection.close(new Error(`${connection.server} is read-only (cut off from its quorum)`));
      return;
    }
    const resumed = this.sessionIdValue !== 0n;
    this.sessionIdValue = response.sessionId;
    this.password = response.passwd;
    this.negotiated = response.timeOut;
    this.connected = true;
    this.failedInARow = 0;
    for (const auth of this.auths) {
      this.authReplies.push(auth.done);
      auth.done = undefined;
      connection.send(this.authFrame(auth.scheme, auth.credentials));
    }
    if (resumed) {
      for (const frame of this.watches.setWatchesFrames(this.lastZxid, (path) =>
        this.toServer(path),
      ))
        connection.send(frame);
    } else this.watches.clear();
    for (const request of this.queued.splice(0)) this.send(connection, request);
    this.events.connected();
  }

  private onNotification(event: { type: number; path: string }): void {
    const kind = nodeEvents[event.type];
    if (!kind) return;
    const path = this.fromServer(event.path);
    this.watches.fired(kind, path);
    this.deliver(() => this.events.node(kind, path), ZkCodes.OK);
  }

  private onAuthReply(err: number): void {
    const done = this.authReplies.shift();
    if (err === ZkCodes.OK) {
      done?.(ZkCodes.OK);
      return;
    }
    done?.(err);
    // The server closes the connection after refusing credentials: the session is unusable.
    if (err === ZkCodes.AUTHFAILED) this.end(ZkSessionStates.AUTH_FAILED, ZkCodes.AUTHFAILED);
  }

  private onConnectionClosed(connection: ZkConnection, error: Error | undefined): void {
    if (connection !== this.connection || !this.isAlive) return;
    const wasConnected = this.connected;
    this.connection = undefined;
    this.connected = false;
    this.authReplies.length = 0;
    this.backlog = undefined;
    if (error instanceof ZkProtocolError) {
      this.options.logger.warn(`Closed the connection to ${connection.server}: ${error.message}`);
    } else if (this.options.tls && !wasConnected && error && isTlsFailure(error)) {
      this.warnOnce(
        `TLS with ${connection.server} failed: ${error.message}. Check the \`tls\` option (ca, ` +
          'cert, key, servername) against the server certificate and its `ssl.clientAuth`.',
      );
    }
    this.failEverything(ZkCodes.CONNECTIONLOSS);
    if (wasConnected) this.events.connecting();
    else this.failedInARow++;
    if (!this.isAlive) return;
    // A whole round of servers failed: wait a little before the next round (jittered, so that a
    // fleet of clients does not come back in step).
    const delay = this.failedInARow >= this.hosts.length ? 50 + Math.random() * 450 : 0;
    if (this.failedInARow >= this.hosts.length) this.failedInARow = 0;
    this.reconnectAfter(delay);
  }

  private reconnectAfter(delayMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.isAlive && !this.connection) this.openConnection();
    }, delayMs);
    this.reconnectTimer.unref();
  }

  private warnOnce(message: string): void {
    if (message === this.lastWarning) return;
    this.lastWarning = message;
    this.options.logger.warn(message);
  }

  /** The handle ends on its own: the session is gone. */
  private end(state: number, code: number): void {
    if (!this.isAlive) return;
    this.isAlive = false;
    this.stopTimers();
    this.connection?.close();
    this.connection = undefined;
    this.failEverything(code);
    this.events.closed(state);
  }

  private failEverything(code: number): void {
    const waiting = [...this.inFlight.slice(this.inFlightHead), ...this.queued.splice(0)];
    this.inFlight.length = 0;
    this.inFlightHead = 0;
    for (const request of waiting) this.deliver(request.done, code);
  }

  /**
   * Pings after a third of the session timeout without sending, drops the connection after two
   * thirds without hearing anything (the session timeout is the server's; before the first
   * session, the one asked for), and bounds the time to connect and hear the first answer.
   */
  private startTicker(): void {
    if (this.ticker) return;
    const tick = () => {
      const connection = this.connection;
      if (!connection) return;
      const sessionMs = this.negotiated > 0 ? this.negotiated : this.options.sessionTimeoutMs;
      const now = performance.now();
      const silentFor = now - connection.lastReceivedAt;
      const limit = this.connected
        ? (sessionMs * 2) / 3
        : Math.max(1_000, sessionMs / this.hosts.length);
      if (silentFor > limit) {
        connection.close(
          new Error(`no answer from ${connection.server} for ${Math.round(silentFor)} ms`),
        );
      } else if (this.connected && now - connection.lastSentAt >= sessionMs / 3) {
        connection.send(PING);
      }
    };
    const every = Math.min(1_000, Math.max(20, this.options.sessionTimeoutMs / 15));
    this.ticker = setInterval(tick, every);
    this.ticker.unref();
  }

  private stopTimers(): void {
    clearInterval(this.ticker);
    clearTimeout(this.reconnectTimer);
    this.ticker = undefined;
    this.reconnectTimer = undefined;
  }

  /** Sends a request now when connected, else queues it for the next session. */
  submit(
    opCode: number,
    writeBody: (writer: JuteWriter) => void,
    read: Request['read'],
    done: Complete<unknown>,
  ): number {
    if (!this.isAlive) return ZkCodes.CLOSING;
    const xid = this.nextXid();
    const writer = this.header(xid, opCode);
    writeBody(writer);
    const request: Request = { xid, frame: writer.frame(), read, done };
    const connection = this.connection;
    if (connection && this.connected) this.send(connection, request);
    else this.queued.push(request);
    return ZkCodes.OK;
  }

  private send(connection: ZkConnection, request: Request): void {
    this.inFlight.push(request);
    connection.send(request.frame);
  }

  private header(xid: number, opCode: number): JuteWriter {
    return new JuteWriter(128).int(xid).int(opCode);
  }

  private nextXid(): number {
    this.xid = this.xid >= 0x7fffffff ? 1 : this.xid + 1;
    return this.xid;
  }

  private authFrame(scheme: string, credentials: Buffer): Buffer {
    return this.header(Xid.auth, OpCode.auth).int(0).ustring(scheme).buffer(credentials).frame();
  }

  /** Calls back, so that a callback that throws cannot break the connection's reading. */
  private deliver(done: Complete<unknown>, rc: number, value?: unknown): void {
    try {
      done(rc, value);
    } catch (error) {
      this.options.logger.error(
        `A ZooKeeper callback threw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }

  toServer(path: string): string {
    if (!this.options.chroot) return path;
    return path === '/' ? this.options.chroot : this.options.chroot + path;
  }

  fromServer(path: string): string {
    const chroot = this.options.chroot;
    if (!chroot || !path.startsWith(chroot)) return path;
    return path.length === chroot.length ? '/' : path.slice(chroot.length);
  }

  /** Sent on every connection; `done` hears the first answer to them. */
  addAuth(scheme: string, credentials: string, done: Complete<void>): number {
    if (!this.isAlive) return ZkCodes.CLOSING;
    const bytes = Buffer.from(credentials, 'utf8');
    const connection = this.connection;
    if (connection && this.connected) {
      this.auths.push({ scheme, credentials: bytes });
      this.authReplies.push(done);
      connection.send(this.authFrame(scheme, bytes));
    } else this.auths.push({ scheme, credentials: bytes, done });
    return ZkCodes.OK;
  }
}

/** A failed TLS handshake (OpenSSL's errors, certificate checks), not a refused connection. */
function isTlsFailure(error: Error): boolean {
  const code = (error as { code?: string }).code ?? '';
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    /CERT|SIGNED|VERIFY/.test(code) ||
    'library' in error
  );
}

/** The servers in a random order, as the Java client shuffles its host list. */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

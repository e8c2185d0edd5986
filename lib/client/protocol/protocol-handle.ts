import { ZkProtocolError } from '../errors/zk-protocol.error.js';
import type { ZkTlsOptions } from '../zk-client.options.js';
import { ZkCodes, ZkSessionStates } from '../zk-codes.js';
import type { Complete, ZkHandle, ZkHandleEvents, ZkHandleOps, ZkNodeEvent } from '../zk-handle.js';
import type { ZkLogger } from '../zk-logger.js';
import type { ZkServerAddress } from '../zk-server-address.js';
import { FrameSequencer } from './frame-sequencer.js';
import { Heartbeat } from './heartbeat.js';
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
import { type Request, RequestQueue } from './request-queue.js';
import { ServerRotation } from './server-rotation.js';
import { ServerWatches } from './server-watches.js';
import { SessionAuths } from './session-auths.js';
import { isTlsFailure, ZkConnection } from './zk-connection.js';

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
 * refused the credentials. Its parts: `ServerRotation` (which server next), `Heartbeat` (pings,
 * silence), `RequestQueue`, `SessionAuths`, `ServerWatches` and `FrameSequencer` (frame order).
 */
export class ProtocolHandle implements ZkHandle, RequestSender {
  readonly ops: ZkHandleOps;
  private isAlive = true;
  private connection: ZkConnection | undefined;
  private connected = false;
  private readonly servers: ServerRotation;
  private readonly heartbeat: Heartbeat;
  private sessionIdValue = 0n;
  private password: Buffer = NO_PASSWORD;
  private negotiated = -1;
  private lastZxid = 0;
  private xid = 0;
  private readonly requests = new RequestQueue();
  private readonly auths = new SessionAuths();
  readonly watches = new ServerWatches();
  private readonly frames = new FrameSequencer(
    () => this.connection,
    (connection, frame) => this.process(connection, frame),
  );
  private lastWarning: string | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: ProtocolHandleOptions,
    private readonly events: ZkHandleEvents,
  ) {
    this.servers = new ServerRotation(options.servers);
    this.heartbeat = new Heartbeat(options.sessionTimeoutMs, this.servers.size, () => ({
      connection: this.connection,
      connected: this.connected,
      negotiatedMs: this.negotiated,
    }));
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
    const address = this.servers.next();
    const connection: ZkConnection = new ZkConnection(
      address,
      {
        tls: this.options.tls,
        maxFrameBytes: this.options.maxFrameBytes,
        keepProcessAlive: this.options.keepProcessAlive,
      },
      {
        open: () => this.sendConnectRequest(connection),
        frame: (frame) => this.frames.push(connection, frame),
        closed: (error) => this.onConnectionClosed(connection, error),
      },
    );
    this.connection = connection;
    this.connected = false;
    this.heartbeat.start();
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
    const request = this.requests.take(header.xid);
    this.frames.answered();
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
    this.servers.connected();
    this.auths.sendAll(connection);
    if (resumed) {
      for (const frame of this.watches.setWatchesFrames(this.lastZxid, (path) =>
        this.toServer(path),
      ))
        connection.send(frame);
    } else this.watches.clear();
    this.requests.sendQueued(connection);
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
    this.auths.answered(err);
    // The server closes the connection after refusing credentials: the session is unusable.
    if (err === ZkCodes.AUTHFAILED) this.end(ZkSessionStates.AUTH_FAILED, ZkCodes.AUTHFAILED);
  }

  private onConnectionClosed(connection: ZkConnection, error: Error | undefined): void {
    if (connection !== this.connection || !this.isAlive) return;
    const wasConnected = this.connected;
    this.connection = undefined;
    this.connected = false;
    this.auths.connectionLost();
    this.frames.reset();
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
    if (!this.isAlive) return;
    this.reconnectAfter(this.servers.delayAfter(!wasConnected));
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
    for (const request of this.requests.takeAll()) this.deliver(request.done, code);
  }

  private stopTimers(): void {
    this.heartbeat.stop();
    clearTimeout(this.reconnectTimer);
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
    this.requests.submit(request, this.connected ? this.connection : undefined);
    return ZkCodes.OK;
  }

  private header(xid: number, opCode: number): JuteWriter {
    return new JuteWriter(128).int(xid).int(opCode);
  }

  private nextXid(): number {
    this.xid = this.xid >= 0x7fffffff ? 1 : this.xid + 1;
    return this.xid;
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
    this.auths.add(scheme, credentials, done, this.connected ? this.connection : undefined);
    return ZkCodes.OK;
  }
}

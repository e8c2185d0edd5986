import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ZkProtocolError } from '../errors/zk-protocol.error.js';
import { zookeeperSockets } from '../owned-sockets.js';
import type { ZkTlsOptions } from '../zk-client.options.js';
import type { ZkServerAddress } from '../zk-server-address.js';
import { FrameDecoder } from './frame-decoder.js';

export interface ZkConnectionOptions {
  tls: ZkTlsOptions | undefined;
  maxFrameBytes: number;
  /** Whether the socket alone keeps the process alive (else it is left out of the idle check). */
  keepProcessAlive: boolean;
}

export interface ZkConnectionEvents {
  /** The socket is open (TLS: the handshake is done). */
  open(): void;
  /** One complete frame, without its length. */
  frame(frame: Buffer): void;
  /** The connection is gone: `error` says why, undefined when we closed it. Called once. */
  closed(error: Error | undefined): void;
}

/**
 * One socket to one ZooKeeper server: plain TCP or TLS, its bytes cut into frames, and writes
 * made in one turn of the event loop sent together. It knows nothing of sessions.
 */
export class ZkConnection {
  readonly server: string;
  private readonly socket: Socket;
  private readonly decoder: FrameDecoder;
  private ended = false;
  private corked = false;
  /** `performance.now()` of the last byte received, and of the last frame sent. */
  lastReceivedAt = performance.now();
  lastSentAt = performance.now();

  constructor(
    address: ZkServerAddress,
    options: ZkConnectionOptions,
    private readonly events: ZkConnectionEvents,
  ) {
    this.server = address.host.includes(':')
      ? `[${address.host}]:${address.port}`
      : `${address.host}:${address.port}`;
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    const { host, port } = address;
    this.socket = options.tls
      ? tlsConnect({
          host,
          port,
          ca: options.tls.ca as string | Buffer | Array<string | Buffer> | undefined,
          cert: options.tls.cert,
          key: options.tls.key,
          servername: options.tls.servername ?? (isIp(host) ? undefined : host),
        })
      : netConnect({ host, port });
    this.socket.setNoDelay(true);
    if (!options.keepProcessAlive) zookeeperSockets.add(this.socket);
    this.socket.once(options.tls ? 'secureConnect' : 'connect', () => {
      this.lastReceivedAt = performance.now();
      if (!this.ended) this.events.open();
    });
    this.socket.on('data', (chunk: Buffer) => this.received(chunk));
    this.socket.on('error', (error) => this.end(error));
    this.socket.on('close', () => this.end(this.closedError()));
  }

  /**
   * Sends a frame. The first frame of a turn of the event loop leaves at once (a lone request
   * waits for nothing); the frames after it in the same turn leave together in one write.
   */
  send(frame: Buffer): void {
    if (this.ended) return;
    this.socket.write(frame);
    this.lastSentAt = performance.now();
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  /** Ends the connection; `flush` lets what was sent reach the server first. */
  close(error?: Error, flush = false): void {
    if (this.ended) return;
    if (flush) {
      // What was written leaves first, then the FIN; the socket goes away once the server closes.
      this.ended = true;
      if (this.corked) this.socket.uncork();
      this.socket.end();
      this.socket.setTimeout(FLUSH_TIMEOUT_MS, () => this.socket.destroy());
      this.events.closed(error);
      return;
    }
    this.socket.destroy();
    this.end(error);
  }

  private received(chunk: Buffer): void {
    this.lastReceivedAt = performance.now();
    try {
      this.decoder.push(chunk, (frame) => {
        if (!this.ended) this.events.frame(frame);
      });
    } catch (error) {
      this.close(withServer(error, this.server));
    }
  }

  /** Why the server's close ended the connection: a frame cut short is a protocol error. */
  private closedError(): Error {
    const buffered = this.decoder.buffered;
    if (buffered === 0) return new Error(`${this.server} closed the connection`);
    return new ZkProtocolError(
      `Truncated frame: ${this.server} closed the connection ${buffered} bytes into a frame`,
      this.server,
    );
  }

  private end(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.destroy();
    this.events.closed(error);
  }
}

/** How long a closing connection may take to flush before it is cut. */
const FLUSH_TIMEOUT_MS = 2_000;

/** A protocol error gets the server it came from; anything else thrown while decoding is a bug. */
function withServer(error: unknown, server: string): Error {
  if (error instanceof ZkProtocolError) return new ZkProtocolError(error.message, server);
  return new ZkProtocolError(
    `Frame from ${server} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    server,
  );
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** A failed TLS handshake (OpenSSL's errors, certificate checks), not a refused connection. */
export function isTlsFailure(error: Error): boolean {
  const code = (error as { code?: string }).code ?? '';
  return (
    code.startsWith('ERR_SSL') ||
    code.startsWith('ERR_TLS') ||
    /CERT|SIGNED|VERIFY/.test(code) ||
    'library' in error
  );
}
